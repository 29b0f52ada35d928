/** Removes anything this run still has (containers, networks), found by its run-id label. */
import { sweep } from '../fixtures/sweep';

export default async function globalTeardown(): Promise<void> {
  const left = await sweep(process.env.EWC_RUN_ID);
  if (left.containers || left.networks) console.log(`[teardown] removed ${left.containers} containers, ${left.networks} networks left by workers`);
}
