/**
 * The CPU weight of the containers a run starts, against the processes of the harness beside them.
 *
 * Under cgroup v1 with Docker's cgroupfs driver (this machine, CI), every container sits in one
 * cgroup, `/docker`, and the kernel weighs that whole group as one host process (cpu.shares 1024,
 * a nice-0 process's weight). With nine Playwright workers busy (loading modules, reading logs) and
 * dockerd beside them, every Envoy and peer of the run together got about a tenth of the machine:
 * measured, six Envoys each compiling the 2.6 MB Go probe while three host processes spun took 18-20
 * s a start, and 9-11 s once the containers weighed as eight processes (docs/flakes.md). So a run's
 * containers go into a cgroup of the suite's own, `/ewc`, weighted as eight host processes (about
 * what the harness runs beside them): the proxies under test get the CPU their deadlines assume.
 *
 * Only where it means that: cgroup v1, the cgroupfs driver, an engine on this host (its cgroups are
 * ours to write) and root. Elsewhere (cgroup v2, where containers and the harness are separate
 * slices; the systemd driver; a remote engine) containers keep Docker's own cgroups, and setup says why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { getContainerRuntimeClient } from 'testcontainers';
import { settings } from '../runner/settings';
import { isRoot } from './host';

export const CGROUP_PARENT = '/ewc';
/** Eight nice-0 processes' weight (1024 each). */
export const CONTAINER_CPU_SHARES = 8 * 1024;
const CPU_CGROUP_ROOT = '/sys/fs/cgroup/cpu';

/** What the engine says about its cgroups (docker info) and where it runs. */
export interface EngineCgroups {
  cgroupVersion: string | undefined;
  cgroupDriver: string | undefined;
  /** The engine answers on a unix socket of this host (its cgroups are this host's). */
  local: boolean;
  root: boolean;
}

export type CgroupPlan = { parent: string; shares: number } | { parent: undefined; reason: string };

/** Whether the run's containers get a cgroup of their own, and why not when they do not (pure). */
export function cgroupPlan(e: EngineCgroups): CgroupPlan {
  if (e.cgroupVersion !== '1') return { parent: undefined, reason: `cgroup v${e.cgroupVersion ?? '?'}: containers and host processes are weighed by their own slices` };
  if (e.cgroupDriver !== 'cgroupfs') return { parent: undefined, reason: `the engine's cgroup driver is ${e.cgroupDriver ?? 'unknown'}, not cgroupfs` };
  if (!e.local) return { parent: undefined, reason: 'the engine is not on this host: its cgroups are not ours to weigh' };
  if (!e.root) return { parent: undefined, reason: 'not root: the cgroup hierarchy cannot be written' };
  return { parent: CGROUP_PARENT, shares: CONTAINER_CPU_SHARES };
}

/** What the engine at `endpoint` (unix:// or tcp://) says about its cgroups. */
export async function engineCgroups(endpoint: string): Promise<EngineCgroups> {
  const info = (await (await getContainerRuntimeClient()).container.dockerode.info()) as { CgroupVersion?: string; CgroupDriver?: string };
  const socket = endpoint.startsWith('unix://') ? endpoint.slice('unix://'.length) : undefined;
  return { cgroupVersion: info.CgroupVersion, cgroupDriver: info.CgroupDriver, local: socket !== undefined && fs.existsSync(socket), root: isRoot() };
}

/** The cpu.shares file of the run's cgroup parent. */
export const sharesFile = (parent = CGROUP_PARENT): string => path.join(CPU_CGROUP_ROOT, parent, 'cpu.shares');

/**
 * Makes the parent cgroup with its weight (before any container of the run is created in it: Docker
 * would make it with the default weight) and tells the run's processes to use it. Returns what
 * setup prints.
 */
export function weighContainers(e: EngineCgroups): string {
  const plan = cgroupPlan(e);
  if (plan.parent === undefined) {
    settings.cgroupParent = '';
    return `containers in Docker's own cgroups (${plan.reason})`;
  }
  try {
    fs.mkdirSync(path.dirname(sharesFile(plan.parent)), { recursive: true });
    fs.writeFileSync(sharesFile(plan.parent), String(plan.shares));
  } catch (err) {
    settings.cgroupParent = '';
    return `containers in Docker's own cgroups (${sharesFile(plan.parent)} could not be written: ${(err as Error).message})`;
  }
  settings.cgroupParent = plan.parent;
  return `containers in cgroup ${plan.parent}, cpu.shares ${plan.shares} (Docker's own /docker weighs as one host process)`;
}
