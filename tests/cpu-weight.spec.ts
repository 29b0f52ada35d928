/**
 * The run's CPU weight (engine/cpu-weight.ts): which engines it applies to, and, where it does, that a
 * container the run starts sits in a cgroup of its own at the root, weighed as one process. Runs in
 * the selftest project.
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { getContainerRuntimeClient } from 'testcontainers';
import { settings } from '../runner/settings';
import { ensurePeerImage } from '../peer/image';
import { PeerContainer } from '../peer/peer-container';
import { startRunNetwork } from '../engine/network';
import { cgroupPlan, engineCgroups } from '../engine/cpu-weight';
import '../engine/testcontainers-env';

const v1 = { cgroupVersion: '1', cgroupDriver: 'cgroupfs' };

test('a cgroup per container only under cgroup v1 with the cgroupfs driver; otherwise the reason', () => {
  expect(cgroupPlan(v1)).toEqual({ parent: '/' });
  expect(cgroupPlan({ ...v1, cgroupVersion: '2' })).toEqual({ parent: undefined, reason: 'cgroup v2: containers and host processes are weighed by their own slices' });
  expect(cgroupPlan({ ...v1, cgroupVersion: undefined })).toEqual({ parent: undefined, reason: 'cgroup v?: containers and host processes are weighed by their own slices' });
  expect(cgroupPlan({ ...v1, cgroupDriver: 'systemd' })).toEqual({ parent: undefined, reason: "the engine's cgroup driver is systemd, not cgroupfs" });
  expect(cgroupPlan({ ...v1, cgroupDriver: 'none' })).toEqual({ parent: undefined, reason: "the engine's cgroup driver is none, not cgroupfs" });
});

test('where the plan applies, a container the run starts is in /<its id>, weighed as one process (cpu.shares 1024), not in /docker', async () => {
  const plan = cgroupPlan(await engineCgroups());
  test.skip(plan.parent === undefined, `this engine keeps Docker's cgroups: ${plan.parent === undefined ? plan.reason : ''}`);
  // The run's global setup chose it for every process of the run.
  expect(settings.cgroupParent).toBe('/');
  const network = await startRunNetwork();
  try {
    const peer = await new PeerContainer(await ensurePeerImage(), 'upstream').onNetwork(network, 'upstream').start();
    try {
      const { State, HostConfig } = await (await getContainerRuntimeClient()).container.dockerode.getContainer(peer.getId()).inspect();
      expect(HostConfig.CgroupParent).toBe('/');
      const cpu = fs.readFileSync(`/proc/${State.Pid}/cgroup`, 'utf8').split('\n').find((l) => /^\d+:([^:]*,)?cpu(,[^:]*)?:/.test(l));
      expect(cpu?.split(':')[2]).toBe(`/${peer.getId()}`);
      expect(fs.readFileSync(`/sys/fs/cgroup/cpu/${peer.getId()}/cpu.shares`, 'utf8').trim()).toBe('1024');
    } finally {
      await peer.stop({ timeout: 0 });
    }
  } finally {
    await network.stop();
  }
});
