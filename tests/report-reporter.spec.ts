/**
 * The matrix reporter end to end: a docker-free sample run (tests/sample-run/) in a child process,
 * then the exact matrix.json, junit.xml and terminal output a user would get.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parseBreakageNote } from '../report/model';
import { FAKE_LOG, FAKE_WASM_LOG, NOT_MEASURED, SAMPLE_BREAKAGES } from './sample-run/sample-fixtures';
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

test('a run without breakage cases has no breakages field', () => {
  expect(readJson(path.join(dir, 'matrix', 'matrix.json'))).not.toHaveProperty('breakages');
  expect(run.stdout).not.toContain('Breakage catalogue');
});

test.describe('a run with breakage cases (EWC_SAMPLE_BREAKAGES=1)', () => {
  let bk: RunOutput;
  let bkDir: string;
  // envoy-9.0.0 alone: vendor-host-call is skipped on every column, so nothing but its title names it.
  let one: RunOutput;
  let oneDir: string;
  const reason = NOT_MEASURED;

  test.beforeAll(async ({}, testInfo) => {
    // A second child run of Playwright, in a worker that may share the machine with other sample runs.
    test.setTimeout(90_000);
    bkDir = testInfo.outputPath('run-breakages');
    oneDir = testInfo.outputPath('run-breakages-9.0.0');
    [bk, one] = await Promise.all([runSample(bkDir, [], { EWC_SAMPLE_BREAKAGES: '1' }), runSample(oneDir, ['--project=envoy-9.0.0', 'abi-breakages'], { EWC_SAMPLE_BREAKAGES: '1' })]);
  });

  test('matrix.json has the catalogue: outcomes from the breakage annotations (text or JSON), a skip as cannot run here, a failed case as failed', () => {
    expect(bk.code, bk.stdout + bk.stderr).toBe(1);
    const m = readJson(path.join(bkDir, 'matrix', 'matrix.json'));
    expect(m.schemaVersion).toBe(1);
    expect(m.breakages).toEqual([
      {
        entry: 'abi-marker',
        upstream: ['solo-io/proxy-runtime#64', 'istio/istio#26388'],
        cells: { 'envoy-9.0.0': { outcome: 'reproduced' }, 'envoy-9.1.0': { outcome: 'failed', reason: 'Error: no-marker: Envoy exits with code 1' } },
      },
      {
        entry: 'go-poll-oneoff',
        upstream: ['golang/go#78513', 'envoyproxy/envoy#44526'],
        cells: { 'envoy-9.0.0': { outcome: 'reproduced' }, 'envoy-9.1.0': { outcome: 'not affected' } },
      },
      {
        entry: 'vendor-host-call',
        upstream: ['higress-group/wasm-go#31'],
        cells: { 'envoy-9.0.0': { outcome: 'cannot run here', reason }, 'envoy-9.1.0': { outcome: 'reproduced', asMeasuredOn: '9.1.2' } },
      },
    ]);
    // The cases stay in the matrix as any other: the catalogue is a view of them.
    expect(m.counts).toEqual({ passed: 8, failed: 2, skipped: 2, flaky: 0, interrupted: 0, notRun: 0 });
    expect(SAMPLE_BREAKAGES.map((b) => b.id)).toEqual(m.breakages?.map((b) => b.entry));
  });

  test('a row no cell annotated (skipped on every column) takes its entry and refs from the case title', () => {
    expect(one.code, one.stdout + one.stderr).toBe(0);
    expect(readJson(path.join(oneDir, 'matrix', 'matrix.json')).breakages?.map((b) => [b.entry, b.upstream, b.cells])).toEqual([
      ['abi-marker', ['solo-io/proxy-runtime#64', 'istio/istio#26388'], { 'envoy-9.0.0': { outcome: 'reproduced' } }],
      ['go-poll-oneoff', ['golang/go#78513', 'envoyproxy/envoy#44526'], { 'envoy-9.0.0': { outcome: 'reproduced' } }],
      ['vendor-host-call', ['higress-group/wasm-go#31'], { 'envoy-9.0.0': { outcome: 'cannot run here', reason } }],
    ]);
  });

  test('an annotation is read as JSON or as the suite text (with the release it was measured on), anything else is no outcome', () => {
    expect(parseBreakageNote('go-poll-oneoff reproduced on Envoy 1.38.4 (not measured on this release: expected as measured on 1.38.2, the nearest of its minor) (golang/go#78513, envoyproxy/envoy#44526)')).toEqual({
      entry: 'go-poll-oneoff',
      outcome: 'reproduced',
      version: '1.38.4',
      upstream: ['golang/go#78513', 'envoyproxy/envoy#44526'],
      asMeasuredOn: '1.38.2',
    });
    expect(parseBreakageNote(JSON.stringify({ entry: 'abi-marker', outcome: 'not affected', version: '1.40.0', upstream: ['istio/istio#26388'] }))).toEqual({ entry: 'abi-marker', outcome: 'not affected', version: '1.40.0', upstream: ['istio/istio#26388'] });
    for (const bad of ['abi-marker cannot run here on Envoy 1.40.0 (x#1)', '{"entry":"abi-marker","outcome":"failed"}', '{not json', 'reproduced']) expect(parseBreakageNote(bad), bad).toBeUndefined();
  });

  test('the terminal prints the catalogue after the matrix table and its reasons, before the count line', () => {
    const lines = bk.stdout.split('\n');
    const at = lines.indexOf('Breakage catalogue (breakages/): each entry on each column; FAIL: the measured outcome no longer holds');
    expect(at, bk.stdout).toBeGreaterThan(lines.findIndex((l) => l.startsWith('  envoy-9.0.0: skipped: fake: failure_policy')));
    expect(lines.slice(at, at + 8)).toEqual([
      'Breakage catalogue (breakages/): each entry on each column; FAIL: the measured outcome no longer holds',
      'entry             envoy-9.0.0   envoy-9.1.0   upstream',
      'abi-marker        reproduced    FAIL          solo-io/proxy-runtime#64, istio/istio#26388',
      'go-poll-oneoff    reproduced    not affected  golang/go#78513, envoyproxy/envoy#44526',
      'vendor-host-call  cannot run    reproduced    higress-group/wasm-go#31',
      '  vendor-host-call @ envoy-9.1.0: reproduced as measured on 9.1.2 (not measured on this release: the nearest measured release of its minor)',
      '',
      'matrix: 8 passed, 2 failed, 2 skipped',
    ]);
    expect(bk.stdout).toContain(`  envoy-9.0.0: skipped: vendor-host-call: cannot run here: ${reason}\n`);
  });

  test('JUnit is unchanged by the catalogue: the breakage cases are test cases as any other', () => {
    const root = parseXml(fs.readFileSync(path.join(bkDir, 'matrix', 'junit.xml'), 'utf8'));
    expect([root.attrs.tests, root.attrs.failures, root.attrs.skipped]).toEqual(['12', '2', '2']);
    expect(fs.readFileSync(path.join(bkDir, 'matrix', 'junit.xml'), 'utf8')).not.toContain('reproduced');
  });
});
