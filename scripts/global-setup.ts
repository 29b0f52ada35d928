/**
 * Playwright's global setup: prepareRun(), then every project's proxy entry resolved once, here,
 * for all workers (engine/resolved-proxies.ts): a worker neither locks nor asks the engine again.
 */
import type { FullConfig } from '@playwright/test';
import type { ProxyEntry } from '../envoy-versions';
import { resolveProxy } from '../engine/images';
import { shareResolutions } from '../engine/resolved-proxies';
import { prepareRun } from '../runner/prepare';

export default async function globalSetup(config: FullConfig): Promise<void> {
  await prepareRun();
  const entries = new Map<string, ProxyEntry>();
  for (const p of config.projects) {
    const entry = (p.use as { proxyEntry?: ProxyEntry }).proxyEntry;
    if (entry) entries.set(entry.id, entry);
  }
  const resolved = [];
  for (const entry of entries.values()) resolved.push(await resolveProxy(entry));
  shareResolutions(resolved);
}
