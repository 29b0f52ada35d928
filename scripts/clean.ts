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

configureTestcontainers();

const KNOWN = new Set(['--dry-run', '--leftovers-only', '--engine']);

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !KNOWN.has(a));
  if (unknown.length) {
    console.error(`[clean] unknown option(s): ${unknown.join(' ')}. Options: ${[...KNOWN].join(' ')}`);
    return 2;
  }
  await ensureEngine({ log: () => undefined });
  const engine = args.includes('--engine');
  if (args.includes('--leftovers-only')) {
    const r = await sweep();
    console.log(`[clean] removed leftovers of dead runs: ${r.containers} containers, ${r.networks} networks, ${r.scratchDirs} scratch dirs`);
  } else {
    const plan = await planClean({ engine });
    const dryRun = args.includes('--dry-run');
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
    process.exit(1);
  },
);
