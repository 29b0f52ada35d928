/**
 * CPU-seconds a run spent, by who spent them: the Envoy containers, the peers, the Playwright
 * runner and its workers (this process's reaped children), and the Docker daemons. Containers are
 * read from the engine's cgroups, sampled so each live container's time is put to its role. Where
 * the engine keeps them under its `docker` parent, that parent is cumulative (a removed container's
 * time stays in it): the last fraction of a sampling interval before a removal is counted in the
 * total, not in a role. Where each container has a cgroup of its own at the root
 * (engine/cpu-weight.ts), only live containers can be read: that fraction is not counted at all.
 */
import fs from 'node:fs';
import { getContainerRuntimeClient } from 'testcontainers';
import { CGROUP_PARENT, cgroupPlan, engineCgroups } from '../engine/cpu-weight';

interface ContainerCgroups {
  /** Where the containers' cgroups are (one per container, named by its id). */
  dir: string;
  /** Whether `dir` itself counts every container it ever held. */
  cumulative: boolean;
  usage: (d: string) => number;
}

const v1Usage = (d: string): number => Number(fs.readFileSync(`${d}/cpuacct.usage`, 'utf8')) / 1e9;
const v2Usage = (d: string): number => Number(/usage_usec (\d+)/.exec(fs.readFileSync(`${d}/cpu.stat`, 'utf8'))?.[1]) / 1e6;

/** cgroup v1 (cpuacct, ns) or v2 (cpu.stat usage_usec): the run's cgroup layout (cpu-weight.ts), or the engine's cgroupfs parent. */
async function containerCgroups(): Promise<ContainerCgroups | undefined> {
  const own = cgroupPlan(await engineCgroups()).parent === CGROUP_PARENT;
  const candidates: ContainerCgroups[] = own
    ? [{ dir: '/sys/fs/cgroup/cpuacct', cumulative: false, usage: v1Usage }]
    : [
        { dir: '/sys/fs/cgroup/cpuacct/docker', cumulative: true, usage: v1Usage },
        { dir: '/sys/fs/cgroup/docker', cumulative: true, usage: v2Usage },
      ];
  return candidates.find((c) => fs.existsSync(c.dir));
}

const SAMPLE_MS = 250;
const CLK_TCK = 100;

export interface CpuSeconds {
  envoy: number;
  peers: number;
  /** Container time not put to a role: containers that lived between two samples, and the last interval of each (undefined: not readable in this cgroup layout). */
  containersUnattributed: number | undefined;
  playwright: number;
  dockerDaemons: number;
  /** Processes the daemons started and reaped (docker-proxy, their own re-execs, iptables). */
  daemonChildren: number;
  total: number;
}

/** utime + stime of this process's reaped children (fields 16 and 17 of /proc/self/stat), in seconds. */
function childrenCpu(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / CLK_TCK;
}

/**
 * Of every process named dockerd, containerd or containerd-shim*: their own utime + stime, and
 * what their reaped children spent (cutime + cstime: docker-proxy per published port, dockerd's
 * re-execs that unpack copies into containers or set up a network namespace, iptables), in seconds.
 */
function daemonsCpu(): { own: number; children: number } {
  const sum = { own: 0, children: 0 };
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!/^(dockerd|containerd|containerd-shim.*)$/.test(comm)) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sum.own += (Number(f[11]) + Number(f[12])) / CLK_TCK;
      sum.children += (Number(f[13]) + Number(f[14])) / CLK_TCK;
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return sum;
}

/** Starts counting; `stop()` returns what was spent since, or undefined where the engine's cgroups cannot be read here. */
export async function startCpuAccounting(): Promise<{ stop: () => Promise<CpuSeconds | undefined> }> {
  const cgroup = await containerCgroups();
  if (!cgroup) return { stop: async () => undefined };
  const docker0 = cgroup.cumulative ? cgroup.usage(cgroup.dir) : 0;
  const children0 = childrenCpu();
  const daemons0 = daemonsCpu();
  /** Container id -> [first usage seen, last usage seen]; ids first seen mid-run start from 0. */
  const seen = new Map<string, [number, number]>();
  const roles = new Map<string, Promise<string>>();
  const roleOf = (id: string): Promise<string> => {
    if (!roles.has(id)) roles.set(id, getContainerRuntimeClient().then((c) => c.container.dockerode.getContainer(id).inspect()).then((i) => i.Config.Labels?.['dev.ewc.role'] ?? 'other', () => 'other'));
    return roles.get(id)!;
  };
  let first = true;
  const sample = (): void => {
    for (const id of fs.readdirSync(cgroup.dir).filter((d) => /^[0-9a-f]{64}$/.test(d))) {
      try {
        const now = cgroup.usage(`${cgroup.dir}/${id}`);
        const prior = seen.get(id);
        seen.set(id, [prior ? prior[0] : first ? now : 0, now]);
        void roleOf(id);
      } catch {
        // Removed between the listing and the read.
      }
    }
    first = false;
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      sample();
      const byRole = new Map<string, number>();
      for (const [id, [a, b]] of seen) {
        const role = await roleOf(id);
        byRole.set(role, (byRole.get(role) ?? 0) + (b - a));
      }
      const envoy = byRole.get('envoy') ?? 0;
      const peers = (byRole.get('header-service') ?? 0) + (byRole.get('upstream') ?? 0);
      const attributed = [...byRole.values()].reduce((x, y) => x + y, 0);
      const containers = cgroup.cumulative ? cgroup.usage(cgroup.dir) - docker0 : attributed;
      const playwright = childrenCpu() - children0;
      const daemons = daemonsCpu();
      const dockerDaemons = daemons.own - daemons0.own;
      const daemonChildren = daemons.children - daemons0.children;
      const containersUnattributed = cgroup.cumulative ? Math.max(0, containers - attributed) : undefined;
      return { envoy, peers, containersUnattributed, playwright, dockerDaemons, daemonChildren, total: containers + playwright + dockerDaemons + daemonChildren };
    },
  };
}

/** One line: CPU-seconds in all and per column, by who spent them. */
export function describeCpu(cpu: CpuSeconds | undefined, columns: number): string {
  if (!cpu) return 'CPU-seconds: not measured (the engine\'s cgroups are not readable here)';
  const s = (x: number): string => `${x.toFixed(1)} s`;
  const per = (x: number): string => `${(x / Math.max(1, columns)).toFixed(1)}`;
  return `CPU-seconds ${s(cpu.total)} (${per(cpu.total)} per column): Envoy ${s(cpu.envoy)} (${per(cpu.envoy)}/col), peers ${s(cpu.peers)}, containers unattributed ${cpu.containersUnattributed === undefined ? 'not counted (a cgroup per container: a container\'s last sampling interval before removal is lost)' : s(cpu.containersUnattributed)}, Playwright runner+workers ${s(cpu.playwright)} (${per(cpu.playwright)}/col), Docker daemons ${s(cpu.dockerDaemons)} and what they started ${s(cpu.daemonChildren)}`;
}
