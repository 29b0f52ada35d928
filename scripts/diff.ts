/**
 * `npm run diff -- old/matrix.json new/matrix.json [--column OLD_ID=NEW_ID ...]`
 * Prints regressions, fixes, added/removed cases and proxies. Exit 1 on a regression, 2 on a bad
 * argument or file, 0 otherwise.
 */
import { MatrixFileError, diffMatrices, formatDiff, readMatrix } from '../report/diff';

const USAGE = 'usage: npm run diff -- <old matrix.json> <new matrix.json> [--column OLD_PROXY=NEW_PROXY ...]';

function main(argv: string[]): number {
  const files: string[] = [];
  const columns: Array<[string, string]> = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--column') {
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
  return d.regressions.length ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`diff: ${(e as Error).message}`);
  process.exitCode = 2;
}
