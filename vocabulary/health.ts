/** After a fault: Envoy still serves and no wasm VM failed. */
import { expect } from '@playwright/test';
import type { StartedEnvoyContainer } from '../proxy/envoy-container';

/** What Envoy logs when a VM traps or fails (proxy-wasm host, every version in the matrix). */
const VM_FAILURE = /Function: \w+ failed|Uncaught \w*Error|Wasm VM failed|wasm: panic|Plugin .* failed to load/;

/**
 * Admin /ready says LIVE, and from `since` up to a line written now no line says a VM failed.
 * (Whether the filter injects again is the case's own last step: it knows the set it expects.)
 */
export async function expectHealthy(envoy: StartedEnvoyContainer, since: number): Promise<void> {
  expect(await envoy.ready(), 'admin /ready').toBe('LIVE');
  const failures = envoy.logBetween(since, await envoy.logBarrier()).filter((l) => VM_FAILURE.test(l));
  expect(failures, 'wasm VM failures in the log').toEqual([]);
}
