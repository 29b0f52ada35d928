/**
 * `npm run flake -- --cpu-load`: one busy core for the length of the runs, as on a shared CI runner.
 * The hog is a child node process that can never outlive its parent: it is stopped by stop(), and
 * it stops itself after a hard bound and as soon as its parent is gone (even a SIGKILLed one).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export const CPU_LOAD_MAX_MS = 3 * 60 * 60 * 1000;

/**
 * The hog's program (`node -e`; argv: parent pid, bound in ms). It spins in slices of 200 ms and
 * checks between slices, so it notices a dead parent (re-parented: ppid changes) within a slice.
 */
export const HOG_SOURCE = `
const parent = Number(process.argv[1]);
const deadline = Date.now() + Number(process.argv[2]);
const parentAlive = () => { try { process.kill(parent, 0); return true; } catch { return false; } };
for (;;) {
  const slice = Date.now() + 200;
  while (Date.now() < slice) {}
  if (Date.now() > deadline || process.ppid !== parent || !parentAlive()) process.exit(0);
}`;

export interface CpuLoad {
  pid: number;
  /** Resolves once the hog has exited (and been reaped). */
  exited: Promise<void>;
  /** Kills the hog if it still runs and waits for it; safe to call twice. */
  stop(): Promise<void>;
}

/** Kills synchronously (for process 'exit', where nothing async runs any more). */
function killNow(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export function startCpuLoad(maxMs = CPU_LOAD_MAX_MS): CpuLoad {
  const child = spawn(process.execPath, ['-e', HOG_SOURCE, String(process.pid), String(maxMs)], { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('could not start the cpu load process');
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const onExit = (): void => killNow(child);
  process.once('exit', onExit);
  return {
    pid: child.pid,
    exited,
    async stop() {
      process.off('exit', onExit);
      killNow(child);
      await exited;
    },
  };
}

/** Whether a pid names a live process (a zombie, which only waits to be reaped, counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ...", the state after the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
