/**
 * A container's main process (Envoy is PID 1 of its FROM-scratch container) as the host's /proc sees
 * it: resident memory, and CPU time over all its threads (what the proxy spent, wherever the
 * bottleneck of a load run was).
 */
import fs from 'node:fs';
import { run } from '../engine/host';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const USER_HZ = Number(run('getconf', ['CLK_TCK'], { timeoutMs: 5_000 }).trim()) || 100;

export function hostPid(containerId: string): number {
  const pid = Number(run('docker', ['inspect', '-f', '{{.State.Pid}}', containerId], { timeoutMs: 10_000 }).trim());
  if (!pid) throw new Error(`container ${containerId.slice(0, 12)} has no running process`);
  return pid;
}

export function residentKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`/proc/${pid}/status has no VmRSS`);
  return Number(m[1]);
}

/** User + system CPU time of the process (all threads), in ms. */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at state, field 3; utime is 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / USER_HZ;
}
