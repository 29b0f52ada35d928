/**
 * The frame of a benchmark that starts containers: the engine, a run id and network of its own, and
 * everything removed at the end, after a failure and on Ctrl-C (exit 130) alike.
 */
import type { StartedNetwork } from 'testcontainers';
import { ensureEngine } from '../engine/docker-engine';
import { startRunNetwork } from '../engine/network';
import { ensureRunId } from '../engine/ownership';
import { sweep } from '../engine/sweep';
import { configureTestcontainers } from '../engine/testcontainers-env';
import { settings } from '../runner/settings';

export async function withBenchRun(name: string, body: (network: StartedNetwork) => Promise<number>): Promise<never> {
  configureTestcontainers();
  let network: StartedNetwork | undefined;
  let runId: string | undefined;
  const cleanUp = async (): Promise<void> => {
    await network?.stop().catch(() => undefined);
    if (runId) await sweep(runId).catch(() => undefined);
  };
  // Ctrl-C reaches this process twice (from the terminal and relayed by tsx): the second one must
  // not end it in the middle of its clean-up, so every signal is handled and only the first acts.
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) return;
    interrupted = true;
    console.error(`[${name}] interrupted: removing this run's containers`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let code = 1;
  try {
    await ensureEngine();
    runId = ensureRunId();
    network = await startRunNetwork();
    code = await body(network);
  } catch (e) {
    console.error(`[${name}] ${(e as Error).message}`);
    if (settings.debug) console.error((e as Error).stack);
  } finally {
    await cleanUp();
  }
  process.exit(code);
}
