/**
 * `npm run diff -- old/matrix.json new/matrix.json [--column OLD_ID=NEW_ID ...] [--strict]`
 * Prints regressions, fixes, untested cells (passed before; skipped, not run or interrupted now, or
 * with --column a case missing from the new matrix), added/removed cases and proxies.
 *
 * Exit codes:
 *   0  no regression (untested cells are printed but do not count without --strict)
 *   1  a regression: a cell that passed now fails (wins over untested)
 *   2  bad argument or file
 *   3  --strict only: no regression, but something that passed was not tested
 */
import { MatrixFileError, diffExitCode, diffMatrices, formatDiff, readMatrix } from '../report/diff';

const USAGE = 'usage: npm run diff -- <old matrix.json> <new matrix.json> [--column OLD_PROXY=NEW_PROXY ...] [--strict]';

function main(argv: string[]): number {
  const files: string[] = [];
  const columns: Array<[string, string]> = [];
  let strict = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--strict') strict = true;
    else if (a === '--column') {
      const pair = argv[++i]?.split('=');
      if (pair?.length !== 2 || !pair[0] || !pair[1]) throw new MatrixFileError(`--column takes OLD_PROXY=NEW_PROXY\n${USAGE}`);
      columns.push([pair[0], pair[1]]);
    } else if (a.startsWith('-')) throw new MatrixFileError(`unknown option ${a}\n${USAGE}`);
    else files.push(a);
  }
  if (files.length !== 2) throw new MatrixFileError(USAGE);
  const [oldM, newM] = files.map(readMatrix);
  const d = diffMatrices(oldM, newM, columns.length ? { columns } : {});
  console.log(formatDiff(d).join('\n'));
  return diffExitCode(d, strict);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`diff: ${(e as Error).message}`);
  process.exitCode = 2;
}
