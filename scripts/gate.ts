/**
 * `npm run gate -- --baseline <id> [--candidate <id>] [--grep <re>] [--baseline-filter <impl>] [--candidate-filter <impl>] [--baseline-variant <v>] [--candidate-variant <v>]`
 *
 * May we upgrade? Runs the suites on the baseline and on the candidate (each its own run and
 * report dir; a filter implementation and variant per side let the same gate judge a filter change:
 * `--baseline envoy-1.40.0 --candidate-filter rust` asks "may we switch this version to the Rust
 * filter?"; the candidate version defaults to the baseline's when only the filter changes), prints the two
 * columns side by side, then one line per regression and per untested case, and the verdict
 * (report/diff.ts gateVerdict).
 *
 * Exit codes:
 *   0  OK: at least one case passed on the baseline, and every such case passed on the candidate
 *   1  NO: a case that passes on the baseline fails on the candidate (wins over untested)
 *   2  bad arguments, an unknown version id, or a run that produced no matrix
 *   3  UNTESTED: a case that passes on the baseline was skipped, not run, interrupted or missing on
 *      the candidate, or the baseline passed no case at all (nothing was compared)
 *
 * With EWC_CANDIDATES (a candidate column: a release no entry names), `--candidate` defaults to that
 * column and `--baseline` to the newest entry of its kind: `EWC_CANDIDATES=latest npm run gate` is
 * "may we move to the newest release?". No candidate (`latest` found nothing newer): said, exit 0.
 * A candidate column is never a baseline (exit 2).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeFilter, gateVerdict, readMatrix } from '../report/diff';
import type { Matrix } from '../report/schema';
import { DEFAULT_IMPLEMENTATION } from '../implementations';
import { loadEntries } from '../envoy-versions';
import { newestEntry } from '../envoy-versions/releases';
import { candidateEntries } from '../engine/release-index';
import { commandArgs, implementationNamed, unknownProjectMessage, usageError } from '../runner/cli';
import { runPlaywright } from '../runner/run-playwright';
import { settings } from '../runner/settings';

const USAGE = '[EWC_CANDIDATES=latest] npm run gate -- --baseline <id> [--candidate <id>] [--grep <re>] [--baseline-filter <impl>] [--candidate-filter <impl>] [--baseline-variant <v>] [--candidate-variant <v>]';
const usage = (why: string): never => usageError('gate', USAGE, why);

const { values: args } = commandArgs('gate', USAGE, process.argv.slice(2), {
  baseline: { type: 'string' },
  candidate: { type: 'string' },
  grep: { type: 'string' },
  'baseline-filter': { type: 'string' },
  'candidate-filter': { type: 'string' },
  'baseline-variant': { type: 'string' },
  'candidate-variant': { type: 'string' },
});

const filterArg = (name: 'baseline-filter' | 'candidate-filter'): string => implementationNamed(args[name] ?? DEFAULT_IMPLEMENTATION, usage, `--${name}: `).id;

async function runSide(side: 'baseline' | 'candidate', project: string, grep: string | undefined, filter: string, variant: string | undefined): Promise<Matrix> {
  const dir = path.join(settings.reportsRoot, 'gate', side);
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`[gate] ${side}: ${project}, ${filter} filter${variant ? ` variant ${variant}` : ''}`);
  await runPlaywright(['--project', project, ...(grep ? ['--grep', grep] : []), '--reporter', 'dot,./report/matrix-reporter.ts'], {
    EWC_REPORTS_ROOT: dir,
    EWC_FILTER: filter,
    ...(variant ? { EWC_FILTER_VARIANT: variant } : {}),
  });
  const file = path.join(dir, 'matrix', 'matrix.json');
  if (!fs.existsSync(file)) usage(`the ${side} run wrote no ${file}; see its output above${grep ? ` (did --grep ${JSON.stringify(grep)} match no case?)` : ''}`);
  return readMatrix(file);
}

async function main(): Promise<void> {
  const entries = loadEntries();
  // EWC_CANDIDATES is resolved here once; both runs inherit the result.
  const columns = await candidateEntries(entries);
  if (settings.candidates && !columns.length && !args.candidate) {
    console.log(`[gate] no candidate column: EWC_CANDIDATES=${settings.candidates} names no release to run (see [candidates] above); nothing to judge`);
    return;
  }
  const fromCandidates = !args.candidate && !args['candidate-filter'] && columns.length > 0;
  if (fromCandidates && columns.length > 1 && !args.baseline) usage(`EWC_CANDIDATES gives ${columns.length} candidate columns (${columns.map((c) => c.id).join(', ')}): name one with --candidate`);
  const defaultBaseline = fromCandidates ? newestEntry(entries, columns[0].kind)?.id : undefined;
  const baseline = args.baseline ?? defaultBaseline ?? usage('--baseline is required');
  const baselineFilter = filterArg('baseline-filter');
  const candidateFilter = filterArg('candidate-filter');
  const sameKind = columns.filter((c) => c.kind === entries.find((e) => e.id === baseline)?.kind);
  // Only the filter changes: the candidate runs the same version.
  const candidate =
    args.candidate ??
    (args['candidate-filter'] ? baseline : fromCandidates && sameKind.length === 1 ? sameKind[0].id : usage('--candidate is required (or --candidate-filter, to judge a filter switch on the baseline version)'));
  for (const id of [baseline, candidate]) {
    const unknown = unknownProjectMessage(id);
    if (unknown) usage(unknown);
  }
  if (columns.some((c) => c.id === baseline)) usage(`${baseline} is a candidate column (EWC_CANDIDATES), not an entry of envoy-versions/: a baseline must be an entry`);
  const cand = columns.find((c) => c.id === candidate);
  if (cand) console.log(`[gate] candidate ${candidate} is a candidate column (EWC_CANDIDATES): ${cand.wheel ?? cand.image}, no entry of envoy-versions/ names it`);
  const grep = args.grep;
  const base = await runSide('baseline', baseline, grep, baselineFilter, args['baseline-variant']);
  const candM = await runSide('candidate', candidate, grep, candidateFilter, args['candidate-variant']);

  // A side that ran another filter than asked would compare the wrong code: no verdict.
  for (const [side, m, want] of [['baseline', base, baselineFilter], ['candidate', candM, candidateFilter]] as const) {
    if (m.filter && m.filter.implementation !== want) usage(`the ${side} run loaded the ${m.filter.implementation} filter, not ${want}`);
  }
  printSideBySide(base, candM, baseline, candidate);
  console.log(`\n[gate] baseline ${baseline}: ${describeFilter(base)}\n[gate] candidate ${candidate}: ${describeFilter(candM)}`);
  const verdict = gateVerdict(base, candM, baseline, candidate);
  console.log(['', ...verdict.lines].join('\n'));
  process.exitCode = verdict.code;
}

/** Every case of either run (a case the candidate did not run shows `-`), baseline order first. */
function printSideBySide(base: Matrix, cand: Matrix, baseline: string, candidate: string): void {
  const ids = [...new Set([...base.cases, ...cand.cases].map((c) => c.id))];
  const status = (m: Matrix, id: string, proxy: string): string => m.cases.find((c) => c.id === id)?.cells[proxy]?.status ?? '-';
  const width = Math.max(...ids.map((id) => id.length), 10);
  console.log(`\n${'case'.padEnd(width)}  ${'baseline'.padEnd(12)}candidate`);
  for (const id of ids) console.log(`${id.padEnd(width)}  ${status(base, id, baseline).padEnd(12)}${status(cand, id, candidate)}`);
}

main().catch((e: Error) => {
  console.error(`[gate] ${e.message}`);
  process.exit(2);
});
