/**
 * Proxy resolutions made once per run instead of once per Playwright worker: the run's global setup
 * resolves every project's entry (engine/images.ts) and hands the results to the workers it forks
 * (EWC_RESOLVED_PROXIES, stamped with the run id so a nested run resolves its own). A worker then
 * takes no lock and asks the engine nothing before its first case, and a column that cannot run
 * here skips its cases without touching Docker.
 *
 * The last resolution is also kept on disk, as a hint only: playwright.config.ts runs a column that
 * was not runnable at the last setup with one worker (its cases only skip). Whether a case runs is
 * always decided by this run's own resolution.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ProxyEntry } from '../envoy-versions';
import type { ResolvedProxy } from './images';
import { settings } from '../runner/settings';

const hintFile = (): string => path.join(settings.cacheDir, 'last-resolution.json');

/** Gives this run's workers the resolutions, and keeps which entries were runnable as the next config's hint. */
export function shareResolutions(list: ResolvedProxy[]): void {
  settings.resolvedProxies = JSON.stringify({ runId: settings.runId, proxies: list });
  try {
    const prior = lastRunnable();
    fs.mkdirSync(path.dirname(hintFile()), { recursive: true });
    fs.writeFileSync(hintFile(), JSON.stringify({ ...prior, ...Object.fromEntries(list.map((r) => [r.entry.id, r.available])) }, null, 2));
  } catch {
    // A hint that cannot be written costs speed only.
  }
}

/** The resolution this run's global setup made for `entry`, if it made one. */
export function sharedResolution(entry: ProxyEntry): ResolvedProxy | undefined {
  const text = settings.resolvedProxies;
  if (!text) return undefined;
  const shared = JSON.parse(text) as { runId?: string; proxies: ResolvedProxy[] };
  if (!settings.runId || shared.runId !== settings.runId) return undefined;
  const found = shared.proxies.find((p) => p.entry.id === entry.id);
  return found && { ...found, entry };
}

/** Entry id -> runnable at the last resolution on this machine (empty before the first). */
export function lastRunnable(): Record<string, boolean> {
  try {
    return JSON.parse(fs.readFileSync(hintFile(), 'utf8')) as Record<string, boolean>;
  } catch {
    return {};
  }
}
