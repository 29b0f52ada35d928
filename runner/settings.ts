/**
 * Every setting the project reads from the environment, typed, in one place: the EWC_* variables,
 * and the few others read as settings (CI, DOCKER_HOST, XDG_CACHE_HOME). No other module reads
 * `process.env.EWC_*` (tests/layout.spec.ts lets every room import this file, which imports nothing
 * of the project's).
 *
 * Each value is read when it is used, never cached: a command sets some of them for what it runs in
 * the same process (`settings.filter = …` in npm run mutants, the run id in ensureRunId), children
 * inherit them, and a test may change one around a call. A setting the project itself writes has a
 * setter here; the rest are read-only.
 */
import os from 'node:os';
import path from 'node:path';

/** Repository root (this file lives in runner/); relative reports roots are resolved against it. */
const repoRoot = path.resolve(__dirname, '..');

/** Every EWC_* variable: the names a command may set for the runs it starts (runPlaywright's env). */
export type SettingVariable =
  | 'EWC_VERSIONS'
  | 'EWC_CANDIDATES'
  | 'EWC_CANDIDATES_RESOLVED'
  | 'EWC_ALLOW_PULL'
  | 'EWC_REGISTRY'
  | 'EWC_DELIVERY'
  | 'EWC_FILTER'
  | 'EWC_FILTER_VARIANT'
  | 'EWC_CORPUS'
  | 'EWC_VARIANT_FROM'
  | 'EWC_MUTANT_RUN'
  | 'EWC_BREAKAGE_EXPECT'
  | 'EWC_TIME_SCALE'
  | 'EWC_WORKERS'
  | 'EWC_COLUMN_WORKERS'
  | 'EWC_SELFTESTS'
  | 'EWC_MUTANTS'
  | 'EWC_CACHE_DIR'
  | 'EWC_REPORTS_ROOT'
  | 'EWC_REPORT_DIR'
  | 'EWC_KEEP_ON_FAILURE'
  | 'EWC_RUN_ID'
  | 'EWC_RUN_OWNER_PID'
  | 'EWC_DOCKER_CONTEXT'
  | 'EWC_DOCKER_CONTEXT_ERROR'
  | 'EWC_FLAKE_RUN'
  | 'EWC_FLAKE_RUNS'
  | 'EWC_DEBUG'
  | 'EWC_CONTAINER_ADDRESS'
  | 'EWC_PEER_IMAGE'
  | 'EWC_CGROUP_PARENT'
  | 'EWC_RESOLVED_PROXIES';

/** Variables a command passes to a run it starts, on top of its own environment. */
export type SettingsEnv = Partial<Record<SettingVariable, string>>;

const read = (name: SettingVariable | 'CI' | 'DOCKER_HOST' | 'XDG_CACHE_HOME'): string | undefined => process.env[name];

/**
 * Playwright workers when EWC_WORKERS is unset: the matrix alone, and a run with the selftests (they
 * start nested runs under their own deadlines). Measured: docs/performance.md.
 */
export const DEFAULT_WORKERS = { matrix: 9, withSelftests: 2 };

export const settings = {
  /** EWC_VERSIONS: comma-separated matrix entry ids to run. Default: every entry. */
  get versions(): string | undefined {
    return read('EWC_VERSIONS');
  },
  /** EWC_CANDIDATES: candidate columns, `latest` or releases (`1.39.1,istio-1.32.0`), as given (envoy-versions/releases.ts checks it). Default: none. */
  get candidates(): string | undefined {
    return read('EWC_CANDIDATES')?.trim() || undefined;
  },
  /**
   * EWC_CANDIDATES_RESOLVED: the candidate entries (JSON) EWC_CANDIDATES resolved to, written once by
   * the process that asked the index (the runner, or the command that starts it), inherited by
   * workers and children so none asks again. Default: unset (not resolved yet).
   */
  get candidatesResolved(): string | undefined {
    return read('EWC_CANDIDATES_RESOLVED');
  },
  set candidatesResolved(json: string) {
    process.env.EWC_CANDIDATES_RESOLVED = json;
  },
  /** EWC_ALLOW_PULL=1: official images may be pulled. Default: off. */
  get allowPull(): boolean {
    return read('EWC_ALLOW_PULL') === '1';
  },
  /** EWC_REGISTRY: `host[:port]` of a registry mirror official images are pulled through, as given (engine/images.ts checks it). Default: none. */
  get registry(): string | undefined {
    return read('EWC_REGISTRY');
  },
  /** EWC_DELIVERY: how Envoy gets the module (`local`, `remote`, `ecds`), as given (proxy/delivery.ts checks it). Default: unset (local; ecds on the Istio wiring). */
  get delivery(): string | undefined {
    return read('EWC_DELIVERY');
  },
  /** EWC_FILTER: the filter implementation id, as given (implementations/ checks it). Default: unset (assemblyscript). Set by npm run mutants for its setup. */
  get filter(): string | undefined {
    return read('EWC_FILTER');
  },
  set filter(id: string) {
    process.env.EWC_FILTER = id;
  },
  /** EWC_FILTER_VARIANT: the test-only build of the filter to load. Default: `none` (production). */
  get filterVariant(): string {
    return read('EWC_FILTER_VARIANT') ?? 'none';
  },
  /**
   * EWC_CORPUS: which answers of fuzz/corpus.json the contract-corpus suite runs through real Envoy:
   * `subset` (one per class, the entries flagged everyColumn) or `full` (every entry real Envoy can
   * show). Anything else is an error naming the two. Default: `subset`.
   */
  get corpus(): 'subset' | 'full' {
    const v = read('EWC_CORPUS')?.trim() || 'subset';
    if (v !== 'subset' && v !== 'full') throw new Error(`EWC_CORPUS must be "subset" or "full", got "${v}"`);
    return v;
  },
  /**
   * EWC_VARIANT_FROM=<release>:<variant>: test-only, a regression that appears from a release on:
   * every column of that release or newer loads the filter variant, the older ones the build asked
   * for (how `npm run bisect` is proven end to end: no real filter bug bites only newer releases).
   * Default: unset. A malformed value is an error naming the form.
   */
  get variantFrom(): { release: string; variant: string } | undefined {
    const v = read('EWC_VARIANT_FROM')?.trim();
    if (!v) return undefined;
    const m = /^(\d+\.\d+\.\d+(?:\.post\d+)?):([a-z0-9-]+)$/.exec(v);
    if (!m) throw new Error(`EWC_VARIANT_FROM must be <release>:<variant> (e.g. 1.39.0:no-overwrite), got "${v}"`);
    return { release: m[1], variant: m[2] };
  },

  /** EWC_TIME_SCALE: multiplies every tick period, expiry and deadline; a positive number, else an error. Default: 1. */
  get timeScale(): number {
    const scale = Number(read('EWC_TIME_SCALE') ?? '1');
    if (!(scale > 0)) throw new Error(`EWC_TIME_SCALE must be a positive number, got "${read('EWC_TIME_SCALE')}"`);
    return scale;
  },
  /** EWC_WORKERS: Playwright workers. Default: unset (DEFAULT_WORKERS). */
  get workers(): number | undefined {
    const v = read('EWC_WORKERS');
    return v === undefined ? undefined : Number(v);
  },
  /**
   * EWC_COLUMN_WORKERS: at most this many workers on one column at a time (a column's workers each
   * start a network, two peers and an Envoy: fewer per column, fewer of those). Default: unset
   * (playwright.config.ts decides).
   */
  get columnWorkers(): number | undefined {
    const v = read('EWC_COLUMN_WORKERS');
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`EWC_COLUMN_WORKERS must be a whole number of at least 1, got "${v}"`);
    return n;
  },
  /**
   * EWC_BREAKAGE_EXPECT=<entry>:reproduced|not affected (set by `npm run bisect -- --entry`): that
   * breakage's case asserts this outcome (as measured on a version where it has it) on every column,
   * whatever is recorded for the column's version, so a bisect over releases the catalogue has not
   * measured finds where the breakage starts or stops. Default: unset (the measured data).
   */
  get breakageExpect(): { entry: string; outcome: 'reproduced' | 'not affected' } | undefined {
    const v = read('EWC_BREAKAGE_EXPECT')?.trim();
    if (!v) return undefined;
    const m = /^([a-z0-9-]+):(reproduced|not affected)$/.exec(v);
    if (!m) throw new Error(`EWC_BREAKAGE_EXPECT must be <entry>:reproduced or <entry>:not affected, got "${v}"`);
    return { entry: m[1], outcome: m[2] as 'reproduced' | 'not affected' };
  },
  set breakageExpect(v: { entry: string; outcome: 'reproduced' | 'not affected' } | undefined) {
    if (v) process.env.EWC_BREAKAGE_EXPECT = `${v.entry}:${v.outcome}`;
    else delete process.env.EWC_BREAKAGE_EXPECT;
  },
  /**
   * EWC_MUTANT_RUN (written by npm run mutants for the run it starts): JSON `{ project, variants:
   * [{ name, grep? }] }`. The run has one project per variant, `<project>~<variant>`: the base
   * project with that filter variant, grep'd to the variant's killer cases, all in one run (one
   * setup, workers in parallel) instead of a run per mutant. Default: unset (the matrix).
   */
  get mutantRun(): { project: string; variants: Array<{ name: string; grep?: string }> } | undefined {
    const v = read('EWC_MUTANT_RUN');
    return v ? (JSON.parse(v) as { project: string; variants: Array<{ name: string; grep?: string }> }) : undefined;
  },
  /** EWC_SELFTESTS=0 leaves out the `selftest` project (npm run matrix). Default: included. */
  get selftests(): boolean {
    return read('EWC_SELFTESTS') !== '0';
  },
  /** EWC_MUTANTS=0: npm test stops after the suites (no kill matrix, other implementations, delivery modes, bench smoke). Default: all of it. */
  get mutants(): boolean {
    return read('EWC_MUTANTS') !== '0';
  },
  /** The cache when EWC_CACHE_DIR is unset: `$XDG_CACHE_HOME/envoy-wasm-conformance` (XDG_CACHE_HOME default `~/.cache`). */
  get defaultCacheDir(): string {
    return path.join(read('XDG_CACHE_HOME') ?? path.join(os.homedir(), '.cache'), 'envoy-wasm-conformance');
  },
  /** EWC_CACHE_DIR: wheels, binaries, image facts, the dockerd log, repro state. Default: defaultCacheDir. */
  get cacheDir(): string {
    return read('EWC_CACHE_DIR') ?? this.defaultCacheDir;
  },
  /** EWC_REPORTS_ROOT: where a run writes everything, absolute (a relative value is taken from the repository root). Default: `<repo>/reports`. */
  get reportsRoot(): string {
    return path.resolve(repoRoot, read('EWC_REPORTS_ROOT') ?? 'reports');
  },
  /** EWC_REPORT_DIR: the matrix directory alone, absolute (a relative value is taken from the working directory). Default: `<reportsRoot>/matrix`. */
  get matrixDir(): string {
    const dir = read('EWC_REPORT_DIR');
    return dir === undefined ? path.join(this.reportsRoot, 'matrix') : path.resolve(dir);
  },
  /** EWC_KEEP_ON_FAILURE=1: a failed case's containers stay up (npm run repro sets it). Default: off. */
  get keepOnFailure(): boolean {
    return read('EWC_KEEP_ON_FAILURE') === '1';
  },
  /** EWC_RUN_ID: the run every container and network is labelled with; set by ensureRunId / runPlaywright, inherited by workers. Default: unset. */
  get runId(): string | undefined {
    return read('EWC_RUN_ID');
  },
  set runId(id: string) {
    process.env.EWC_RUN_ID = id;
  },
  /** EWC_RUN_OWNER_PID: the pid of the process that owns the run (set with the run id). Default: unset. */
  get runOwnerPid(): string | undefined {
    return read('EWC_RUN_OWNER_PID');
  },
  set runOwnerPid(pid: string) {
    process.env.EWC_RUN_OWNER_PID = pid;
  },
  /** EWC_DOCKER_CONTEXT: the docker context DOCKER_HOST was taken from (written by engine/docker-context.ts). Default: unset. */
  get dockerContext(): string | undefined {
    return read('EWC_DOCKER_CONTEXT');
  },
  /** EWC_DOCKER_CONTEXT_ERROR: why the named docker context could not be used (written by engine/docker-context.ts). Default: unset. */
  get dockerContextError(): string | undefined {
    return read('EWC_DOCKER_CONTEXT_ERROR');
  },
  /** EWC_FLAKE_RUN: the index (1, 2, …) npm run flake gives each of its runs. Default: unset (0). */
  get flakeRun(): number {
    return Number(read('EWC_FLAKE_RUN') ?? 0);
  },
  /** EWC_FLAKE_RUNS: how many runs npm run flake makes. Default: unset. */
  get flakeRuns(): number | undefined {
    const v = read('EWC_FLAKE_RUNS');
    return v === undefined ? undefined : Number(v);
  },
  /** EWC_DEBUG (any value): a benchmark prints the stack of its error too. Default: off. */
  get debug(): boolean {
    return !!read('EWC_DEBUG');
  },
  /** CI (any value): a `test.only` left in fails the run. Default: off. */
  get ci(): boolean {
    return !!read('CI');
  },
  /**
   * EWC_CONTAINER_ADDRESS: how this machine reaches a container's port (engine/container-address.ts):
   * `direct` (the container's IP on its network) or `published` (a host port Docker publishes).
   * Default: direct with a local engine on Linux (its bridge networks are routed to the host),
   * published elsewhere (an engine in a VM or on another host).
   */
  get containerAddress(): 'direct' | 'published' {
    const v = read('EWC_CONTAINER_ADDRESS');
    if (v === 'direct' || v === 'published') return v;
    if (v) throw new Error(`EWC_CONTAINER_ADDRESS must be direct or published, got "${v}"`);
    const host = read('DOCKER_HOST');
    return process.platform === 'linux' && (!host || host.startsWith('unix://')) ? 'direct' : 'published';
  },
  /**
   * EWC_PEER_IMAGE: the peer image tag the run's setup made sure of (written by runner/prepare.ts),
   * so Playwright's workers, which inherit it, neither load TypeScript to transpile the peer nor ask
   * the engine again. Default: unset (each asks itself).
   */
  get peerImage(): string | undefined {
    return read('EWC_PEER_IMAGE');
  },
  set peerImage(tag: string) {
    process.env.EWC_PEER_IMAGE = tag;
  },
  /**
   * EWC_CGROUP_PARENT: the cgroup the run's containers are created in (engine/cpu-weight.ts; written
   * by runner/prepare.ts, inherited by the workers); empty or unset: Docker's own.
   */
  get cgroupParent(): string | undefined {
    return read('EWC_CGROUP_PARENT') || undefined;
  },
  set cgroupParent(parent: string) {
    process.env.EWC_CGROUP_PARENT = parent;
  },
  /**
   * EWC_RESOLVED_PROXIES: the run's proxy resolutions (JSON `{ runId, proxies }`), written by its
   * global setup (engine/resolved-proxies.ts); its workers take their proxy from it. Default: unset.
   */
  get resolvedProxies(): string | undefined {
    return read('EWC_RESOLVED_PROXIES');
  },
  set resolvedProxies(json: string) {
    process.env.EWC_RESOLVED_PROXIES = json;
  },
  /** DOCKER_HOST: the engine to use, as given or as a docker context set it. Default: unset (discovery). */
  get dockerHost(): string | undefined {
    return read('DOCKER_HOST');
  },
};
