/**
 * The Envoy under a case is killed (SIGKILL: as PID 1 of its container it ignores the signals it
 * handles itself, e.g. SIGABRT, unless one brings it down from inside): the case must
 * fail with the exit code and the log tail, and the next case must get a fresh, working Envoy.
 * Run by tests/runs.spec.ts through lifecycle.config.ts; never part of the matrix.
 */
import fs from 'node:fs';
import { getContainerRuntimeClient } from 'testcontainers';
import { echoThrough, expect, test } from '../../fixtures';

const ids = (): string => process.env.EWC_SAMPLE_IDS_FILE!;

test.describe.configure({ mode: 'default' });

test('the Envoy under this case is killed', async ({ envoy, proxyRequest }) => {
  fs.appendFileSync(ids(), `${envoy.getId()}\n`);
  expect((await echoThrough(proxyRequest, '/before-the-crash')).path).toBe('/before-the-crash');
  // A line that is now among Envoy's last: the tail in the failure must show it.
  await envoy.logBarrier();
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  await docker.getContainer(envoy.getId()).kill({ signal: 'SIGKILL' });
  // The case itself ends well once Envoy is gone: only the fixture can fail it.
  await expect.poll(async () => (await envoy.exited()) !== undefined, { timeout: 10_000 }).toBe(true);
});

test('the next case gets a fresh Envoy that works', async ({ envoy, proxyRequest }) => {
  fs.appendFileSync(ids(), `${envoy.getId()}\n`);
  expect((await echoThrough(proxyRequest, '/after-the-crash')).path).toBe('/after-the-crash');
});
