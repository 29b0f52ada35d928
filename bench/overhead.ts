/**
 * `npm run bench:overhead [-- --versions <ids>] [--duration <s>] [--connections <n>] [--filters <ids>] [--smoke]`
 *
 * What the filter costs each request, beside what Envoy costs without it: per Envoy version, one
 * Envoy (--concurrency 1, the wasm logger at info as in production) with a listener per setup of
 * overhead-setups.ts, bounded wrk load (fixed duration and connections, stops by itself) on the
 * Envoy's address on the run's network, one listener at a time, the upstream another Envoy in its
 * own container. Prints p50, p99, req/s and the proxy's CPU per request for each setup, the ratios,
 * resident memory of an Envoy with each setup alone at --concurrency 1 and 4, and the header service's
 * callouts per tick period during the load (must stay one). Exit 1 when a measurement is not valid
 * (any failed request: the upstream refuses requests without the injected set) or the callout rate
 * is broken. Not a timed test: figures depend on the machine; only the ratios travel.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StartedNetwork } from 'testcontainers';
import { loadEntries, selectEntries } from '../envoy-versions';
import { resolveProxy, type ResolvedProxy } from '../engine/images';
import { probesDir, reportsDir } from '../engine/paths';
import { pollUntil } from '../engine/poll';
import { timing } from '../proxy/plugin-config';
import { implementationById, variantWasmPath } from '../implementations';
import { buildProbes } from '../abi/probes';
import { ensurePeerImage } from '../peer/image';
import { PeerContainer } from '../peer/peer-container';
import { SERVICE_PORT } from '../peer/protocol';
import type { HeaderServiceClient } from '../peer/client';
import { EnvoyContainer, type StartedEnvoyContainer } from '../proxy/envoy-container';
import { LISTENER_PORT, type ListenerOptions } from '../proxy/bootstrap';
import { HEADER_SERVICE_ALIAS, launchEnvoy, UPSTREAM_ALIAS } from '../proxy/launch';
import { pluginConfig } from '../proxy/plugin-config';
import { commandArgs, implementationNamed, usageError } from '../runner/cli';
import { buildVariants } from '../runner/filter-build';
import { withBenchRun } from './bench-run';
import { ensureWrk, type LoadResult, runLoad } from './load-generator';
import { BENCH_HEADERS, type BenchSetup, benchSetups, INJECTED_PATH, upstreamBootstrap } from './overhead-setups';
import { cpuMs, hostPid, residentKiB } from './process-stats';

type Runnable = Extract<ResolvedProxy, { available: true }>;

const USAGE = 'npm run bench:overhead -- [--versions <id,...>] [--duration <s>] [--connections <n>] [--filters <id,...>] [--smoke]';
const usage = (why: string): never => usageError('bench:overhead', USAGE, why);
const { values: args } = commandArgs('bench:overhead', USAGE, process.argv.slice(2), {
  versions: { type: 'string' },
  duration: { type: 'string' },
  connections: { type: 'string' },
  filters: { type: 'string' },
  smoke: { type: 'boolean' },
});
const smoke = args.smoke ?? false;
const durationS = Number(args.duration ?? (smoke ? 1 : 12));
const connections = Number(args.connections ?? 16);
const filters = (args.filters ?? 'assemblyscript,rust').split(',').filter(Boolean);
if (!Number.isInteger(durationS) || durationS < 1 || durationS > 60) usage(`--duration must be 1..60 seconds, got ${args.duration}`);
if (!Number.isInteger(connections) || connections < 1 || connections > 256) usage(`--connections must be 1..256, got ${args.connections}`);
for (const f of filters) implementationNamed(f, usage);
/** Load that makes every worker create its stream contexts before memory is read. */
const TOUCH_S = 1;
const MEMORY_CONCURRENCY = 4;
/**
 * Each setup's time is split into rounds run in alternating order (A..E, E..A, ...): drift of the
 * machine over the run falls on every setup alike, and the rounds give paired differences.
 */
const ROUNDS = smoke ? 1 : 4;
const ROUND_S = Math.max(1, Math.round(durationS / ROUNDS));
/**
 * On this 2-core machine the proxy under test gets CPU 1 to itself; wrk and the upstream share CPU 0.
 * Its throughput is then bounded by its own per-request work, which is what is compared.
 */
const PROXY_CPUS = '1';
const LOAD_CPUS = '0';

interface Row {
  setup: BenchSetup;
  load: LoadResult;
  /** The proxy's own CPU time per request (all its threads), in µs: its cost wherever the bottleneck was. */
  cpuUsPerRequest: number;
  /** Median over the rounds of (this setup's CPU per request - no-filter's in the same round), µs. */
  addedUs: number;
  rssKiB?: number;
  rss4KiB?: number;
  /** Callouts during the load windows per tick period (filter setups). */
  calloutsPerPeriod?: number;
  callouts?: number;
  expectedCallouts?: number;
}

const log = (m: string): void => console.log(`[bench:overhead] ${m}`);

/** The module each wasm setup loads. */
function modulePath(setup: BenchSetup): string | undefined {
  if (setup.module === 'noop') return path.join(probesDir, 'abi-0-2-0.wasm');
  if (setup.module === 'filter') return variantWasmPath(implementationById(setup.implementation!), 'none');
  return undefined;
}

const servicePathOf = (proxy: Runnable, setup: BenchSetup, tag = ''): string => `/v1/headers?bench=${proxy.entry.id}-${setup.id}${tag}`;

/** The listener of one setup: its own port, name, stats and VM (vm_id: the two filters must not share a cache or lease). */
function listenerOf(proxy: Runnable, setup: BenchSetup, index: number, tag = ''): ListenerOptions {
  return {
    ...setup.launch,
    name: `bench_${index}`,
    port: LISTENER_PORT + index,
    statPrefix: `bench_${index}`,
    vmId: `bench-${setup.id}`,
    codePath: modulePath(setup),
    pluginConfig: setup.launch.pluginConfig ?? pluginConfig({ header_providing_service_path: servicePathOf(proxy, setup, tag) }),
  };
}

async function launch(proxy: Runnable, network: StartedNetwork, listeners: ListenerOptions[], concurrency: number): Promise<StartedEnvoyContainer> {
  return launchEnvoy(proxy, network, variantWasmPath(implementationById('assemblyscript'), 'none'), {
    concurrency,
    cpuSet: PROXY_CPUS,
    wasmLogLevel: 'info',
    listeners,
  });
}

/** Until one request through the setup succeeds (for the filter: the cache is warm, the upstream saw the set). */
async function warm(url: string): Promise<void> {
  await pollUntil(`a 200 from ${url}`, async () => ((await fetch(url).then((r) => r.status).catch(() => 0)) === 200 ? true : undefined), { timeoutMs: 5_000 });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Round {
  load: LoadResult;
  cpuMs: number;
  window: [number, number];
}

/** Requests and time add up over the rounds; p50 and p99 are the rounds' medians (wrk has no histogram to merge). */
function merged(rounds: Round[]): LoadResult {
  const seconds = rounds.reduce((a, r) => a + (r.window[1] - r.window[0]) / 1000, 0);
  const requests = rounds.reduce((a, r) => a + r.load.requests, 0);
  return {
    requests,
    requestsPerSecond: requests / seconds,
    p50Ms: median(rounds.map((r) => r.load.p50Ms)),
    p99Ms: median(rounds.map((r) => r.load.p99Ms)),
    failures: rounds.reduce((a, r) => a + r.load.failures, 0),
    raw: rounds.map((r) => r.load.raw).join('\n'),
  };
}

/**
 * Every setup is a listener of one Envoy: the same process, binary and memory layout, so what
 * differs between two setups is their filter chain alone. Load goes to one listener at a time.
 */
async function measureVersion(proxy: Runnable, network: StartedNetwork, setups: BenchSetup[], hs: HeaderServiceClient): Promise<Row[]> {
  const envoy = await launch(proxy, network, setups.map((s, i) => listenerOf(proxy, s, i)), 1);
  try {
    const ip = envoy.getIpAddress(network.getName());
    const pid = hostPid(envoy.getId());
    const urls = setups.map((s, i) => `http://${ip}:${LISTENER_PORT + i}${s.path}`);
    for (const url of urls) {
      await warm(url);
      // Past V8's tier-up and the first connections, so the rounds measure the steady state.
      if (!smoke) await runLoad({ url, durationS: 1, connections, cpus: LOAD_CPUS });
    }
    const rounds: Round[][] = setups.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      const order = setups.map((_, i) => i);
      for (const i of round % 2 ? order.reverse() : order) {
        const from = Date.now();
        const cpuBefore = cpuMs(pid);
        const load = await runLoad({ url: urls[i], durationS: ROUND_S, connections, cpus: LOAD_CPUS });
        rounds[i].push({ load, cpuMs: cpuMs(pid) - cpuBefore, window: [from, Date.now()] });
      }
    }
    const perRequest = (r: Round): number => (r.cpuMs * 1000) / r.load.requests;
    const none = rounds[setups.findIndex((s) => s.id === 'no-filter')];
    const rows: Row[] = [];
    for (const [i, setup] of setups.entries()) {
      const load = merged(rounds[i]);
      const cpu = rounds[i].reduce((a, r) => a + r.cpuMs, 0);
      const row: Row = {
        setup,
        load,
        cpuUsPerRequest: (cpu * 1000) / load.requests,
        addedUs: median(rounds[i].map((r, k) => perRequest(r) - perRequest(none[k]))),
      };
      if (setup.module === 'filter') {
        const servicePath = servicePathOf(proxy, setup);
        const lastEnd = rounds[i].at(-1)!.window[1];
        // The call log lags the calls by at most one answer: wait until a call past the last window is in.
        await pollUntil('a callout after the load windows', async () => ((await hs.calls()).some((c) => c.path === servicePath && c.at >= lastEnd) ? true : undefined), { timeoutMs: 5_000 });
        const calls = (await hs.calls()).filter((c) => c.path === servicePath);
        row.callouts = rounds[i].reduce((n, { window: [from, until] }) => n + calls.filter((c) => c.at >= from && c.at < until).length, 0);
        const periods = rounds[i].reduce((t, { window: [from, until] }) => t + (until - from), 0) / timing.tickPeriodMs;
        row.expectedCallouts = Math.round(periods);
        row.calloutsPerPeriod = row.callouts / periods;
      }
      rows.push(row);
    }
    return rows;
  } finally {
    await envoy.stop({ timeout: 0 });
  }
}

/** Resident memory of an Envoy with this setup's listener alone, at a concurrency, after load reached every worker. */
async function memoryOf(proxy: Runnable, network: StartedNetwork, setup: BenchSetup, concurrency: number): Promise<number> {
  const envoy = await launch(proxy, network, [listenerOf(proxy, setup, 0, `-c${concurrency}`)], concurrency);
  try {
    const url = `http://${envoy.getIpAddress(network.getName())}:${LISTENER_PORT}${setup.path}`;
    await warm(url);
    await runLoad({ url, durationS: TOUCH_S, connections: Math.max(connections, 2 * concurrency), cpus: LOAD_CPUS });
    return residentKiB(hostPid(envoy.getId()));
  } finally {
    await envoy.stop({ timeout: 0 });
  }
}

const f1 = (n: number): string => n.toFixed(1);
const f2 = (n: number): string => n.toFixed(2);
const mib = (kib: number | undefined): string => (kib === undefined ? '-' : (kib / 1024).toFixed(1));

function printTable(proxy: Runnable, rows: Row[]): string[] {
  const none = rows.find((r) => r.setup.id === 'no-filter')!;
  const noop = rows.find((r) => r.setup.id === 'noop-wasm')!;
  const native = rows.find((r) => r.setup.id === 'native')!;
  const lines = [
    `${proxy.entry.id}: one Envoy, a listener per setup, --concurrency 1 on CPU ${PROXY_CPUS}; wrk -t1 -c${connections} on CPU ${LOAD_CPUS}; ${ROUNDS} x ${ROUND_S} s per setup, alternating; HTTP/1.1 keep-alive; ${Object.keys(BENCH_HEADERS).length} headers`,
    `  ${'setup'.padEnd(22)}${'req/s'.padStart(8)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'CPU µs/req'.padStart(11)}${'added µs'.padStart(10)}${'RSS c1'.padStart(8)}${'RSS c4'.padStart(8)}  callouts/period`,
  ];
  for (const r of rows) {
    const cpp = r.calloutsPerPeriod === undefined ? '-' : `${f2(r.calloutsPerPeriod)} (${r.callouts} calls)`;
    lines.push(
      `  ${r.setup.id.padEnd(22)}${r.load.requestsPerSecond.toFixed(0).padStart(8)}${f2(r.load.p50Ms).padStart(8)}${f2(r.load.p99Ms).padStart(8)}${f1(r.cpuUsPerRequest).padStart(11)}${f1(r.addedUs).padStart(10)}${mib(r.rssKiB).padStart(8)}${mib(r.rss4KiB).padStart(8)}  ${cpp}`,
    );
  }
  for (const r of rows.filter((x) => x.setup.module === 'filter')) {
    // Added cost = the difference from no filter; the goal compares the filter's with the no-op module's.
    const addedRps = (none.load.requestsPerSecond - r.load.requestsPerSecond) / (none.load.requestsPerSecond - noop.load.requestsPerSecond);
    const addedP50 = (r.load.p50Ms - none.load.p50Ms) / (noop.load.p50Ms - none.load.p50Ms);
    const mem = r.rssKiB !== undefined && none.rssKiB !== undefined ? `; memory +${mib(r.rssKiB - none.rssKiB)} MiB at c1` : '';
    const perVm = r.rss4KiB !== undefined && none.rss4KiB !== undefined && r.rssKiB !== undefined && none.rssKiB !== undefined ? (r.rss4KiB - none.rss4KiB - (r.rssKiB - none.rssKiB)) / (MEMORY_CONCURRENCY - 1) : undefined;
    lines.push(
      `  ${r.setup.id}: req/s ${f2(r.load.requestsPerSecond / none.load.requestsPerSecond)}x no-filter, ${f2(r.load.requestsPerSecond / native.load.requestsPerSecond)}x native; ` +
        `added cost ${f2(r.addedUs / noop.addedUs)}x the no-op module's in CPU per request (${f1(r.addedUs)} vs ${f1(noop.addedUs)} µs), ${f2(addedRps)}x in req/s, ${f2(addedP50)}x in p50 (goal <= 1.5x)` +
        `${mem}${perVm === undefined ? '' : `, ${mib(perVm)} MiB per added worker VM`}`,
    );
  }
  for (const l of lines) console.log(l);
  return lines;
}

void withBenchRun('bench:overhead', async (network) => {
  ensureWrk(log);
  const entries = selectEntries(loadEntries(), args.versions);
  const resolved: Runnable[] = [];
  for (const entry of entries.filter((e) => e.kind === 'envoy')) {
    const r = await resolveProxy(entry, () => undefined);
    if (r.available && r.wasmRuntimes.includes('envoy.wasm.runtime.v8')) resolved.push(r);
    else log(`${entry.id}: skipped, cannot run the filter here (${r.available ? 'no V8 in this build' : r.reason})`);
  }
  const proxies = smoke && !args.versions ? resolved.slice(-1) : resolved;
  if (!proxies.length) throw new Error('no runnable Envoy with V8 among the selected versions: nothing was measured');
  for (const f of filters) buildVariants(implementationById(f), ['none']);
  await buildProbes(probesDir);
  const image = await ensurePeerImage();
  const peer = await new PeerContainer(image, 'header-service').onNetwork(network, HEADER_SERVICE_ALIAS).start();
  const hs = peer.headerService();
  await hs.setHeaders({ ...BENCH_HEADERS });
  // The upstream answers from the newest version for every column: only the proxy under test changes.
  const upProxy = proxies.at(-1)!;
  const upstream = await new EnvoyContainer(upProxy.image, upProxy.entry).withCpuSet(LOAD_CPUS).withNetwork(network).withNetworkAliases(UPSTREAM_ALIAS).withBootstrap(upstreamBootstrap()).withListener([]).start();
  log(`upstream: ${upProxy.entry.id} direct_response on :${SERVICE_PORT} in its own container; ${INJECTED_PATH} answers 412 without the exact set`);
  const setups = benchSetups(filters);
  const out: Array<{ proxy: string; rows: Row[] }> = [];
  const text: string[] = [];
  let broken = 0;
  try {
    for (const proxy of proxies) {
      const rows = await measureVersion(proxy, network, setups, hs);
      for (const r of rows.filter((x) => x.setup.id === 'no-filter' || x.setup.module)) {
        r.rssKiB = await memoryOf(proxy, network, r.setup, 1);
        r.rss4KiB = await memoryOf(proxy, network, r.setup, MEMORY_CONCURRENCY);
      }
      text.push(...printTable(proxy, rows));
      for (const r of rows) {
        if (r.load.failures) {
          broken++;
          log(`${proxy.entry.id} ${r.setup.id}: NOT VALID, ${r.load.failures} of ${r.load.requests} requests failed (non-2xx or socket errors)`);
        }
        // One callout per period, never one per worker or per request: at most one more per window than
        // its periods (a window's edges can catch one more or one less). Fewer is allowed down to 90%:
        // under load each tick lands a little late.
        if (r.callouts !== undefined && (r.callouts > r.expectedCallouts! + ROUNDS || r.callouts < 0.9 * r.expectedCallouts! - ROUNDS)) {
          broken++;
          log(`${proxy.entry.id} ${r.setup.id}: ${r.callouts} callouts during the load, expected one per ${timing.tickPeriodMs} ms tick (${r.expectedCallouts})`);
        }
      }
      out.push({ proxy: proxy.entry.id, rows });
    }
  } finally {
    await Promise.all([upstream.stop({ timeout: 0 }), peer.stop({ timeout: 0 })]);
  }
  const file = path.join(reportsDir, 'bench', smoke ? 'overhead-smoke.json' : 'overhead.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const json = out.map((o) => ({ proxy: o.proxy, rows: o.rows.map(({ setup, load: { raw: _, ...load }, ...r }) => ({ setup: setup.id, what: setup.what, ...load, ...r })) }));
  fs.writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), durationS, connections, tickPeriodMs: timing.tickPeriodMs, results: json }, null, 2)}\n`);
  log(`${out.length} versions x ${setups.length} setups measured; ${broken ? `${broken} NOT VALID` : 'all valid'}; written to ${path.relative(process.cwd(), file)}`);
  return broken ? 1 : 0;
});
