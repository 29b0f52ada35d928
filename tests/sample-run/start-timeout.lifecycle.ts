/**
 * A case whose time runs out while an Envoy of its own is still starting (as a start slowed by a
 * busy machine does): the case fails on its timeout alone, and that Envoy is stopped by the case's
 * own teardown once its start ends, so the worker's network is removed cleanly and the run's sweep
 * finds nothing. Run by tests/runs.spec.ts through lifecycle.config.ts; never part of the matrix.
 */
import fs from 'node:fs';
import { getContainerRuntimeClient } from 'testcontainers';
import { LABEL_RUN_ID, ensureRunId } from '../../engine/ownership';
import { expect, test } from '../../fixtures';

test('the case times out while an Envoy of its own is starting', async ({ startEnvoy, envoy }) => {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const filters = JSON.stringify({ label: [`${LABEL_RUN_ID}=${ensureRunId()}`, 'dev.ewc.role=envoy'] });
  const others = async (): Promise<string[]> => (await docker.listContainers({ all: true, filters })).map((c) => c.Id).filter((id) => id !== envoy.getId());
  expect(await others()).toEqual([]);
  let settled = false;
  startEnvoy({}).then(
    () => (settled = true),
    () => (settled = true),
  );
  // The case's own Envoy exists: its start is under way (it is ready hundreds of ms later).
  await expect.poll(others, { timeout: 10_000, intervals: [5] }).toHaveLength(1);
  const [created] = await others();
  fs.appendFileSync(process.env.EWC_SAMPLE_IDS_FILE!, `${created} ${settled ? 'started' : 'starting'}\n`);
  // The case's time runs out now, with that start in flight.
  test.setTimeout(1);
  await new Promise(() => undefined);
});
