/**
 * The matrix reporter end to end: a docker-free sample run (tests/sample-run/) in a child process,
 * then the exact matrix.json, junit.xml and terminal output a user would get.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { FAKE_LOG, FAKE_WASM_LOG } from './sample-run/sample-fixtures';
import { readJson, runSample, statuses } from './sample-run/run';
import { childrenNamed, parseXml } from './sample-run/xml';
import type { RunOutput } from './sample-run/run';

const SKIPPED = 'cache-expiry › deny policy › answers 503 after expiry';
const PASSING = 'header-injection › "x-token: <value>" & friends reach the upstream';
const FAILING = 'header-injection › a client-sent header is replaced';

let run: RunOutput;
let dir: string;

test.beforeAll(async ({}, testInfo) => {
  dir = testInfo.outputPath('run');
  run = await runSample(dir);
});

test('a sample run exits 1 (one case failed) and writes matrix.json, matrix.html, junit.xml', () => {
  expect(run.code, run.stdout + run.stderr).toBe(1);
  expect(fs.readdirSync(path.join(dir, 'matrix')).sort()).toEqual(['junit.xml', 'matrix.html', 'matrix.json']);
});

test('matrix.json holds every cell, the proxies, the filter and the counts', () => {
  const m = readJson(path.join(dir, 'matrix', 'matrix.json'));
  expect(m.schemaVersion).toBe(1);
  expect(m.runId).toBe('sample-run');
  expect(m.status).toBe('failed');
  expect(Date.parse(m.finishedAt)).toBeGreaterThanOrEqual(Date.parse(m.startedAt));
  // The sample's annotation predates the implementation axis: it reads as the default implementation.
  expect(m.filter).toEqual({ implementation: 'assemblyscript', abiMarker: null, sha256: 'f'.repeat(64), size: 1234, variant: 'none', differences: [] });
  expect(m.proxies.map((p) => [p.id, p.available, p.image, p.versionLine])).toEqual([
    ['envoy-9.0.0', true, 'ewc/envoy:9.0.0-fake', 'envoy  version: abc/9.0.0/Clean/RELEASE/BoringSSL'],
    ['envoy-9.1.0', true, 'ewc/envoy:9.1.0-fake', 'envoy  version: def/9.1.0/Clean/RELEASE/BoringSSL'],
  ]);
  expect(m.proxies[0].wasmRuntimes).toEqual(['envoy.wasm.runtime.v8', 'envoy.wasm.runtime.null']);
  expect(statuses(m)).toEqual({
    [SKIPPED]: { 'envoy-9.0.0': 'skipped', 'envoy-9.1.0': 'passed' },
    [PASSING]: { 'envoy-9.0.0': 'passed', 'envoy-9.1.0': 'passed' },
    [FAILING]: { 'envoy-9.0.0': 'passed', 'envoy-9.1.0': 'failed' },
  });
  expect(m.cases.map((c) => c.id)).toEqual([SKIPPED, PASSING, FAILING]);
  expect(m.counts).toEqual({ passed: 4, failed: 1, skipped: 1, flaky: 0, interrupted: 0, notRun: 0 });

  const skipped = m.cases[0].cells['envoy-9.0.0'];
  expect(skipped.skipReason).toBe('fake: failure_policy deny needs envoy >= 9.1');
  const failed = m.cases[2].cells['envoy-9.1.0'];
  expect(failed.error?.split('\n')[0]).toBe('Error: x-token at the upstream');
  expect(failed.error).toContain('Received: "spoofed"');
  expect(failed.error).not.toMatch(/\u001b\[/);
  const attached = Object.fromEntries(failed.attachments.map((a) => [a.name, a]));
  expect(attached['envoy log (this case)']).toEqual({ name: 'envoy log (this case)', contentType: 'text/plain', body: FAKE_LOG });
  expect(attached['envoy wasm log (this case)']?.body).toBe(FAKE_WASM_LOG);
  // Quiet on success: only the failed cell carries attachments.
  const others = m.cases.flatMap((c) => Object.values(c.cells)).filter((cell) => cell !== failed);
  expect(others.map((cell) => cell.attachments)).toEqual([[], [], [], [], []]);
  expect(others.every((cell) => cell.durationMs >= 0 && cell.error === undefined)).toBe(true);
});

test('junit.xml is valid XML with one suite per proxy, counts, the failure and its wasm log', () => {
  const root = parseXml(fs.readFileSync(path.join(dir, 'matrix', 'junit.xml'), 'utf8'));
  expect(root.name).toBe('testsuites');
  expect([root.attrs.tests, root.attrs.failures, root.attrs.skipped]).toEqual(['6', '1', '1']);
  const suites = childrenNamed(root, 'testsuite');
  expect(suites.map((s) => [s.attrs.name, s.attrs.tests, s.attrs.failures, s.attrs.skipped])).toEqual([
    ['envoy-9.0.0', '3', '0', '1'],
    ['envoy-9.1.0', '3', '1', '0'],
  ]);
  const cases = suites.flatMap((s) => childrenNamed(s, 'testcase'));
  expect(cases.map((c) => `${c.attrs.classname} | ${c.attrs.name}`)).toHaveLength(6);
  const failing = cases.filter((c) => childrenNamed(c, 'failure').length);
  expect(failing.map((c) => [c.attrs.classname, c.attrs.name])).toEqual([['envoy-9.1.0', FAILING]]);
  const failure = childrenNamed(failing[0], 'failure')[0];
  expect(failure.attrs.message).toBe('Error: x-token at the upstream');
  expect(failure.text).toContain('Expected: "from-service"');
  expect(childrenNamed(failing[0], 'system-out')[0]?.text).toBe(FAKE_WASM_LOG);
  const skipped = cases.filter((c) => childrenNamed(c, 'skipped').length);
  expect(skipped.map((c) => [c.attrs.classname, c.attrs.name, childrenNamed(c, 'skipped')[0].attrs.message])).toEqual([
    ['envoy-9.0.0', SKIPPED, 'fake: failure_policy deny needs envoy >= 9.1'],
  ]);
  expect(Number(failing[0].attrs.time)).toBeGreaterThanOrEqual(0);
});

test('the terminal shows a progress line per cell, the table, reasons, and ends with the count line', () => {
  const lines = run.stdout.split('\n');
  const progress = lines.filter((l) => l.startsWith('[matrix] ') && !l.startsWith('[matrix] reports:'));
  const normalized = progress.map((l) => l.replace(/\(\d\/3 of/, '(n/3 of').replace(/ +/g, ' ')).sort();
  expect(normalized).toEqual(
    [
      `[matrix] FAIL envoy-9.1.0 ${FAILING} (n/3 of envoy-9.1.0)`,
      `[matrix] pass envoy-9.0.0 ${FAILING} (n/3 of envoy-9.0.0)`,
      `[matrix] pass envoy-9.0.0 ${PASSING} (n/3 of envoy-9.0.0)`,
      `[matrix] pass envoy-9.1.0 ${PASSING} (n/3 of envoy-9.1.0)`,
      `[matrix] pass envoy-9.1.0 ${SKIPPED} (n/3 of envoy-9.1.0)`,
      `[matrix] skipped envoy-9.0.0 ${SKIPPED} (n/3 of envoy-9.0.0)`,
    ].sort(),
  );
  // Each proxy's count runs 1/3, 2/3, 3/3.
  for (const p of ['envoy-9.0.0', 'envoy-9.1.0']) {
    expect(progress.filter((l) => l.includes(` ${p} `)).map((l) => /\((\d)\/3 of/.exec(l)?.[1])).toEqual(['1', '2', '3']);
  }
  expect(lines.find((l) => l.startsWith('case '))?.split(/\s{2,}/)).toEqual(['case', 'envoy-9.0.0', 'envoy-9.1.0']);
  expect(lines.find((l) => l.startsWith(FAILING))?.split(/\s{2,}/)).toEqual([FAILING, 'pass', 'FAIL']);
  expect(run.stdout).toContain(`  envoy-9.1.0: FAIL: ${FAILING}: Error: x-token at the upstream\n`);
  expect(run.stdout).toContain('  envoy-9.0.0: skipped: fake: failure_policy deny needs envoy >= 9.1\n');
  expect(run.stdout).toContain('  envoy-9.0.0      ewc/envoy:9.0.0-fake (built-from-wheel) abc/9.0.0/Clean/RELEASE/BoringSSL runtimes: v8,null\n');
  expect(lines.filter((l) => /^matrix: /.test(l))).toEqual(['matrix: 4 passed, 1 failed, 1 skipped']);
  expect(lines.filter((l) => l.trim()).at(-1)).toBe('matrix: 4 passed, 1 failed, 1 skipped');
});
