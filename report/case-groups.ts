/**
 * Cases grouped by suite, what needs a look first. A case id is `<suite> › <title path>`; groups
 * keep the order the suites first appear in, rows keep file order, except that rows (and groups)
 * ranked more urgent come first: a reader scanning for what broke sees it without scrolling.
 */
export const suiteOf = (caseId: string): string => caseId.split(' › ')[0];

/** The title below the suite (the group head already names the suite). */
export const titleInSuite = (caseId: string): string => caseId.split(' › ').slice(1).join(' › ') || caseId;

export interface CaseGroup<T> {
  suite: string;
  rows: T[];
  /** The most urgent rank among its rows. */
  rank: number;
}

/** `rank(row)`: lower comes first (0 = failing now, ...); ties keep their input order. */
export function groupCases<T>(rows: T[], idOf: (row: T) => string, rank: (row: T) => number): Array<CaseGroup<T>> {
  const groups = new Map<string, { suite: string; ranked: Array<{ row: T; r: number }> }>();
  for (const row of rows) {
    const suite = suiteOf(idOf(row));
    let g = groups.get(suite);
    if (!g) groups.set(suite, (g = { suite, ranked: [] }));
    g.ranked.push({ row, r: rank(row) });
  }
  // Array.prototype.sort is stable: equal ranks keep file order, suites their first-seen order.
  return [...groups.values()]
    .map((g) => ({ suite: g.suite, rows: [...g.ranked].sort((a, b) => a.r - b.r).map((x) => x.row), rank: Math.min(...g.ranked.map((x) => x.r)) }))
    .sort((a, b) => a.rank - b.rank);
}
