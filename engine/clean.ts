/**
 * What `npm run clean` removes: leftovers of dead runs (the sweep), the images this project built
 * for this cache (FROM-scratch Envoys and the peer), and the cache itself (wheels, extracted
 * binaries, image facts, locks, repro records). Refuses while a live run of this cache owns
 * resources: removing its images or locks under it would break it. The filter's build outputs are
 * in the work tree and stay (`git clean -fdX` removes them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { getContainerRuntimeClient } from 'testcontainers';
import { LABEL_IMAGE, LABEL_CACHE, LABEL_RUN_ID, ownerFromLabels } from './ownership';
import { cacheDir, defaultCacheDir } from './paths';
import { keptRunIds } from './kept-runs';
import { liveness } from './processes';
import { sweep, type SweepResult } from './sweep';


export interface CleanPlan {
  images: Array<{ ref: string; id: string; bytes: number }>;
  dirs: Array<{ path: string; bytes: number }>;
  liveRuns: string[];
}

export function duBytes(p: string): number {
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((n, name) => n + duBytes(path.join(p, name)), 0);
}

/** The engine's dockerd state (pid, log) stays: `--engine` stops that engine first. */
const keepInCache = new Set(['dockerd']);

export async function planClean(opts: { engine: boolean }): Promise<CleanPlan> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const filters = JSON.stringify({ label: [LABEL_RUN_ID] });
  const owned = [...(await docker.listContainers({ all: true, filters })), ...(await docker.listNetworks({ filters }))];
  // Resources from before the cache label belong to the default cache.
  const ofThisCache = (labels: Record<string, string> | undefined): boolean => (labels?.[LABEL_CACHE] ?? defaultCacheDir) === cacheDir;
  const liveRuns = [...new Set(owned.filter((r) => ofThisCache(r.Labels) && liveness(ownerFromLabels(r.Labels)) !== 'gone').map((r) => r.Labels?.[LABEL_RUN_ID] ?? '?'))];

  const images = (await docker.listImages({ filters: JSON.stringify({ label: [LABEL_IMAGE] }) }))
    .filter((i) => ofThisCache(i.Labels))
    .map((i) => ({ ref: i.RepoTags?.find((t) => t !== '<none>:<none>') ?? i.Id, id: i.Id, bytes: i.Size }));

  const dirs: CleanPlan['dirs'] = [];
  if (fs.existsSync(cacheDir)) {
    for (const name of fs.readdirSync(cacheDir)) if (opts.engine || !keepInCache.has(name)) dirs.push({ path: path.join(cacheDir, name), bytes: duBytes(path.join(cacheDir, name)) });
  }
  return { images, dirs, liveRuns };
}

export async function executeClean(plan: CleanPlan): Promise<{ freedBytes: number; leftovers: SweepResult }> {
  const leftovers = await sweep();
  // Runs kept for `npm run repro` are leftovers too once their records go with the cache.
  for (const runId of keptRunIds()) {
    const r = await sweep(runId);
    leftovers.containers += r.containers;
    leftovers.networks += r.networks;
    leftovers.scratchDirs += r.scratchDirs;
  }
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  let freedBytes = 0;
  for (const image of plan.images) {
    await docker.getImage(image.id).remove({ force: true });
    freedBytes += image.bytes;
  }
  for (const dir of plan.dirs) {
    fs.rmSync(dir.path, { recursive: true, force: true });
    freedBytes += dir.bytes;
  }
  return { freedBytes, leftovers };
}

export const humanBytes = (n: number): string =>
  n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`;
