/** Removes anything this run still has (containers, networks), found by its run-id label. */
import { keptRunIds } from '../engine/kept-runs';
import { sweep } from '../engine/sweep';
import { settings } from '../runner/settings';

export default async function globalTeardown(): Promise<void> {
  // A repro run that failed keeps its containers on purpose (npm run repro -- --stop removes them).
  if (keptRunIds().has(settings.runId ?? '')) return;
  const left = await sweep(settings.runId);
  if (left.containers || left.networks) console.log(`[teardown] removed ${left.containers} containers, ${left.networks} networks left by workers`);
}
