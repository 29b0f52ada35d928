/** `npm run cleanup [-- --engine]`: remove leftovers by label; optionally stop a dockerd we started. */
import { stopStartedEngine } from '../engine/docker-engine';
import { sweep } from '../engine/sweep';
import { configureTestcontainers } from '../engine/testcontainers-env';

configureTestcontainers();

(async () => {
  const r = await sweep();
  console.log(`[cleanup] removed ${r.containers} containers and ${r.networks} networks of runs whose runner is gone`);
  if (process.argv.includes('--engine')) console.log(stopStartedEngine() ? '[cleanup] stopped the dockerd setup started' : '[cleanup] no dockerd started by setup is running');
})().catch((e: Error) => {
  console.error(`[cleanup] ${e.message}`);
  process.exit(1);
});
