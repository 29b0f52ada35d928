/**
 * Loads every `envoy-versions/<kind>-<version>.ts` entry (adding a version is adding one file),
 * validates it, and selects entries by id.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type ProxyEntry, InvalidEntryError, validateEntry } from './schema';

export type { ProxyEntry } from './schema';

const ENTRY_FILE = /^(envoy|istio)-\d+\.\d+\.\d+\.ts$/;

export function loadEntries(dir: string = __dirname): ProxyEntry[] {
  const files = fs.readdirSync(dir).filter((f) => ENTRY_FILE.test(f));
  const entries = files.map((f) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, f)) as { default?: unknown };
    return validateEntry(mod.default, f);
  });
  const cmp = (a: ProxyEntry, b: ProxyEntry): number =>
    a.kind.localeCompare(b.kind) || a.version.localeCompare(b.version, undefined, { numeric: true });
  return entries.sort(cmp);
}

/** Entries named by a comma-separated id list (EWC_VERSIONS); an unknown id is an error listing the known ones. */
export function selectEntries(all: ProxyEntry[], ids: string | undefined): ProxyEntry[] {
  if (!ids) return all;
  const wanted = ids.split(',').map((s) => s.trim()).filter(Boolean);
  const known = new Map(all.map((e) => [e.id, e]));
  const unknown = wanted.filter((id) => !known.has(id));
  if (unknown.length) throw new InvalidEntryError(`unknown version id(s): ${unknown.join(', ')}. Known ids: ${[...known.keys()].join(', ')}`);
  return wanted.map((id) => known.get(id)!);
}

/**
 * For each selected istio entry, a project running the upstream Envoy it bundles (latest patch of
 * that minor among all entries) with Istio's wiring: `<istio id>-wiring`.
 */
export function istioWiringProjects(selected: ProxyEntry[], all: ProxyEntry[]): Array<{ name: string; entry: ProxyEntry }> {
  const out: Array<{ name: string; entry: ProxyEntry }> = [];
  for (const istio of selected.filter((e) => e.kind === 'istio')) {
    const minor = istio.envoyVersion.split('.').slice(0, 2).join('.');
    const candidates = all.filter((e) => e.kind === 'envoy' && e.version.startsWith(`${minor}.`) && !e.wheelLacksV8);
    const newest = candidates.sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }))[0];
    if (newest) out.push({ name: `${istio.id}-wiring`, entry: newest });
  }
  return out;
}
