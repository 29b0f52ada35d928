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
import { readArgs } from '../runner/cli';

const USAGE = 'usage: npm run diff -- <old matrix.json> <new matrix.json> [--column OLD_PROXY=NEW_PROXY ...] [--strict]';

const fail = (why: string): never => {
  throw new MatrixFileError(`${why}\n${USAGE}`);
};

function main(argv: string[]): number {
  const COLUMN = '--column takes OLD_PROXY=NEW_PROXY';
  const { values, positionals: files } = readArgs(argv, { strict: { type: 'boolean' }, column: { type: 'string', multiple: true, needs: COLUMN } }, fail, {
    positionals: true,
    unknown: ([a]) => `unknown option ${a}`,
  });
  const columns = (values.column ?? []).map((c): [string, string] => {
    const pair = c.split('=');
    return pair.length === 2 && pair[0] && pair[1] ? [pair[0], pair[1]] : fail(COLUMN);
  });
  const strict = values.strict ?? false;
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
