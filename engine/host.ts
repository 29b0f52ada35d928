/**
 * Host commands, the one way: run a program with a deadline and fail with its exit status and the
 * tail of its output; ask whether a command exists; install Debian packages as root.
 */
import { spawnSync } from 'node:child_process';

export class HostCommandError extends Error {}

/** Runs `cmd args` to completion (at most `timeoutMs`); returns stdout, or throws with the output's tail. */
export function run(cmd: string, args: string[], opts: { timeoutMs: number; env?: NodeJS.ProcessEnv; input?: string }): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: opts.timeoutMs, env: opts.env ?? process.env, input: opts.input, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}`;
    throw new HostCommandError(`${cmd} ${args.join(' ')} failed (${why}):\n${(r.stderr || r.stdout || '').trim().split('\n').slice(-15).join('\n')}`);
  }
  return r.stdout;
}

export const hasCommand = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

export const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * Installs Debian packages (root with apt only; the caller says how to get them otherwise). Another
 * apt run may hold the lock for a while: wait for it rather than fail at once.
 */
export function aptInstall(packages: string[], timeoutMs = 10 * 60_000): void {
  if (!isRoot() || !hasCommand('apt-get')) throw new HostCommandError(`cannot install ${packages.join(' ')} here (${isRoot() ? 'no apt-get' : 'not root'})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const started = Date.now();
  run('apt-get', ['update', '-qq'], { timeoutMs, env });
  run('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=120', ...packages], { timeoutMs: Math.max(1000, timeoutMs - (Date.now() - started)), env });
}
