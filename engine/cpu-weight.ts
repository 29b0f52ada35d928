/**
 * The CPU weight of the containers a run starts, against the processes of the harness beside them.
 *
 * Under cgroup v1 with Docker's cgroupfs driver (this machine, CI), every container sits in one
 * cgroup, `/docker`, and the kernel weighs that whole group as one host process (cpu.shares 1024,
 * a nice-0 process's weight): every Envoy and peer of a run together got what one of the harness's
 * processes gets, against nine Playwright workers and dockerd. Measured (docs/flakes.md): six Envoys
 * each compiling the 2.6 MB Go probe while three host processes spun took 18-20 s a start; it was
 * the start CI's `go-poll-oneoff` case timed out in. So each container of a run gets a cgroup of its
 * own at the root (`--cgroup-parent /`): it weighs as one process, as the proxy would running on the
 * host (12-14 s in that measurement). Weighing the containers above the harness was tried and
 * dropped: in one group weighed as eight processes the starts took 9-11 s, but the harness, starved
 * in turn, sampled too late for cases that time the proxy from outside (tick-refresh, cache-expiry:
 * 4 of 1,160 cells failed in one matrix run).
 *
 * Only where it means that: cgroup v1 with the cgroupfs driver. Elsewhere (cgroup v2, where
 * containers and host processes are separate slices; the systemd driver, which takes slices; a
 * rootless engine, which has no cgroups of its own) containers keep Docker's cgroups; setup says why.
 */
import { getContainerRuntimeClient } from 'testcontainers';
import { settings } from '../runner/settings';

/** Docker's cgroupfs driver makes `<parent>/<container id>`: at the root, a cgroup per container. */
export const CGROUP_PARENT = '/';

/** What the engine says about its cgroups (docker info). */
export interface EngineCgroups {
  cgroupVersion: string | undefined;
  cgroupDriver: string | undefined;
}

export type CgroupPlan = { parent: string } | { parent: undefined; reason: string };

/** Whether each container of the run gets a cgroup of its own, and why not when it does not (pure). */
export function cgroupPlan(e: EngineCgroups): CgroupPlan {
  if (e.cgroupVersion !== '1') return { parent: undefined, reason: `cgroup v${e.cgroupVersion ?? '?'}: containers and host processes are weighed by their own slices` };
  if (e.cgroupDriver !== 'cgroupfs') return { parent: undefined, reason: `the engine's cgroup driver is ${e.cgroupDriver ?? 'unknown'}, not cgroupfs` };
  return { parent: CGROUP_PARENT };
}

/** What the engine the run uses says about its cgroups. */
export async function engineCgroups(): Promise<EngineCgroups> {
  const info = (await (await getContainerRuntimeClient()).container.dockerode.info()) as { CgroupVersion?: string; CgroupDriver?: string };
  return { cgroupVersion: info.CgroupVersion, cgroupDriver: info.CgroupDriver };
}

/** Tells the run's processes (workers inherit it) where its containers go; returns what setup prints. */
export function weighContainers(e: EngineCgroups): string {
  const plan = cgroupPlan(e);
  settings.cgroupParent = plan.parent ?? '';
  if (plan.parent === undefined) return `containers in Docker's own cgroups (${plan.reason})`;
  return 'containers each in a cgroup of its own at the root, weighed as one host process each (Docker\'s /docker weighs all of them as one)';
}
