/**
 * `npm run history -- <matrix.json files or directories> [--out DIR] [--last N]`
 *
 * Several runs' matrices side by side: writes history.json and history.html (default
 * `<reports root>/history/`), prints each run, every changed or flaky cell, and a closing line.
 * A directory is searched for files named matrix.json (an artifact download keeps one per run).
 * Runs are ordered by their start time, whatever the argument order. Merge shards first
 * (`playwright merge-reports`): a history takes whole matrices.
 *
 * Exit codes: 0 written; 2 a bad argument or file (nothing written).
 */
import fs from 'node:fs';
import path from 'node:path';
import { MatrixFileError, readMatrix } from '../report/diff';
import { buildHistory, cellLines, runLine, type HistoryInput } from '../report/history';
import { renderHistory } from '../report/render-history';
import { readArgs, shownPath as shown } from '../runner/cli';
import { settings } from '../runner/settings';

const USAGE = 'npm run history -- <matrix.json files or directories> [--out DIR] [--last N]';

/** Every problem that leaves nothing to write (exit 2). */
class HistoryError extends Error {}

interface Options {
  inputs: string[];
  out: string;
  last?: number;
}

const fail = (why: string): never => {
  throw new HistoryError(why);
};

function options(argv: string[]): Options {
  const { values, positionals: inputs } = readArgs(
    argv,
    { out: { type: 'string', needs: '--out takes a directory' }, last: { type: 'string', needs: '--last takes a number of runs >= 1 (got "")' } },
    fail,
    { positionals: true, unknown: ([a]) => `unknown option ${a}` },
  );
  const out = values.out ?? path.join(settings.reportsRoot, 'history');
  if (!out || out.startsWith('-')) fail('--out takes a directory');
  const n = values.last;
  if (n !== undefined && (!/^\d+$/.test(n) || Number(n) < 1)) fail(`--last takes a number of runs >= 1 (got "${n}")`);
  if (!inputs.length) fail('no matrix.json files or directories given');
  return { inputs, out: path.resolve(out), last: n === undefined ? undefined : Number(n) };
}

/** Files named matrix.json under `dir`, at any depth, in path order. */
function matrixFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? matrixFilesUnder(p) : e.name === 'matrix.json' ? [p] : [];
    });
}

function expand(input: string): string[] {
  if (!fs.existsSync(input)) throw new HistoryError(`${input}: no such file or directory`);
  if (!fs.statSync(input).isDirectory()) return [input];
  const found = matrixFilesUnder(input);
  if (!found.length) throw new HistoryError(`${input}: no matrix.json in this directory or below it`);
  return found;
}

function readInput(file: string, out: string): HistoryInput {
  const matrix = readMatrix(file);
  if (Number.isNaN(Date.parse(matrix.startedAt))) throw new HistoryError(`${file} is not a matrix.json (no valid "startedAt": ${JSON.stringify(matrix.startedAt)})`);
  const html = path.join(path.dirname(path.resolve(file)), 'matrix.html');
  return { matrix, file, ...(fs.existsSync(html) ? { matrixHtml: path.relative(out, html).split(path.sep).join('/') } : {}) };
}

function main(argv: string[]): void {
  const opts = options(argv);
  // Named as the user named them; a file given twice (as itself and in its directory) counts once.
  const seen = new Set<string>();
  const files = opts.inputs.flatMap(expand).filter((f) => !seen.has(path.resolve(f)) && seen.add(path.resolve(f)));
  let inputs: HistoryInput[] = [];
  for (const file of files) {
    const input = readInput(file, opts.out);
    // The same run twice (two downloads of one artifact) would count it twice.
    const twin = inputs.find((i) => i.matrix.runId !== null && i.matrix.runId === input.matrix.runId && i.matrix.startedAt === input.matrix.startedAt);
    if (twin) console.log(`[history] ${file}: the same run as ${twin.file} (${input.matrix.runId}), left out`);
    else inputs.push(input);
  }
  let report = buildHistory(inputs);
  if (opts.last !== undefined && report.runs.length > opts.last) {
    const keep = new Set(report.runs.slice(-opts.last).map((r) => r.file));
    inputs = inputs.filter((i) => keep.has(i.file));
    report = buildHistory(inputs);
  }
  fs.mkdirSync(opts.out, { recursive: true });
  fs.writeFileSync(path.join(opts.out, 'history.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(opts.out, 'history.html'), renderHistory(report));
  console.log(
    [
      ...report.runs.map((r) => runLine(r, report.runs.length)),
      ...cellLines(report),
      `[history] report: ${shown(opts.out)}/{history.json,history.html}`,
      // The closing line stays last: scripts and people read it there.
      report.closingLine,
    ].join('\n'),
  );
}

try {
  main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof HistoryError || e instanceof MatrixFileError)) throw e;
  console.error(`[history] ${e.message}\nusage: ${USAGE}`);
  process.exitCode = 2;
}
