/**
 * Whether a process is still the one we mean. A pid alone is not an identity: pids are reused, and
 * after a reboot every pid is. A process is named by host, boot id, pid and start time (clock ticks
 * since boot, /proc/<pid>/stat field 22), and is gone only when that is proven.
 */
import fs from 'node:fs';
import os from 'node:os';

export interface ProcessIdentity {
  host: string;
  bootId: string;
  pid: number;
  /** Start time in clock ticks since boot; '' where /proc is not available. */
  startTime: string;
}

export const thisBootId = (): string => {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
};

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export const identityOf = (pid: number): ProcessIdentity => ({ host: os.hostname(), bootId: thisBootId(), pid, startTime: processStartTime(pid) ?? '' });

export type Liveness = 'alive' | 'gone' | 'elsewhere';

/**
 * 'elsewhere': another host's process, which this machine cannot judge (never touch its resources).
 * 'gone' only on proof: another boot, no such pid (ESRCH), or the pid now names a later process.
 * EPERM means the process exists under another user: alive.
 */
export function liveness(owner: Partial<ProcessIdentity>): Liveness {
  if (owner.host !== undefined && owner.host !== os.hostname()) return 'elsewhere';
  if (owner.bootId && thisBootId() && owner.bootId !== thisBootId()) return 'gone';
  if (!owner.pid || !Number.isInteger(owner.pid) || owner.pid <= 0) return 'gone';
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EPERM') return 'alive';
    return 'gone';
  }
  const now = processStartTime(owner.pid);
  if (owner.startTime && now !== undefined && now !== owner.startTime) return 'gone';
  return 'alive';
}
