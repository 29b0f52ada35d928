/**
 * The cells a run did not pass, a line each with the first lines of their error: what a reader of
 * CI's last lines needs to tell which case failed where, without the run's reports.
 */
import type { Matrix } from './schema';

export interface FailedCell {
  column: string;
  caseId: string;
  status: string;
  /** The error's first non-empty lines (up to `ERROR_SUMMARY_LINES`) joined by ' | ', or '' when the cell has none. */
  summary: string;
}

/** An expect error's first line names the matcher; the next ones say what was expected and received. */
export const ERROR_SUMMARY_LINES = 4;

const NOT_PASSED = new Set(['failed', 'flaky', 'interrupted']);

export function failedCells(matrix: Matrix): FailedCell[] {
  const out: FailedCell[] = [];
  for (const c of matrix.cases)
    for (const [column, cell] of Object.entries(c.cells))
      if (NOT_PASSED.has(cell.status))
        out.push({ column, caseId: c.id, status: cell.status, summary: summaryOf(cell.error ?? '') });
  return out;
}

const summaryOf = (error: string): string =>
  error
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l)
    .slice(0, ERROR_SUMMARY_LINES)
    .join(' | ');

const lineOf = (f: FailedCell, width: number): string => {
  const line = `${f.status} ${f.column} ${f.caseId}${f.summary ? `: ${f.summary}` : ''}`;
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
};

/** `<status> <column> <case>: <error summary>`, each line cut at `width` characters. */
export function failedCellLines(matrix: Matrix, width = 300): string[] {
  return failedCells(matrix).map((f) => lineOf(f, width));
}

/** The parts of Playwright's JSON report (`results.json`) read here: a run with no matrix.json (the selftests). */
export interface PlaywrightReport {
  suites: PlaywrightSuite[];
}
interface PlaywrightSuite {
  title: string;
  specs?: Array<{ title: string; tests: Array<{ projectName: string; status: string; results: Array<{ status: string; errors?: Array<{ message?: string }> }> }> }>;
  suites?: PlaywrightSuite[];
}

/** A Playwright test's outcome over its retries: `unexpected` (failed) or `flaky` are named, with its last result's status. */
export function failedTests(report: PlaywrightReport): FailedCell[] {
  const out: FailedCell[] = [];
  const walk = (suite: PlaywrightSuite, titles: string[]): void => {
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests) {
        if (t.status !== 'unexpected' && t.status !== 'flaky') continue;
        const last = t.results.at(-1);
        const status = t.status === 'flaky' ? 'flaky' : (last?.status ?? 'failed');
        out.push({ column: t.projectName, caseId: [...titles, spec.title].join(' › '), status, summary: summaryOf((last?.errors ?? []).map((e) => e.message ?? '').join('\n')) });
      }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
  };
  for (const s of report.suites) walk(s, [s.title]);
  return out;
}

export const failedTestLines = (report: PlaywrightReport, width = 300): string[] => failedTests(report).map((f) => lineOf(f, width));
