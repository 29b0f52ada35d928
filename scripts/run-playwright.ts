/**
 * Runs `playwright test` as a child with a fixed run id, and sweeps that run's containers and
 * networks afterwards, whatever happened: a pass, a failure, or Ctrl-C (which the terminal sends to
 * both processes; Playwright tears down its workers, and this sweep catches anything they left).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { newRunId } from '../engine/ownership';
import { repoRoot } from '../engine/paths';
import { keptRunIds } from '../engine/kept-runs';
import { sweep } from '../engine/sweep';
import '../engine/testcontainers-env';

/**
 * Each call is its own run: a fresh run id (so its sweep never touches another run's containers,
 * e.g. the run of a test that calls the gate), owned by this process.
 */
export async function runPlaywright(args: string[], env: Record<string, string> = {}, runId = newRunId(), logFile?: string): Promise<number> {
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
