/** `npm run diff`: what changed between two matrix.json files, and an exit code a gate can use. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { diffMatrices } from '../report/diff';
import { repoRoot } from './sample-run/run';
import type { Matrix } from '../report/schema';

const fixtures = path.join(__dirname, 'sample-run', 'diff');
const OLD = path.join(fixtures, 'old.json');
const NEW = path.join(fixtures, 'new.json');
const load = (f: string): Matrix => JSON.parse(fs.readFileSync(f, 'utf8')) as Matrix;

function diff(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), [path.join(repoRoot, 'scripts', 'diff.ts'), ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('a regression, a fix and an added case are printed; a regression exits 1', async () => {
  const r = await diff(OLD, NEW);
  expect(r.stderr).toBe('');
  expect(r.stdout.split('\n')).toEqual([
    'regression: header-injection › several headers at once @ envoy-9.1.0: passed -> failed (Error: x-a arrived twice)',
    'fix: cache-expiry › deny answers 503 @ envoy-9.1.0: failed -> passed',
    'case added: tick-refresh › first callout right after start',
    'diff: 1 regression, 1 fix, 1 case added, 0 removed, 0 proxies added, 0 removed',
    '',
  ]);
  expect(r.code).toBe(1);
});

test('no regression exits 0; reversed, the fix is a regression and the added case is removed', async () => {
  const same = await diff(OLD, OLD);
  expect([same.code, same.stdout]).toEqual([0, 'diff: 0 regressions, 0 fixes, 0 cases added, 0 removed, 0 proxies added, 0 removed\n']);
  const back = await diff(NEW, OLD);
  expect(back.stdout.split('\n').slice(0, 3)).toEqual([
    'regression: cache-expiry › deny answers 503 @ envoy-9.1.0: passed -> failed (Error: expected 503)',
    'fix: header-injection › several headers at once @ envoy-9.1.0: failed -> passed',
    'case removed: tick-refresh › first callout right after start',
  ]);
  expect(back.code).toBe(1);
});

test('--column compares a baseline column of one run with a candidate column of another', async () => {
  const r = await diff(OLD, NEW, '--column', 'envoy-9.0.0=envoy-9.1.0');
  expect(r.stdout.split('\n')).toEqual([
    'regression: header-injection › several headers at once @ envoy-9.0.0 -> envoy-9.1.0: passed -> failed (Error: x-a arrived twice)',
    'no longer passing: workers › one callout per period @ envoy-9.0.0 -> envoy-9.1.0: passed -> skipped',
    'case added: tick-refresh › first callout right after start',
    'diff: 1 regression, 0 fixes, 1 case added, 0 removed, 0 proxies added, 0 removed',
    '',
  ]);
  expect(r.code).toBe(1);
  // The pure function the gate calls: same answer, and a column that is not there is an error, not a pass.
  const d = diffMatrices(load(OLD), load(NEW), { columns: [['envoy-9.0.0', 'envoy-9.1.0']] });
  expect(d.regressions.map((c) => [c.caseId, c.from, c.to])).toEqual([['header-injection › several headers at once', 'passed', 'failed']]);
  expect(() => diffMatrices(load(OLD), load(NEW), { columns: [['envoy-9.0.0', 'envoy-9.9.9']] })).toThrow('new matrix has no proxy "envoy-9.9.9" (it has: envoy-9.0.0, envoy-9.1.0)');
  const proxies = diffMatrices(load(OLD), { ...load(OLD), proxies: [...load(OLD).proxies.slice(1), { id: 'envoy-9.2.0', available: true }] });
  expect([proxies.addedProxies, proxies.removedProxies]).toEqual([['envoy-9.2.0'], ['envoy-9.0.0']]);
});

test('a missing, invalid or wrong-version file is a clear error with exit 2', async () => {
  const missing = path.join(fixtures, 'does-not-exist.json');
  const cases: Array<[string[], string]> = [
    [[missing, NEW], `diff: cannot read ${missing}: ENOENT\n`],
    [[OLD, path.join(fixtures, 'not-json.json')], `diff: ${path.join(fixtures, 'not-json.json')} is not valid JSON: `],
    [[path.join(fixtures, 'schema-v2.json'), NEW], `diff: ${path.join(fixtures, 'schema-v2.json')} has schemaVersion 2, expected 1\n`],
    [[OLD], 'diff: usage: npm run diff -- <old matrix.json> <new matrix.json> [--column OLD_PROXY=NEW_PROXY ...]\n'],
  ];
  for (const [args, message] of cases) {
    const r = await diff(...args);
    expect([r.code, r.stdout], args.join(' ')).toEqual([2, '']);
    expect(r.stderr.startsWith(message), `${r.stderr} should start with ${message}`).toBe(true);
  }
});
