/**
 * Runs `playwright test` as a child with a fixed run id, and sweeps that run's containers and
 * networks afterwards, whatever happened: a pass, a failure, or Ctrl-C (which the terminal sends to
 * both processes; Playwright tears down its workers, and this sweep catches anything they left).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { newRunId } from '../engine/ownership';
import { identityOf, liveness, type ProcessIdentity } from '../engine/processes';
import { repoRoot } from '../engine/paths';
import { keptRunIds } from '../engine/kept-runs';
import { sweep } from '../engine/sweep';
import '../engine/testcontainers-env';
import { settings, type SettingsEnv } from './settings';

/**
 * Each call is its own run: a fresh run id (so its sweep never touches another run's containers,
 * e.g. the run of a test that calls the gate), owned by this process.
 */
export async function runPlaywright(args: string[], env: SettingsEnv = {}, runId = newRunId(), logFile?: string): Promise<number> {
  const root = env.EWC_REPORTS_ROOT === undefined ? settings.reportsRoot : path.resolve(repoRoot, env.EWC_REPORTS_ROOT);
  const release = claimReportsRoot(root, runId);
  if (typeof release === 'string') {
    console.error(`[run] ${release}`);
    return 2;
  }
  try {
    return await runClaimed(args, env, runId, logFile);
  } finally {
    release();
  }
}

/**
 * Two runs at once must not share a reports root: Playwright empties its output dir when a run
 * starts, and both would write the same matrix. The first run claims the root; a second run while
 * the first's owner lives is refused, saying how to run it elsewhere. A dead owner's claim is void.
 */
function claimReportsRoot(root: string, runId: string): (() => void) | string {
  const file = path.join(root, '.run-owner.json');
  fs.mkdirSync(root, { recursive: true });
  try {
    const held = JSON.parse(fs.readFileSync(file, 'utf8')) as ProcessIdentity & { runId: string };
    if (held.pid !== process.pid && liveness(held) !== 'gone')
      return `${path.relative(repoRoot, root) || root} is in use by run ${held.runId} (pid ${held.pid} on ${held.host}); set EWC_REPORTS_ROOT=<another dir> to run a second one at once`;
  } catch {
    // No claim, or an unreadable one: take it.
  }
  fs.writeFileSync(file, JSON.stringify({ ...identityOf(process.pid), runId }));
  return () => fs.rmSync(file, { force: true });
}

async function runClaimed(args: string[], env: SettingsEnv, runId: string, logFile?: string): Promise<number> {
  const cli = path.join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js');
  // With a log file, the run's own output goes there (a caller printing its own summary, e.g. mutants).
  const log = logFile ? fs.openSync(logFile, 'w') : undefined;
  // The id everything this run creates is labelled with (docker ps --filter label=dev.ewc.run-id=<id>).
  if (!logFile) console.log(`[run] ${runId}: playwright test ${args.join(' ')}`.trimEnd());
  const child = spawn(process.execPath, [cli, 'test', ...args], {
    stdio: log === undefined ? 'inherit' : ['ignore', log, log],
    cwd: repoRoot,
    env: { ...process.env, ...env, EWC_RUN_ID: runId, EWC_RUN_OWNER_PID: String(process.pid) },
  });
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupted = true;
    // The child got the same signal from the terminal; forward it only when sent to us alone (kill <pid>).
    if (child.exitCode === null) child.kill(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await new Promise<number>((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 130 : 1))));
  if (log !== undefined) fs.closeSync(log);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (keptRunIds().has(runId)) return code;
  const left = await sweep(runId).catch((e: Error) => {
    console.error(`[cleanup] sweep of run ${runId} failed: ${e.message}`);
    return { containers: 0, networks: 0 };
  });
  if (left.containers || left.networks) console.log(`[cleanup] removed ${left.containers} containers and ${left.networks} networks of run ${runId}`);
  return interrupted && code === 0 ? 130 : code;
}
