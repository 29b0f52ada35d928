/**
 * `npm run flake`: the aggregation on hand-made matrices, then the real command against the
 * docker-free sample config (tests/sample-run/flake.config.ts, whose case fails on even runs).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { aggregate, cellLines, flakeExitCode, renderFlake, type FlakeReport, type FlakeRun } from '../report/flake';
import type { CellStatus, Matrix, MatrixCounts } from '../report/schema';
import { HOG_SOURCE, processAlive, startCpuLoad } from '../runner/cpu-load';
import { childEnv, runNode, type CommandOutput } from './commands';
import { repoRoot } from './sample-run/run';

const OLD = path.join(__dirname, 'sample-run', 'diff', 'old.json');
const TSX = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const FLAKE = path.join(repoRoot, 'scripts', 'flake.ts');
const FLAKE_CONFIG = path.join(__dirname, 'sample-run', 'flake.config.ts');

type CellSpec = CellStatus | [CellStatus, string];

const COUNT_KEY: Record<CellStatus, keyof MatrixCounts> = { passed: 'passed', failed: 'failed', skipped: 'skipped', flaky: 'flaky', interrupted: 'interrupted', 'not run': 'notRun' };

/** old.json (two fake proxies) with these cases and matching counts. */
function matrixOf(cases: Record<string, Record<string, CellSpec>>): Matrix {
  const base = JSON.parse(fs.readFileSync(OLD, 'utf8')) as Matrix;
  const counts: MatrixCounts = { passed: 0, failed: 0, skipped: 0, flaky: 0, interrupted: 0, notRun: 0 };
  const rows = Object.entries(cases).map(([id, byProxy]) => ({
    id,
    file: `${id.split(' › ')[0]}.spec.ts`,
    cells: Object.fromEntries(
      Object.entries(byProxy).map(([proxy, spec]) => {
        const [status, error] = Array.isArray(spec) ? spec : [spec, undefined];
        counts[COUNT_KEY[status]]++;
        return [proxy, { status, durationMs: 10, attachments: [], ...(error ? { error } : {}) }];
      }),
    ),
  }));
  return { ...base, cases: rows, counts };
}

const runsOf = (...matrices: Matrix[]): FlakeRun[] => matrices.map((matrix, i) => ({ index: i + 1, matrix, durationMs: 1500 * (i + 1), matrixFile: `run-${i + 1}/matrix/matrix.json` }));

const A = 'envoy-9.0.0';
const B = 'envoy-9.1.0';

test.describe('aggregation (report/flake.ts)', () => {
  const run1 = matrixOf({
    'header-injection › several headers at once': { [A]: 'passed', [B]: 'passed' },
    'cache-expiry › deny answers 503': { [A]: 'passed', [B]: ['failed', 'Error: expected 503\nmore'] },
    'workers › one callout per period': { [A]: 'skipped', [B]: ['failed', '\nError: 20 callouts in 10 periods\nat workers.spec.ts:10'] },
    'tick-refresh › first callout right after start': { [A]: ['flaky', 'Error: late first callout'], [B]: 'passed' },
    'abi › probe 0_2_1': { [A]: 'passed', [B]: 'skipped' },
    'vm-lifecycle › ten reloads': { [A]: 'passed', [B]: 'passed' },
  });
  const run2 = matrixOf({
    'header-injection › several headers at once': { [A]: 'passed', [B]: 'passed' },
    'cache-expiry › deny answers 503': { [A]: 'passed', [B]: 'passed' },
    'workers › one callout per period': { [A]: 'skipped', [B]: ['failed', 'Error: 21 callouts in 10 periods'] },
    'tick-refresh › first callout right after start': { [A]: 'passed', [B]: 'passed' },
    // abi is missing from this run: its cells count as not run.
    'vm-lifecycle › ten reloads': { [A]: 'interrupted', [B]: 'passed' },
  });
  const report = aggregate(runsOf(run1, run2));
  const verdict = (caseId: string, proxy: string): string | undefined => report.cells.find((c) => c.caseId === caseId && c.proxy === proxy)?.verdict;

  test('flaky, always failing, skipped everywhere, flaky status, interrupted and missing cells', () => {
    expect(verdict('header-injection › several headers at once', A)).toBe('passed');
    expect(verdict('cache-expiry › deny answers 503', B)).toBe('flaky');
    expect(verdict('workers › one callout per period', A)).toBe('skipped');
    expect(verdict('workers › one callout per period', B)).toBe('always failing');
    expect(verdict('tick-refresh › first callout right after start', A)).toBe('flaky');
    expect(verdict('abi › probe 0_2_1', A)).toBe('partly skipped');
    expect(verdict('abi › probe 0_2_1', B)).toBe('skipped');
    expect(verdict('vm-lifecycle › ten reloads', A)).toBe('flaky');
    expect(report.totals).toEqual({ runs: 2, cells: 10, flaky: 3, alwaysFailing: 1, partlySkipped: 1, skipped: 2 });
    expect(report.cells.find((c) => c.caseId === 'abi › probe 0_2_1' && c.proxy === B)?.statuses).toEqual(['skipped', 'not run']);
    expect(flakeExitCode(report)).toBe(1);
  });

  test('the printed lines, in order, with the exact closing line', () => {
    expect(cellLines(report)).toEqual([
      'cache-expiry › deny answers 503 @ envoy-9.1.0: passed 1/2 (flaky; failed 1)',
      '  run 1: Error: expected 503',
      'tick-refresh › first callout right after start @ envoy-9.0.0: passed 1/2 (flaky; failed 1; reported flaky 1)',
      '  run 1: Error: late first callout',
      'vm-lifecycle › ten reloads @ envoy-9.0.0: passed 1/2 (flaky; failed 1)',
      '  run 2: (interrupted, no error text)',
      'workers › one callout per period @ envoy-9.1.0: passed 0/2 (always failing; failed 2)',
      '  run 1: Error: 20 callouts in 10 periods',
      'abi › probe 0_2_1 @ envoy-9.0.0: passed 1/2 (partly skipped; not run 1)',
    ]);
    const lines = renderFlake(report, 2, 'reports/flake/flake.json');
    // The run lines mirror each run's `matrix:` line (interrupted and not run count as skipped there).
    expect(lines.slice(0, 2)).toEqual(['[flake] run 1/2: 7 passed, 3 failed, 2 skipped in 1.5 s', '[flake] run 2/2: 7 passed, 1 failed, 2 skipped in 3.0 s']);
    expect(lines.slice(-3)).toEqual(['[flake] report: reports/flake/flake.json', 'always failing: 1', 'flake: 2 runs, 10 cells, 3 flaky']);
  });

  test('stable runs exit 0; an always-failing cell alone exits 1 with 0 flaky', () => {
    const stable = aggregate(runsOf(matrixOf({ 'a › b': { [A]: 'passed', [B]: 'skipped' } }), matrixOf({ 'a › b': { [A]: 'passed', [B]: 'skipped' } })));
    expect([stable.closingLine, flakeExitCode(stable), cellLines(stable)]).toEqual(['flake: 2 runs, 1 cells, 0 flaky', 0, []]);
    const failing = aggregate(runsOf(matrixOf({ 'a › b': { [A]: 'failed' } }), matrixOf({ 'a › b': { [A]: 'failed' } }), matrixOf({ 'a › b': { [A]: 'failed' } })));
    expect([failing.closingLine, failing.totals.alwaysFailing, flakeExitCode(failing)]).toEqual(['flake: 3 runs, 1 cells, 0 flaky', 1, 1]);
    expect(cellLines(failing)).toEqual(['a › b @ envoy-9.0.0: passed 0/3 (always failing; failed 3)', '  run 1: (failed, no error text)']);
  });
});

/** The summary the command prints last: everything after its last empty line, durations masked. */
function summaryOf(stdout: string): string[] {
  const lines = stdout.trimEnd().split('\n');
  return lines.slice(lines.lastIndexOf('') + 1).map((l) => l.replace(/ in \d+\.\d s$/, ' in <s> s'));
}

const hogPid = (stdout: string): number => Number(/\[flake\] cpu load: one busy core \(pid (\d+)\)/.exec(stdout)?.[1]);

function flake(args: string[], reportsRoot: string, extraEnv: Record<string, string> = {}): Promise<CommandOutput> {
  return runNode([TSX, FLAKE, ...args], { EWC_REPORTS_ROOT: reportsRoot, EWC_FLAKE_SAMPLE: '1', ...extraEnv }, 120_000);
}

test.describe('npm run flake against the docker-free sample config', () => {
  test.describe.configure({ timeout: 150_000 });

  test('--repeat 2 --cpu-load: the flaky and the always-failing cell, exit 1, the hog gone afterwards', async ({}, testInfo) => {
    const root = testInfo.outputPath('reports');
    const r = await flake(['--repeat', '2', '--cpu-load', '-c', FLAKE_CONFIG], root);
    const pid = hogPid(r.stdout);
    expect(pid, r.stdout).toBeGreaterThan(0);
    expect(r.stdout).toContain(`[flake] cpu load stopped (pid ${pid} gone)`);
    expect(processAlive(pid)).toBe(false);
    expect(summaryOf(r.stdout)).toEqual([
      '[flake] run 1/2: 2 passed, 1 failed, 1 skipped in <s> s',
      '[flake] run 2/2: 1 passed, 2 failed, 1 skipped in <s> s',
      'flake › passes on odd runs only on envoy-9.1.0 @ envoy-9.1.0: passed 1/2 (flaky; failed 1)',
      '  run 2: Error: run 2 on envoy-9.1.0',
      'flake › skipped on envoy-9.0.0, always fails on envoy-9.1.0 @ envoy-9.1.0: passed 0/2 (always failing; failed 2)',
      '  run 1: Error: x-token at the upstream',
      `[flake] report: ${path.relative(repoRoot, path.join(root, 'flake', 'flake.json'))}`,
      'always failing: 1',
      'flake: 2 runs, 3 cells, 1 flaky',
    ]);
    expect(r.code).toBe(1);
    // Each run its own run id and reports root; flake.json holds the aggregate.
    const saved = JSON.parse(fs.readFileSync(path.join(root, 'flake', 'flake.json'), 'utf8')) as FlakeReport;
    expect(saved.closingLine).toBe('flake: 2 runs, 3 cells, 1 flaky');
    expect(saved.runs.map((s) => s.matrixFile)).toEqual([1, 2].map((i) => path.join(root, 'flake', `run-${i}`, 'matrix', 'matrix.json')));
    expect(new Set(saved.runs.map((s) => s.runId)).size).toBe(2);
  });

  test('Playwright args pass through: one stable cell exits 0', async ({}, testInfo) => {
    const r = await flake(['--repeat=2', '-c', FLAKE_CONFIG, '--project', 'envoy-9.0.0', '--grep', 'odd runs'], testInfo.outputPath('reports'));
    expect(summaryOf(r.stdout).slice(-2)).toEqual(['always failing: 0', 'flake: 2 runs, 1 cells, 0 flaky']);
    expect(r.code).toBe(0);
  });

  test('bad --repeat and a run without matrix.json exit 2 with the reason', async ({}, testInfo) => {
    const root = testInfo.outputPath('reports');
    const usage = 'usage: npm run flake -- --repeat <N> [--cpu-load] [<playwright args>]\n';
    for (const [args, why] of [
      [['-c', FLAKE_CONFIG], '[flake] --repeat is required\n'],
      [['--repeat', '1'], '[flake] --repeat must be an integer >= 2 (got "1")\n'],
      [['--repeat', 'two'], '[flake] --repeat must be an integer >= 2 (got "two")\n'],
      [['--repeat', '2.5'], '[flake] --repeat must be an integer >= 2 (got "2.5")\n'],
    ] as const) {
      const r = await flake([...args], root);
      expect([r.code, r.stdout, r.stderr], args.join(' ')).toEqual([2, '', why + usage]);
    }
    // Replacing the reporters leaves out the matrix reporter: the run writes no matrix.json.
    const r = await flake(['--repeat', '2', '-c', FLAKE_CONFIG, '--reporter', 'dot'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`[flake] run 1/2 wrote no ${path.relative(repoRoot, path.join(root, 'flake', 'run-1', 'matrix', 'matrix.json'))} (Playwright exit code 1); its output is above and under `);
  });

  test('SIGINT during a run: the finished runs are summarized, the hog stops, exit 130', async ({}, testInfo) => {
    const root = testInfo.outputPath('reports');
    // Run 2 hangs long enough to be interrupted.
    const child = spawn(process.execPath, [TSX, FLAKE, '--repeat', '2', '--cpu-load', '-c', FLAKE_CONFIG], {
      cwd: repoRoot,
      env: childEnv({ EWC_REPORTS_ROOT: root, EWC_FLAKE_SAMPLE: '1', EWC_FLAKE_SAMPLE_HANG_RUN: '2' }),
    });
    let stdout = '';
    child.stderr.resume();
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes('[flake] starting run 2/2')) resolve();
      }),
    );
    // Let Playwright start its workers, then Ctrl-C as `kill -INT <pid>` would.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    child.kill('SIGINT');
    const code = await closed;
    expect(stdout).toContain('[flake] SIGINT during run 2/2: not counted');
    expect(processAlive(hogPid(stdout))).toBe(false);
    expect(summaryOf(stdout)).toEqual([
      '[flake] interrupted: 1 of 2 runs finished',
      '[flake] run 1/2: 2 passed, 1 failed, 1 skipped in <s> s',
      'flake › skipped on envoy-9.0.0, always fails on envoy-9.1.0 @ envoy-9.1.0: passed 0/1 (always failing; failed 1)',
      '  run 1: Error: x-token at the upstream',
      `[flake] report: ${path.relative(repoRoot, path.join(root, 'flake', 'flake.json'))}`,
      'always failing: 1',
      'flake: 1 runs, 3 cells, 0 flaky',
    ]);
    expect(code).toBe(130);
  });
});

test.describe('the cpu load cannot outlive its bounds', () => {
  const waitGone = async (pid: number): Promise<void> => expect.poll(() => processAlive(pid), { timeout: 5_000 }).toBe(false);

  test('it stops by itself after its hard bound', async () => {
    const load = startCpuLoad(300);
    expect(processAlive(load.pid)).toBe(true);
    await load.exited;
    expect(processAlive(load.pid)).toBe(false);
  });

  test('it stops by itself when its parent is gone', async () => {
    // A parent that starts a hog (3 h bound) and exits at once, as a SIGKILLed flake command would.
    const launcher = `const c = require('node:child_process').spawn(process.execPath, ['-e', process.argv[1], String(process.pid), '10800000'], { stdio: 'ignore' }); console.log(c.pid); process.exit(0);`;
    const r = await runNode(['-e', launcher, HOG_SOURCE], {}, 10_000);
    const pid = Number(r.stdout.trim());
    expect(pid, r.stderr).toBeGreaterThan(0);
    await waitGone(pid);
  });
});
