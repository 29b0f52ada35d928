/**
 * history.json: several runs' matrices side by side, per case x proxy column, in run time order
 * (TestGrid's rows of runs). Pure: matrices in, the report and its lines out; reading files and
 * writing the page is the command's job (scripts/history.ts).
 *
 * Per cell: its status in each run, its pass rate (passed / runs that ran it), whether it is flaky
 * (passed in one run and failed in another, or Playwright reported it flaky), and the first run in
 * which its outcome (pass / fail / skip) differed from the run before, with that run's error.
 */
import { firstLine } from './render-terminal';
import { outcomeOf, summaryCounts } from './schema';
import type { CellStatus, Matrix, MatrixProxy, RunStatus } from './schema';

export const HISTORY_SCHEMA_VERSION = 1;

/** `absent`: that run had no such case or no such column (added or removed since). */
export type HistoryStatus = CellStatus | 'absent';

export interface HistoryInput {
  matrix: Matrix;
  /** The matrix.json as the user named it. */
  file: string;
  /** Its matrix.html, relative to where history.html is written, when there is one next to it. */
  matrixHtml?: string;
}

export interface HistoryRun {
  /** 1 for the oldest run. */
  index: number;
  runId: string | null;
  startedAt: string;
  finishedAt: string;
  status: RunStatus;
  filterVariant: string;
  /** The filter implementation the run loaded (a change of implementation is a change of code under test). */
  filterImplementation: string;
  file: string;
  matrixHtml?: string;
  passed: number;
  failed: number;
  skipped: number;
}

export interface HistoryChange {
  /** The run (index) whose outcome first differed from the run before it that had the cell. */
  run: number;
  runId: string | null;
  from: CellStatus;
  to: CellStatus;
  /** That run's error for this cell (when it failed there). */
  error?: string;
}

export interface HistoryCell {
  caseId: string;
  proxy: string;
  /** One per run, oldest first. */
  statuses: HistoryStatus[];
  passed: number;
  /** failed or flaky (interrupted, skipped and not run say nothing either way). */
  failed: number;
  /** passed / (passed + failed), 3 decimals; null when no run ran it. */
  passRate: number | null;
  flaky: boolean;
  /** How many times its outcome changed from one run to the next (runs without the cell left out). */
  changes: number;
  firstChange: HistoryChange | null;
  /** First line of the error in each run (null where none); only on cells that failed somewhere. */
  errors?: Array<string | null>;
}

export interface HistoryTotals {
  runs: number;
  /** Cells that ran in at least one run. */
  cells: number;
  changed: number;
  flaky: number;
  /** Cells failing in the newest run. */
  failingNow: number;
}

export interface HistoryReport {
  historySchemaVersion: typeof HISTORY_SCHEMA_VERSION;
  runs: HistoryRun[];
  /** Columns, newest run's order first; facts from the newest run that had the column. */
  proxies: MatrixProxy[];
  /** Case ids, newest run's order first. */
  cases: string[];
  cells: HistoryCell[];
  totals: HistoryTotals;
  closingLine: string;
}

/** Oldest first, by start time; a run id, then the file name, break ties so the order never depends on the argument order. */
export function orderRuns(inputs: HistoryInput[]): HistoryInput[] {
  const time = (i: HistoryInput): number => Date.parse(i.matrix.startedAt);
  return [...inputs].sort((a, b) => time(a) - time(b) || (a.matrix.runId ?? '').localeCompare(b.matrix.runId ?? '') || a.file.localeCompare(b.file));
}

/** Ids in the newest run's order, then those only older runs had. */
function unionNewestFirst(lists: string[][]): string[] {
  return [...new Set([...lists].reverse().flat())];
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function cellHistory(caseId: string, proxy: string, runs: HistoryInput[]): HistoryCell {
  const found = runs.map((r) => (r.matrix.proxies.some((p) => p.id === proxy) ? r.matrix.cases.find((c) => c.id === caseId)?.cells[proxy] : undefined));
  const statuses: HistoryStatus[] = found.map((c) => c?.status ?? 'absent');
  const cell: HistoryCell = { caseId, proxy, statuses, passed: 0, failed: 0, passRate: null, flaky: false, changes: 0, firstChange: null };
  let before: CellStatus | undefined;
  found.forEach((c, i) => {
    if (!c) return;
    const o = outcomeOf(c.status);
    if (o === 'pass') cell.passed++;
    if (o === 'fail') cell.failed++;
    if (before !== undefined && outcomeOf(before) !== o) {
      cell.changes++;
      if (!cell.firstChange) {
        cell.firstChange = { run: i + 1, runId: runs[i].matrix.runId, from: before, to: c.status };
        if (o === 'fail' && c.error) cell.firstChange.error = c.error;
      }
    }
    before = c.status;
  });
  if (cell.passed + cell.failed) cell.passRate = round3(cell.passed / (cell.passed + cell.failed));
  cell.flaky = (cell.passed > 0 && cell.failed > 0) || statuses.includes('flaky');
  if (cell.failed) cell.errors = found.map((c) => (c && outcomeOf(c.status) === 'fail' ? firstLine(c.error) || `(${c.status}, no error text)` : null));
  return cell;
}

export function closingLine(t: HistoryTotals): string {
  return `history: ${t.runs} runs, ${t.cells} cells, ${t.changed} changed, ${t.flaky} flaky, ${t.failingNow} failing in the newest run`;
}

export function buildHistory(inputs: HistoryInput[]): HistoryReport {
  const runs = orderRuns(inputs);
  const cases = unionNewestFirst(runs.map((r) => r.matrix.cases.map((c) => c.id)));
  const proxyIds = unionNewestFirst(runs.map((r) => r.matrix.proxies.map((p) => p.id)));
  const proxies = proxyIds.map((id) => [...runs].reverse().flatMap((r) => r.matrix.proxies.filter((p) => p.id === id))[0]);
  const cells = cases.flatMap((id) => proxyIds.map((p) => cellHistory(id, p, runs))).filter((c) => c.statuses.some((s) => s !== 'absent'));
  const totals: HistoryTotals = {
    runs: runs.length,
    cells: cells.filter((c) => c.passed + c.failed > 0).length,
    changed: cells.filter((c) => c.changes > 0).length,
    flaky: cells.filter((c) => c.flaky).length,
    failingNow: cells.filter(failingNow).length,
  };
  const historyRuns = runs.map((r, i): HistoryRun => ({
    index: i + 1,
    runId: r.matrix.runId,
    startedAt: r.matrix.startedAt,
    finishedAt: r.matrix.finishedAt,
    status: r.matrix.status,
    filterVariant: r.matrix.filter?.variant ?? 'unknown',
    filterImplementation: r.matrix.filter?.implementation ?? 'unknown',
    file: r.file,
    ...(r.matrixHtml ? { matrixHtml: r.matrixHtml } : {}),
    ...summaryCounts(r.matrix.counts),
  }));
  return { historySchemaVersion: HISTORY_SCHEMA_VERSION, runs: historyRuns, proxies, cases, cells, totals, closingLine: closingLine(totals) };
}

/** ", filter rust/no-inject" for anything but the default implementation's production build. */
export const filterLabel = (r: HistoryRun): string => {
  const parts = [r.filterImplementation === 'assemblyscript' ? '' : r.filterImplementation, r.filterVariant === 'none' ? '' : r.filterVariant].filter(Boolean);
  return parts.length ? `, filter ${parts.join('/')}` : '';
};

const runName = (r: HistoryRun): string => `run ${r.index} ${r.runId ?? '(no run id)'}`;

export function runLine(r: HistoryRun, of: number): string {
  const variant = filterLabel(r);
  return `[history] run ${r.index}/${of}: ${r.runId ?? '(no run id)'} ${r.startedAt} ${r.status}${variant}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`;
}

const failingNow = (c: HistoryCell): boolean => {
  const s = c.statuses[c.statuses.length - 1];
  return s !== 'absent' && outcomeOf(s) === 'fail';
};
/** What a line says first: failing in the newest run, else flaky, else changed (to or from skipped). */
const labelOf = (c: HistoryCell): string => (failingNow(c) ? 'failing' : c.flaky ? 'flaky' : 'changed');
const LABEL_ORDER = ['failing', 'flaky', 'changed'];

/**
 * One line per cell that changed, is flaky or fails in the newest run, failing first; cells of one
 * case with the same story share a line, so a failure injected on every column is one line, not ten.
 */
export function cellLines(h: HistoryReport): string[] {
  const lines = new Map<string, { cell: HistoryCell; proxies: string[] }>();
  for (const c of h.cells.filter((x) => x.changes > 0 || x.flaky || failingNow(x))) {
    const key = JSON.stringify([c.caseId, c.statuses, c.firstChange?.run, c.flaky]);
    const seen = lines.get(key);
    if (seen) seen.proxies.push(c.proxy);
    else lines.set(key, { cell: c, proxies: [c.proxy] });
  }
  const sorted = [...lines.values()].sort((a, b) => LABEL_ORDER.indexOf(labelOf(a.cell)) - LABEL_ORDER.indexOf(labelOf(b.cell)));
  return sorted.map(({ cell: c, proxies }) => {
    const where = proxies.length > 3 ? `${proxies.slice(0, 2).join(', ')} and ${proxies.length - 2} more columns` : proxies.join(', ');
    const rate = c.passRate === null ? 'never ran' : `pass rate ${Math.round(c.passRate * 100)}%`;
    const change = c.firstChange
      ? `; first change in ${runName(h.runs[c.firstChange.run - 1])}: ${c.firstChange.from} -> ${c.firstChange.to}${c.firstChange.error ? ` (${firstLine(c.firstChange.error)})` : ''}`
      : '';
    return `${labelOf(c)}: ${c.caseId} @ ${where}: ${c.statuses.join(', ')} (${rate})${change}`;
  });
}
