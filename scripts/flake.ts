/**
 * `npm run flake -- --repeat <N> [--cpu-load] [<playwright args>]`
 *
 * Is the matrix stable? Setup once, then the conformance matrix N times (each its own run, run id
 * and reports root `<reports root>/flake/run-<i>`), then per case x version: passed k/N. Exit 1 when
 * a cell is flaky or always failing, 0 otherwise, 2 on bad arguments or a run that wrote no matrix,
 * 130 on SIGINT/SIGTERM (after printing what the finished runs say). With `-c/--config` among the
 * Playwright args there is no setup: that config brings what it needs (the docker-free selftests).
 */
import fs from 'node:fs';
import path from 'node:path';
import { aggregate, flakeExitCode, renderFlake, runLine, summarizeRun, type FlakeReport, type FlakeRun } from '../report/flake';
import { readMatrix } from '../report/diff';
import { commandArgs, shownPath as shown, usageError } from '../runner/cli';
import { processAlive, startCpuLoad, type CpuLoad } from '../runner/cpu-load';
import { runPlaywright } from '../runner/run-playwright';
import { settings } from '../runner/settings';
import { setup } from '../runner/setup';

const USAGE = 'npm run flake -- --repeat <N> [--cpu-load] [<playwright args>]';

interface FlakeOptions {
  repeat: number;
  cpuLoad: boolean;
  playwrightArgs: string[];
}

/** A failure that leaves nothing to judge (exit 2). */
class FlakeError extends Error {}

/** Our two options, wherever they are; everything else goes to Playwright in its order. */
function options(argv: string[]): FlakeOptions {
  const repeatSpec = { type: 'string', needs: '--repeat must be an integer >= 2 (got "")' } as const;
  const { values, rest: playwrightArgs } = commandArgs('flake', USAGE, argv, { repeat: repeatSpec, 'cpu-load': { type: 'boolean' } }, { passThrough: true });
  const repeat = values.repeat;
  const cpuLoad = values['cpu-load'] ?? false;
  if (repeat === undefined) usageError('flake', USAGE, '--repeat is required');
  // One run says nothing about flakiness.
  if (!/^\d+$/.test(repeat) || Number(repeat) < 2) usageError('flake', USAGE, `--repeat must be an integer >= 2 (got "${repeat}")`);
  return { repeat: Number(repeat), cpuLoad, playwrightArgs };
}

const givesConfig = (args: string[]): boolean => args.some((a) => a === '-c' || a === '--config' || a.startsWith('--config='));

/** The first signal received, if any; the handlers keep Node from dying so the summary can print. */
function watchSignals(): { received: () => NodeJS.Signals | undefined; dispose: () => void } {
  let signal: NodeJS.Signals | undefined;
  const on = (s: NodeJS.Signals): void => {
    signal ??= s;
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return { received: () => signal, dispose: () => (process.off('SIGINT', on), process.off('SIGTERM', on)) };
}

/** The run's matrix; undefined when a signal stopped it before it wrote one. */
async function runOnce(i: number, opts: FlakeOptions, root: string, interrupted: () => boolean): Promise<FlakeRun | undefined> {
  const dir = path.join(root, `run-${i}`);
  console.log(`[flake] starting run ${i}/${opts.repeat} (reports in ${shown(dir)})`);
  const t0 = Date.now();
  const code = await runPlaywright(opts.playwrightArgs, {
    EWC_SELFTESTS: '0',
    EWC_REPORTS_ROOT: dir,
    // Set too, so a config that reads only the matrix dir (and a user's own EWC_REPORT_DIR) lands here.
    EWC_REPORT_DIR: path.join(dir, 'matrix'),
    EWC_FLAKE_RUN: String(i),
    EWC_FLAKE_RUNS: String(opts.repeat),
  });
  const durationMs = Date.now() - t0;
  const matrixFile = path.join(dir, 'matrix', 'matrix.json');
  if (!fs.existsSync(matrixFile)) {
    if (interrupted()) return undefined;
    throw new FlakeError(`run ${i}/${opts.repeat} wrote no ${shown(matrixFile)} (Playwright exit code ${code}); its output is above and under ${shown(dir)}`);
  }
  return { index: i, matrix: readMatrix(matrixFile), durationMs, matrixFile };
}

function startLoad(): CpuLoad {
  const load = startCpuLoad();
  console.log(`[flake] cpu load: one busy core (pid ${load.pid})`);
  return load;
}

async function stopLoad(load: CpuLoad): Promise<void> {
  await load.stop();
  console.log(processAlive(load.pid) ? `[flake] cpu load: pid ${load.pid} did not stop` : `[flake] cpu load stopped (pid ${load.pid} gone)`);
}

function writeReport(report: FlakeReport, root: string): string {
  fs.mkdirSync(root, { recursive: true });
  const file = path.join(root, 'flake.json');
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

async function main(): Promise<number> {
  const opts = options(process.argv.slice(2));
  const root = path.join(settings.reportsRoot, 'flake');
  if (givesConfig(opts.playwrightArgs)) console.log('[flake] -c/--config given: no setup (that config brings what it needs)');
  else await setup();
  // Never aggregate a matrix left by an earlier flake run.
  fs.rmSync(root, { recursive: true, force: true });

  const signals = watchSignals();
  const load = opts.cpuLoad ? startLoad() : undefined;
  const runs: FlakeRun[] = [];
  try {
    for (let i = 1; i <= opts.repeat && !signals.received(); i++) {
      const run = await runOnce(i, opts, root, () => signals.received() !== undefined);
      // A run cut short by a signal says nothing about its cases: it is not counted.
      if (!run || signals.received()) {
        console.log(`[flake] ${signals.received()} during run ${i}/${opts.repeat}: not counted`);
        break;
      }
      runs.push(run);
      console.log(runLine(summarizeRun(run), opts.repeat));
    }
  } finally {
    if (load) await stopLoad(load);
    signals.dispose();
  }

  const interrupted = signals.received() !== undefined;
  const report = aggregate(runs, interrupted);
  const file = writeReport(report, root);
  console.log(['', ...renderFlake(report, opts.repeat, shown(file))].join('\n'));
  return interrupted ? 130 : flakeExitCode(report);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    console.error(`[flake] ${e instanceof FlakeError ? '' : 'error: '}${e.message}`);
    process.exitCode = 2;
  },
);
