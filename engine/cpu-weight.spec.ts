/**
 * The run's CPU weight (cpu-weight.ts): which engines it applies to, and, where it does, that a
 * container the run starts sits in the run's cgroup with that weight. Runs in the selftest project.
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { getContainerRuntimeClient } from 'testcontainers';
import { settings } from '../runner/settings';
import { ensurePeerImage } from '../peer/image';
import { PeerContainer } from '../peer/peer-container';
import { startRunNetwork } from './network';
import { CGROUP_PARENT, CONTAINER_CPU_SHARES, cgroupPlan, engineCgroups, sharesFile } from './cpu-weight';
import { ensureEngine } from './docker-engine';
import './testcontainers-env';

const here = { cgroupVersion: '1', cgroupDriver: 'cgroupfs', local: true, root: true };

test('a cgroup of the run\'s own only under cgroup v1, the cgroupfs driver, an engine on this host and root; otherwise the reason', () => {
  expect(cgroupPlan(here)).toEqual({ parent: '/ewc', shares: 8192 });
  expect(cgroupPlan({ ...here, cgroupVersion: '2' })).toEqual({ parent: undefined, reason: 'cgroup v2: containers and host processes are weighed by their own slices' });
  expect(cgroupPlan({ ...here, cgroupVersion: undefined })).toEqual({ parent: undefined, reason: 'cgroup v?: containers and host processes are weighed by their own slices' });
  expect(cgroupPlan({ ...here, cgroupDriver: 'systemd' })).toEqual({ parent: undefined, reason: "the engine's cgroup driver is systemd, not cgroupfs" });
  expect(cgroupPlan({ ...here, local: false })).toEqual({ parent: undefined, reason: 'the engine is not on this host: its cgroups are not ours to weigh' });
  expect(cgroupPlan({ ...here, root: false })).toEqual({ parent: undefined, reason: 'not root: the cgroup hierarchy cannot be written' });
});

test('where the plan applies, a container the run starts is in /ewc/<its id>, and /ewc weighs as eight host processes', async () => {
  const engine = await engineCgroups((await ensureEngine({ log: () => undefined })).endpoint);
  const plan = cgroupPlan(engine);
  test.skip(plan.parent === undefined, `this engine keeps its own cgroups: ${plan.parent === undefined ? plan.reason : ''}`);
  // The run's global setup chose it for every process of the run.
  expect(settings.cgroupParent).toBe(CGROUP_PARENT);
  expect(fs.readFileSync(sharesFile(), 'utf8').trim()).toBe(String(CONTAINER_CPU_SHARES));
  const network = await startRunNetwork();
  try {
    const peer = await new PeerContainer(await ensurePeerImage(), 'upstream').onNetwork(network, 'upstream').start();
    try {
      const docker = (await getContainerRuntimeClient()).container.dockerode;
      const { State, HostConfig } = await docker.getContainer(peer.getId()).inspect();
      expect(HostConfig.CgroupParent).toBe(CGROUP_PARENT);
      const cpu = fs.readFileSync(`/proc/${State.Pid}/cgroup`, 'utf8').split('\n').find((l) => /^\d+:([^:]*,)?cpu(,[^:]*)?:/.test(l));
      expect(cpu?.split(':')[2]).toBe(`${CGROUP_PARENT}/${peer.getId()}`);
    } finally {
      await peer.stop({ timeout: 0 });
    }
  } finally {
    await network.stop();
  }
});
