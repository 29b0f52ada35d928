/**
 * `npm test [-- <playwright args>]`: type check, the selftests, every suite on every matrix entry
 * (one run with the selftests when Playwright arguments are given), then the kill matrix on one version (every mutant of filter/variants.json must be
 * killed by its declared cases), then the other filter implementations: every suite on the newest
 * runnable Envoy and their own kill matrix, then the delivery modes: the suites that pin delivery-
 * sensitive behaviour under `remote` and `ecds` on the newest Envoy of each minor (before them, the
 * whole answer corpus, fuzz/corpus.json, on the newest Envoy with each implementation), then a smoke run
 * of each benchmark (bench:overhead, bench:suite; seconds). Playwright
 * arguments apply to the first part only; with any given (one version, one case) the rest is left
 * out, as it is with EWC_MUTANTS=0. Each stage prints its wall time; the run ends with the table
 * of stages and the total against the budget CI holds npm test to on a 2-core machine (30 min),
 * then each cell a failed stage did not pass, with its error's first lines.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadEntries } from '../envoy-versions';
import { repoRoot, reportsDir } from '../engine/paths';
import { DEFAULT_IMPLEMENTATION, IMPLEMENTATIONS } from '../implementations';
import { DELIVERY_RUN_MODES, deliveryReportsRoot, runDeliveryStage } from '../runner/delivery-runs';
import { runPlaywright } from '../runner/run-playwright';
import { readMatrix } from '../report/diff';
import { failedCellLines, failedTestLines, type PlaywrightReport } from '../report/failed-cells';
import { settings } from '../runner/settings';
import { SELFTEST_PROJECT } from '../report/projects';

function runScript(script: string, args: string[] = []): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(repoRoot, script), ...args], { stdio: 'inherit', cwd: repoRoot });
    child.on('exit', (c, s) => resolve(c ?? (s ? 130 : 1)));
  });
}

const runMutants = (args: string[] = []): Promise<number> => runScript('scripts/mutants.ts', args);

const verdict = (code: number): string => (code === 0 ? 'passed' : `failed (exit ${code})`);

/** What npm test may take on this project's 2-core machine (CI runs it; its limit is 90 min for everything). */
const BUDGET_MIN = 30;
const started = Date.now();
const stages: Array<{ name: string; startedAt: number; ms: number; code: number; reportRoots: string[] }> = [];
const minutes = (ms: number): string => `${(ms / 60_000).toFixed(1)} min`;

/**
 * Runs one stage, prints its wall time, and keeps it for the closing table; Ctrl-C (130) ends the run.
 * `reportRoots`: the EWC_REPORTS_ROOT of its matrix runs, whose failed cells the closing lines name.
 */
async function stage(name: string, run: () => Promise<number>, reportRoots: string[] = []): Promise<number> {
  const t0 = Date.now();
  const code = await run();
  if (code === 130) process.exit(130);
  stages.push({ name, startedAt: t0, ms: Date.now() - t0, code, reportRoots });
  console.log(`[test] stage ${name}: ${verdict(code)} in ${minutes(Date.now() - t0)}`);
  return code;
}

function printStages(): void {
  const width = Math.max(...stages.map((s) => s.name.length));
  for (const s of stages) console.log(`[test]   ${s.name.padEnd(width)}  ${minutes(s.ms).padStart(9)}  ${verdict(s.code)}`);
  const total = Date.now() - started;
  console.log(`[test] total ${minutes(total)} of the ${BUDGET_MIN}-minute budget${total > BUDGET_MIN * 60_000 ? ` (over by ${minutes(total - BUDGET_MIN * 60_000)})` : ''}`);
  printFailedCells();
}

/** Written by this stage's run: a report older than the stage is an earlier run's, never named as this one's. */
const writtenSince = (file: string, t0: number): boolean => fs.existsSync(file) && fs.statSync(file).mtimeMs >= t0;

/**
 * The cells failed stages did not pass, each with its error's first lines: CI keeps a run's last
 * lines, not its reports. Read from the run's matrix.json, or, for a run that writes none (the
 * selftests), from Playwright's results.json.
 */
function printFailedCells(): void {
  for (const s of stages.filter((x) => x.code !== 0))
    for (const root of s.reportRoots) {
      const where = s.reportRoots.length > 1 ? `${s.name} (${path.basename(root)})` : s.name;
      const matrix = path.join(root, 'matrix', 'matrix.json');
      const results = path.join(root, 'results.json');
      const read = writtenSince(matrix, s.startedAt)
        ? () => failedCellLines(readMatrix(matrix))
        : writtenSince(results, s.startedAt)
          ? () => failedTestLines(JSON.parse(fs.readFileSync(results, 'utf8')) as PlaywrightReport)
          : undefined;
      if (!read) {
        console.log(`[test] ${where}: neither ${path.relative(repoRoot, matrix)} nor ${path.relative(repoRoot, results)} written by this run (it ended before its report)`);
        continue;
      }
      let lines: string[];
      try {
        lines = read();
      } catch (e) {
        // An unreadable report is said, never allowed to end the run before its closing line.
        console.log(`[test] ${where}: ${(e as Error).message}`);
        continue;
      }
      for (const line of lines) console.log(`[test] ${where}: ${line}`);
    }
}

(async () => {
  const tsc = await stage('type check', async () => spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { stdio: 'inherit', cwd: repoRoot }).status ?? 1);
  if (tsc !== 0) {
    console.error('[test] type check failed');
    process.exit(1);
  }
  console.log('[test] type check passed');
  const args = process.argv.slice(2);
  // Two runs when no Playwright argument narrows it: the selftests start nested runs under their own
  // deadlines (2 workers), and the matrix alone gets the default workers (more than twice as many).
  let suites: number;
  if (args.length) suites = await stage('selftests + every suite on every column', () => runPlaywright(args));
  else {
    const selftests = await stage('selftests', () => runPlaywright([`--project=${SELFTEST_PROJECT}`], { EWC_REPORTS_ROOT: path.join(reportsDir, 'selftests') }), [path.join(reportsDir, 'selftests')]);
    const matrix = await stage('every suite on every column', () => runPlaywright([], { EWC_SELFTESTS: '0' }), [settings.reportsRoot]);
    suites = selftests || matrix;
  }
  if (args.length || !settings.mutants) {
    process.exitCode = suites;
    return;
  }
  console.log('[test] kill matrix: every mutant against its declared killer cases (npm run mutants)');
  const mutants = await stage('kill matrix', () => runMutants());
  const parts = [`suites ${verdict(suites)}`, `kill matrix ${verdict(mutants)}`];
  let code = suites || mutants;

  // Every other implementation of the contract: all suites on one version, and its kill matrix.
  const newest = loadEntries().filter((e) => e.kind === 'envoy' && !e.wheelLacksV8).at(-1)!.id;
  for (const impl of IMPLEMENTATIONS.filter((i) => i.id !== DEFAULT_IMPLEMENTATION)) {
    console.log(`[test] ${impl.id} filter: every suite on ${newest} (EWC_FILTER=${impl.id} npm run matrix -- --project ${newest})`);
    const run = await stage(`${impl.id}: every suite on ${newest}`, () => runPlaywright(['--project', newest], { EWC_FILTER: impl.id, EWC_SELFTESTS: '0', EWC_REPORTS_ROOT: path.join(reportsDir, impl.id) }), [path.join(reportsDir, impl.id)]);
    const subset = impl.testMutants ?? [];
    console.log(`[test] ${impl.id} filter: kill matrix of its ${subset.length ? `${subset.length} most important mutants` : 'mutants'} (all of them: npm run mutants -- --filter ${impl.id})`);
    const killed = await stage(`${impl.id}: kill matrix`, () => runMutants(['--filter', impl.id, '--project', newest, ...subset.flatMap((v) => ['--variant', v])]));
    parts.push(`${impl.id} suites ${verdict(run)}`, `${impl.id} kill matrix ${verdict(killed)}`);
    code ||= run || killed;
  }
  // The whole committed corpus of header-service answers (fuzz/corpus.json) through real Envoy, with
  // every implementation: the matrix above runs one answer per class on every column.
  for (const impl of IMPLEMENTATIONS) {
    console.log(`[test] ${impl.id} filter: the whole answer corpus on ${newest} (EWC_CORPUS=full EWC_FILTER=${impl.id} npm run matrix -- --project=${newest} suites/contract-corpus.spec.ts)`);
    const corpus = await stage(`${impl.id}: whole corpus on ${newest}`, () =>
      runPlaywright([`--project=${newest}`, 'suites/contract-corpus.spec.ts'], { EWC_CORPUS: 'full', EWC_FILTER: impl.id, EWC_SELFTESTS: '0', EWC_REPORTS_ROOT: path.join(reportsDir, `corpus-${impl.id}`) }),
      [path.join(reportsDir, `corpus-${impl.id}`)],
    );
    parts.push(`${impl.id} corpus ${verdict(corpus)}`);
    code ||= corpus;
  }
  // Every delivery mode but the default: the delivery-sensitive suites on the newest Envoy of each minor.
  let deliveryParts: string[] = [];
  const deliveryCode = await stage('delivery modes', async () => {
    const delivery = await runDeliveryStage(loadEntries());
    deliveryParts = delivery.parts;
    return delivery.code;
  }, DELIVERY_RUN_MODES.map((m) => deliveryReportsRoot(m)));
  parts.push(...deliveryParts);
  code ||= deliveryCode;
  // The benchmarks are not timed tests; a smoke run of each proves they still run and print their tables.
  for (const bench of ['overhead', 'suite']) {
    console.log(`[test] bench:${bench} smoke run (npm run bench:${bench} -- --smoke)`);
    const smoked = await stage(`bench:${bench} smoke`, () => runScript(`bench/${bench}.ts`, ['--smoke']));
    parts.push(`bench:${bench} smoke ${verdict(smoked)}`);
    code ||= smoked;
  }
  printStages();
  console.log(`[test] ${parts.join(', ')}`);
  process.exitCode = code;
})().catch((e: Error) => {
  console.error(`[test] ${e.message}`);
  process.exit(1);
});
