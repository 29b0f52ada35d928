/**
 * `npm run flake`: the same matrix run N times, aggregated per case x version. Pure (matrices in,
 * counts and lines out), so it is tested on hand-made matrices without Playwright.
 */
import { firstLine } from './render-terminal';
import { summaryCounts } from './schema';
import type { CellStatus, Matrix, RunStatus } from './schema';

export const FLAKE_SCHEMA_VERSION = 1;

/**
 * passed: passed in every run; skipped: never executed (skipped or not run in every run); flaky:
 * passed in some runs and failed in others, or reported `flaky` by Playwright in any run; always
 * failing: failed in every run it executed; partly skipped: passed whenever it executed.
 */
export type FlakeVerdict = 'passed' | 'skipped' | 'flaky' | 'always failing' | 'partly skipped';

/** One finished run as the command read it. `index` counts from 1. */
export interface FlakeRun {
  index: number;
  matrix: Matrix;
  durationMs: number;
  matrixFile: string;
}

export interface FlakeRunSummary {
  index: number;
  runId: string | null;
  status: RunStatus;
  matrixFile: string;
  durationMs: number;
  passed: number;
  failed: number;
  skipped: number;
}

export interface FlakeCell {
  caseId: string;
  proxy: string;
  verdict: FlakeVerdict;
  passed: number;
  /** failed, flaky, interrupted (a timed-out case is `failed` in the matrix). */
  failed: number;
  skipped: number;
  notRun: number;
  /** Runs in which Playwright itself reported the case flaky (it passed on a retry). */
  flakyStatus: number;
  /** The cell's status in each run, in run order; `not run` when the run had no such case or column. */
  statuses: CellStatus[];
  /** First line of the error of the first run that failed. */
  firstError?: { run: number; line: string };
}

export interface FlakeTotals {
  runs: number;
  /** Cells that executed in at least one run. */
  cells: number;
  flaky: number;
  alwaysFailing: number;
  partlySkipped: number;
  skipped: number;
}

/** flake.json. */
export interface FlakeReport {
  flakeSchemaVersion: typeof FLAKE_SCHEMA_VERSION;
  /** True when a signal stopped the command: `runs` holds the runs that finished before it. */
  interrupted: boolean;
  runs: FlakeRunSummary[];
  cells: FlakeCell[];
  totals: FlakeTotals;
  closingLine: string;
}

const FAILING: ReadonlySet<CellStatus> = new Set<CellStatus>(['failed', 'flaky', 'interrupted']);

export function summarizeRun(run: FlakeRun): FlakeRunSummary {
  const c = summaryCounts(run.matrix.counts);
  return { index: run.index, runId: run.matrix.runId, status: run.matrix.status, matrixFile: run.matrixFile, durationMs: run.durationMs, ...c };
}

/** Ids in first-seen order across runs, so the report reads like the matrix. */
function union(lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

export function verdictOf(c: Pick<FlakeCell, 'passed' | 'failed' | 'flakyStatus' | 'statuses'>): FlakeVerdict {
  if (c.passed + c.failed === 0) return 'skipped';
  if (c.flakyStatus > 0 || (c.passed > 0 && c.failed > 0)) return 'flaky';
  if (c.failed > 0) return 'always failing';
  return c.passed === c.statuses.length ? 'passed' : 'partly skipped';
}

function aggregateCell(caseId: string, proxy: string, runs: FlakeRun[]): FlakeCell {
  const cell: FlakeCell = { caseId, proxy, verdict: 'skipped', passed: 0, failed: 0, skipped: 0, notRun: 0, flakyStatus: 0, statuses: [] };
  for (const run of runs) {
    const found = run.matrix.cases.find((c) => c.id === caseId)?.cells[proxy];
    const status: CellStatus = found?.status ?? 'not run';
    cell.statuses.push(status);
    if (status === 'passed') cell.passed++;
    else if (status === 'skipped') cell.skipped++;
    else if (status === 'not run') cell.notRun++;
    else if (FAILING.has(status)) cell.failed++;
    if (status === 'flaky') cell.flakyStatus++;
    if (FAILING.has(status) && !cell.firstError) cell.firstError = { run: run.index, line: firstLine(found?.error) || `(${status}, no error text)` };
  }
  cell.verdict = verdictOf(cell);
  return cell;
}

export function closingLine(t: Pick<FlakeTotals, 'runs' | 'cells' | 'flaky'>): string {
  return `flake: ${t.runs} runs, ${t.cells} cells, ${t.flaky} flaky`;
}

export function aggregate(runs: FlakeRun[], interrupted = false): FlakeReport {
  const caseIds = union(runs.map((r) => r.matrix.cases.map((c) => c.id)));
  const proxies = union(runs.map((r) => r.matrix.proxies.map((p) => p.id)));
  const cells = caseIds.flatMap((id) => proxies.map((p) => aggregateCell(id, p, runs)));
  const count = (v: FlakeVerdict): number => cells.filter((c) => c.verdict === v).length;
  const totals: FlakeTotals = {
    runs: runs.length,
    cells: cells.length - count('skipped'),
    flaky: count('flaky'),
    alwaysFailing: count('always failing'),
    partlySkipped: count('partly skipped'),
    skipped: count('skipped'),
  };
  return { flakeSchemaVersion: FLAKE_SCHEMA_VERSION, interrupted, runs: runs.map(summarizeRun), cells, totals, closingLine: closingLine(totals) };
}

/** 1 when any cell was flaky or always failing: either means the matrix cannot be trusted as it is. */
export const flakeExitCode = (r: FlakeReport): 0 | 1 => (r.totals.flaky || r.totals.alwaysFailing ? 1 : 0);

export function runLine(s: FlakeRunSummary, of: number): string {
  return `[flake] run ${s.index}/${of}: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped in ${(s.durationMs / 1000).toFixed(1)} s`;
}

function breakdown(c: FlakeCell): string {
  const parts = [['failed', c.failed], ['skipped', c.skipped], ['not run', c.notRun], ['reported flaky', c.flakyStatus]] as const;
  const nonzero = parts.filter(([, n]) => n > 0).map(([what, n]) => `${what} ${n}`);
  return [c.verdict, ...nonzero].join('; ');
}

/** Flaky first, then always failing, then partly skipped: what needs fixing comes first. */
const ORDER: FlakeVerdict[] = ['flaky', 'always failing', 'partly skipped'];

/** Two lines per cell that was not passed-everywhere or skipped-everywhere: the counts, then its first error. */
export function cellLines(r: FlakeReport): string[] {
  const out: string[] = [];
  for (const verdict of ORDER) {
    for (const c of r.cells.filter((x) => x.verdict === verdict)) {
      out.push(`${c.caseId} @ ${c.proxy}: passed ${c.passed}/${r.totals.runs} (${breakdown(c)})`);
      if (c.firstError) out.push(`  run ${c.firstError.run}: ${c.firstError.line}`);
    }
  }
  return out;
}

/** What the command prints at the end; the closing line is last, for scripts and people. */
export function renderFlake(r: FlakeReport, plannedRuns: number, reportFile?: string): string[] {
  return [
    ...(r.interrupted ? [`[flake] interrupted: ${r.runs.length} of ${plannedRuns} runs finished`] : []),
    ...r.runs.map((s) => runLine(s, plannedRuns)),
    ...cellLines(r),
    ...(reportFile ? [`[flake] report: ${reportFile}`] : []),
    `always failing: ${r.totals.alwaysFailing}`,
    r.closingLine,
  ];
}
