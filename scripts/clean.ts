/**
 * `npm run clean [-- --dry-run] [--leftovers-only] [--engine]`: removes the project's caches, built
 * images and leftovers of dead runs, and says how much disk that freed. Refuses while a live run
 * owns resources. `--leftovers-only` sweeps dead runs and keeps caches and images (the old
 * `npm run cleanup`); `--engine` also stops a dockerd that setup started.
 */
import { ensureEngine, stopStartedEngine } from '../engine/docker-engine';
import { executeClean, humanBytes, planClean } from '../engine/clean';
import { sweep } from '../engine/sweep';
import { configureTestcontainers } from '../engine/testcontainers-env';
import { readArgs } from '../runner/cli';

configureTestcontainers();

const OPTIONS = { 'dry-run': { type: 'boolean' }, 'leftovers-only': { type: 'boolean' }, engine: { type: 'boolean' } } as const;

/** Unknown options are refused all at once, without a usage text: exit 2. */
class CleanUsage extends Error {}

async function main(): Promise<number> {
  const { values: args } = readArgs(
    process.argv.slice(2),
    OPTIONS,
    (why) => {
      throw new CleanUsage(why);
    },
    { collectUnknown: true, unknown: (all) => `unknown option(s): ${all.join(' ')}. Options: ${Object.keys(OPTIONS).map((o) => `--${o}`).join(' ')}` },
  );
  await ensureEngine({ log: () => undefined });
  const engine = args.engine ?? false;
  if (args['leftovers-only']) {
    const r = await sweep();
    console.log(`[clean] removed leftovers of dead runs: ${r.containers} containers, ${r.networks} networks, ${r.scratchDirs} scratch dirs`);
  } else {
    const plan = await planClean({ engine });
    const dryRun = args['dry-run'] ?? false;
    // A dry run only looks: it says a live run would stop a real clean, and still lists the plan.
    if (plan.liveRuns.length && dryRun) console.log(`[clean] dry run: run(s) ${plan.liveRuns.join(', ')} are still going; a clean now would refuse`);
    else if (plan.liveRuns.length) {
      console.error(`[clean] run(s) ${plan.liveRuns.join(', ')} are still going (their owner process is alive): nothing removed. Stop them first, or use --leftovers-only.`);
      return 1;
    }
    for (const i of plan.images) console.log(`[clean] image ${i.ref} ${humanBytes(i.bytes)}`);
    for (const d of plan.dirs) console.log(`[clean] dir   ${d.path} ${humanBytes(d.bytes)}`);
    const total = [...plan.images, ...plan.dirs].reduce((n, x) => n + x.bytes, 0);
    if (dryRun) {
      console.log(`[clean] dry run: would free ${humanBytes(total)} (${plan.images.length} images, ${plan.dirs.length} dirs); nothing removed`);
      return 0;
    }
    const { freedBytes, leftovers } = await executeClean(plan);
    console.log(`[clean] removed leftovers of dead runs: ${leftovers.containers} containers, ${leftovers.networks} networks, ${leftovers.scratchDirs} scratch dirs`);
    console.log(`[clean] freed ${humanBytes(freedBytes)} (${plan.images.length} images, ${plan.dirs.length} dirs); the next run rebuilds what it needs`);
  }
  if (engine) console.log(stopStartedEngine() ? '[clean] stopped the dockerd setup started' : '[clean] no dockerd started by setup is running');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`[clean] ${e.message}`);
    process.exit(e instanceof CleanUsage ? 2 : 1);
  },
);
