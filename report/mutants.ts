/**
 * The kill matrix as data and verdicts: filter/variants.json declares, next to each compile-time
 * mutant of the filter, the cases that must fail against it and why. A run of those cases against
 * the mutant (scripts/mutants.ts) is judged here, so the rules are testable without Docker.
 */
import type { VariantEntry } from '../implementations/variants-catalogue';
import type { Matrix } from './schema';

// The catalogue's entries, read by implementations/variants-catalogue.ts.
export type { Killer, VariantEntry } from '../implementations/variants-catalogue';

export const mutants = (catalogue: VariantEntry[]): VariantEntry[] => catalogue.filter((v) => v.kind === 'mutant');

/** The test title of a case id (what follows the spec name). */
export const titleOf = (caseId: string): string => caseId.slice(caseId.indexOf(' › ') + 3);

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A Playwright --grep that selects exactly these cases. Playwright matches it against the title path
 * joined with spaces (project, file, describes, title), so a case inside a describe block ends with
 * its describes and title separated by spaces, not by ' › '.
 */
export const grepFor = (caseIds: string[]): string => `(?:${caseIds.map((id) => escapeRegExp(titleOf(id).split(' › ').join(' '))).join('|')})$`;

/** Killers that name no case of the suites: a typo would otherwise make a variant look killed by nothing. */
export function unknownKillers(catalogue: VariantEntry[], caseIds: Set<string>): string[] {
  return catalogue.flatMap((v) => v.killers.filter((k) => !caseIds.has(k.case)).map((k) => `${v.name}: no case "${k.case}"`));
}

export type Verdict = 'killed' | 'survived' | 'partly killed' | 'not tested';

export interface VariantResult {
  variant: string;
  expected: string[];
  /** Cases that failed against the variant. */
  killers: string[];
  /** Expected killers that passed, or did not run (with the status they had). */
  missed: Array<{ case: string; status: string }>;
  verdict: Verdict;
  /** First error line of each failing case. */
  errors: Record<string, string>;
}

const FAILED = new Set(['failed', 'flaky', 'interrupted']);

/**
 * killed: every expected killer failed. survived: none failed. partly killed: some expected killer
 * passed. not tested: an expected killer was skipped, not run or absent, so nothing can be said.
 */
export function judge(variant: VariantEntry, matrix: Matrix, project: string): VariantResult {
  const expected = variant.killers.map((k) => k.case);
  const statusOf = (id: string): string => matrix.cases.find((c) => c.id === id)?.cells[project]?.status ?? 'absent';
  const failing = matrix.cases.filter((c) => FAILED.has(c.cells[project]?.status ?? ''));
  const killers = failing.map((c) => c.id);
  const errors = Object.fromEntries(failing.map((c) => [c.id, (c.cells[project]?.error ?? '').split('\n')[0]]));
  const missed = expected.filter((id) => !killers.includes(id)).map((id) => ({ case: id, status: statusOf(id) }));
  let verdict: Verdict;
  if (missed.some((m) => m.status !== 'passed')) verdict = 'not tested';
  else if (missed.length === 0) verdict = 'killed';
  else verdict = killers.length ? 'partly killed' : 'survived';
  return { variant: variant.name, expected, killers, missed, verdict, errors };
}

/** The table `npm run mutants` prints, and its closing line. */
export function formatResults(results: VariantResult[], project: string, implementation = 'assemblyscript'): string[] {
  const width = Math.max(8, ...results.map((r) => r.variant.length));
  const lines = [`${'variant'.padEnd(width)}  expected  killed by  verdict   (${implementation} filter on ${project})`];
  for (const r of results) {
    const killedExpected = r.expected.filter((e) => r.killers.includes(e)).length;
    lines.push(`${r.variant.padEnd(width)}  ${String(r.expected.length).padStart(8)}  ${String(killedExpected).padStart(9)}  ${r.verdict}`);
    for (const m of r.missed) lines.push(`${' '.repeat(width)}    expected killer ${m.status}: ${m.case}`);
  }
  const killed = results.filter((r) => r.verdict === 'killed').length;
  const which = implementation === 'assemblyscript' ? '' : ` (${implementation})`;
  lines.push(`mutants${which}: ${results.length} variants, ${killed} killed, ${results.length - killed} not killed`);
  return lines;
}

/** Markdown rows for the README: variant, what it breaks, the cases that kill it. */
export function markdownTable(catalogue: VariantEntry[], results: VariantResult[]): string[] {
  const rows = ['| variant | the bug | killed by | verdict |', '| --- | --- | --- | --- |'];
  for (const v of mutants(catalogue)) {
    const r = results.find((x) => x.variant === v.name);
    rows.push(`| \`${v.name}\` | ${v.behaviour.replace(/\|/g, '\\|')} | ${v.killers.map((k) => k.case.replace(/\|/g, '\\|')).join('<br>')} | ${r?.verdict ?? 'not run'} |`);
  }
  return rows;
}
