/**
 * What every run needs before any proxy starts, shared by `npm run setup` and Playwright's global
 * setup: a reachable engine, leftovers of dead runs removed, the filter built and statically checked
 * against its ABI, the ABI probes and the breakage catalogue's probes built, the peer image present.
 */
import { assertFilterAbi } from '../abi/check';
import type { AbiVersion } from '../abi/abi-versions';
import { buildProbes } from '../abi/probes';
import { buildBreakageProbes } from '../breakages/build';
import { ensureEngine } from '../engine/docker-engine';
import { engineCgroups, weighContainers } from '../engine/cpu-weight';
import { probesDir } from '../engine/paths';
import { selectImplementation, variantWasmPath } from '../implementations';
import { selectDelivery } from '../proxy/delivery';
import { ensurePeerImage } from '../peer/image';
import { sweep } from '../engine/sweep';
import { buildFilter, buildVariants } from './filter-build';
import { settings } from './settings';

export async function prepareRun(): Promise<void> {
  // An unknown EWC_FILTER or EWC_DELIVERY is refused before anything starts.
  const impl = selectImplementation(settings.filter);
  selectDelivery(settings.delivery);
  const engine = await ensureEngine();
  console.log(`[setup] docker engine ${engine.serverVersion} at ${engine.endpoint} (via ${engine.via}${engine.startedByUs ? ', started now' : ''})`);
  // Before any container of the run exists: they are all created in the cgroup chosen here.
  console.log(`[setup] ${weighContainers(await engineCgroups())}`);
  const swept = await sweep();
  if (swept.containers || swept.networks) console.log(`[setup] removed leftovers of dead runs: ${swept.containers} containers, ${swept.networks} networks`);
  buildFilter(impl, settings.filterVariant);
  // EWC_VARIANT_FROM (test-only): the columns from that release on load this variant.
  const from = settings.variantFrom;
  if (from) buildVariants(impl, [from.variant]);
  // Static ABI check before anything starts: the implementation's marker, and every import against what that ABI provides.
  const expected = impl.abiMarker.replace('proxy_abi_version_', '').replace(/_/g, '.') as AbiVersion;
  const abi = assertFilterAbi(variantWasmPath(impl, 'none'), { expect: expected });
  console.log(`[setup] ${impl.id} filter.wasm: ABI ${abi.abiVersion}, ${abi.imports.length} imports, all provided by the ABI`);
  await buildProbes(probesDir);
  // The breakage catalogue's probes (Go ones cached by source hash); one the machine cannot build says why, and its cases skip with that.
  for (const p of await buildBreakageProbes()) if (p.skip) console.log(`[setup] breakage probe ${p.name} not built: ${p.skip}`);
  // Workers inherit the tag: checking it once here is enough for the whole run.
  settings.peerImage = await ensurePeerImage();
}
