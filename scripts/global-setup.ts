/**
 * Runs once before any worker: a reachable engine, leftovers of dead runs removed, the filter built,
 * the peer image present. Proxy images are resolved lazily per project (only selected ones).
 */
import type { FullConfig } from '@playwright/test';
import { ensureEngine } from '../fixtures/engine';
import { ensurePeerImage } from '../fixtures/peer/image';
import { sweep } from '../fixtures/sweep';
import { assertFilterAbi } from '../abi/check';
import { buildProbes } from '../abi/probes';
import { filterWasmPath, probesDir } from '../fixtures/paths';
import { buildFilter } from './filter-build';

export default async function globalSetup(_config: FullConfig): Promise<void> {
  const engine = await ensureEngine();
  console.log(`[setup] docker engine ${engine.serverVersion} at ${engine.endpoint}${engine.startedByUs ? ' (started now)' : ''}`);
  const swept = await sweep();
  if (swept.containers || swept.networks) console.log(`[setup] removed leftovers of dead runs: ${swept.containers} containers, ${swept.networks} networks`);
  buildFilter(process.env.EWC_FILTER_VARIANT ?? 'none');
  // Static ABI check before anything starts: the marker, and every import against what that ABI provides.
  const abi = assertFilterAbi(filterWasmPath);
  console.log(`[setup] filter.wasm: ABI ${abi.abiVersion}, ${abi.imports.length} imports, all provided by the ABI`);
  await buildProbes(probesDir);
  await ensurePeerImage();
}
