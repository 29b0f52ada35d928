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
        out.push({ column, caseId: c.id, status: cell.status, summary: (cell.error ?? '').split('\n').map((l) => l.trim()).filter((l) => l).slice(0, ERROR_SUMMARY_LINES).join(' | ') });
  return out;
}

/** `<status> <column> <case>: <error summary>`, each line cut at `width` characters. */
export function failedCellLines(matrix: Matrix, width = 300): string[] {
  return failedCells(matrix).map((f) => {
    const line = `${f.status} ${f.column} ${f.caseId}${f.summary ? `: ${f.summary}` : ''}`;
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  });
}
