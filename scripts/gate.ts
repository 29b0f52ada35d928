/**
 * `npm run gate -- --baseline <id> --candidate <id> [--grep <re>] [--baseline-variant <v>] [--candidate-variant <v>]`
 *
 * May we upgrade? Runs the suites on the baseline and on the candidate (each its own run and
 * report dir; a filter variant per side lets the same gate judge a filter upgrade), then compares
 * the two columns: exit 1 and the list when a case passes on the baseline and fails on the
 * candidate, exit 0 with the table otherwise, exit 2 on bad arguments or a run that produced no matrix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { reportsDir } from '../fixtures/paths';
import { diffMatrices, formatDiff, readMatrix } from '../report/diff';
import type { Matrix } from '../report/schema';
import { arg, unknownProjectMessage, usageError } from './cli';
import { runPlaywright } from './run-playwright';

const usage = (why: string): never => usageError('gate', 'npm run gate -- --baseline <id> --candidate <id> [--grep <re>] [--baseline-variant <v>] [--candidate-variant <v>]', why);

async function runSide(side: 'baseline' | 'candidate', project: string, grep: string | undefined, variant: string | undefined): Promise<Matrix> {
  const dir = path.join(process.env.EWC_REPORTS_ROOT ?? reportsDir, 'gate', side);
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`[gate] ${side}: ${project}${variant ? ` with filter variant ${variant}` : ''}`);
  await runPlaywright(['--project', project, ...(grep ? ['--grep', grep] : []), '--reporter', 'dot,./report/matrix-reporter.ts'], {
    EWC_REPORTS_ROOT: dir,
    ...(variant ? { EWC_FILTER_VARIANT: variant } : {}),
  });
  const file = path.join(dir, 'matrix', 'matrix.json');
  if (!fs.existsSync(file)) usage(`the ${side} run wrote no ${file}; see its output above`);
  return readMatrix(file);
}

async function main(): Promise<void> {
  const baseline = arg('--baseline') ?? usage('--baseline is required');
  const candidate = arg('--candidate') ?? usage('--candidate is required');
  for (const id of [baseline, candidate]) {
    const unknown = unknownProjectMessage(id);
    if (unknown) usage(unknown);
  }
  const grep = arg('--grep');
  const base = await runSide('baseline', baseline, grep, arg('--baseline-variant'));
  const cand = await runSide('candidate', candidate, grep, arg('--candidate-variant'));

  const width = Math.max(...cand.cases.map((c) => c.id.length), 10);
  console.log(`\n${'case'.padEnd(width)}  ${'baseline'.padEnd(12)}candidate`);
  for (const c of cand.cases) {
    const b = base.cases.find((x) => x.id === c.id)?.cells[baseline]?.status ?? '-';
    console.log(`${c.id.padEnd(width)}  ${b.padEnd(12)}${c.cells[candidate]?.status ?? '-'}`);
  }
  const d = diffMatrices(base, cand, { columns: [[baseline, candidate]] });
  console.log('');
  for (const line of formatDiff(d)) console.log(`[gate] ${line}`);
  if (d.regressions.length) {
    console.log(`[gate] NO: ${d.regressions.length} case(s) pass on ${baseline} and fail on ${candidate}`);
    process.exitCode = 1;
  } else {
    console.log(`[gate] OK: nothing that passes on ${baseline} fails on ${candidate}`);
  }
}

main().catch((e: Error) => {
  console.error(`[gate] ${e.message}`);
  process.exit(2);
});
