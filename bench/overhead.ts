/**
 * `npm run bench:overhead [-- --versions <ids>] [--duration <s>] [--connections <n>] [--filters <ids>] [--smoke]`
 *
 * What the filter costs each request, beside what Envoy costs without it: per Envoy version, one
 * Envoy (--concurrency 1, the wasm logger at info as in production) per setup of overhead-setups.ts,
 * bounded wrk load (fixed duration and connections, stops by itself) on the Envoy's address on the
 * run's network, the upstream another Envoy in its own container. Prints p50, p99 and req/s per
 * setup, the ratios, Envoy's resident memory at --concurrency 1 and 4, and the header service's
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
import { timing } from '../engine/timing';
import { implementationById, variantWasmPath } from '../implementations';
import { buildProbes } from '../abi/probes';
import { ensurePeerImage } from '../peer/image';
import { PeerContainer } from '../peer/peer-container';
import { SERVICE_PORT } from '../peer/protocol';
import type { HeaderServiceClient } from '../peer/client';
import { EnvoyContainer, type StartedEnvoyContainer } from '../proxy/envoy-container';
import { LISTENER_PORT } from '../proxy/bootstrap';
import { HEADER_SERVICE_ALIAS, launchEnvoy, UPSTREAM_ALIAS, withDefaults } from '../proxy/launch';
import { buildVariants } from '../scripts/filter-build';
import { arg, usageError } from '../scripts/cli';
import { withBenchRun } from './bench-run';
import { ensureWrk, type LoadResult, runLoad } from './load-generator';
import { BENCH_HEADERS, type BenchSetup, benchSetups, INJECTED_PATH, upstreamBootstrap } from './overhead-setups';
import { cpuMs, hostPid, residentKiB } from './process-stats';

type Runnable = Extract<ResolvedProxy, { available: true }>;

const USAGE = 'npm run bench:overhead -- [--versions <id,...>] [--duration <s>] [--connections <n>] [--filters <id,...>] [--smoke]';
const smoke = process.argv.includes('--smoke');
const durationS = Number(arg('--duration') ?? (smoke ? 1 : 10));
const connections = Number(arg('--connections') ?? 16);
const filters = (arg('--filters') ?? 'assemblyscript,rust').split(',').filter(Boolean);
if (!Number.isInteger(durationS) || durationS < 1 || durationS > 60) usageError('bench:overhead', USAGE, `--duration must be 1..60 seconds, got ${arg('--duration')}`);
if (!Number.isInteger(connections) || connections < 1 || connections > 256) usageError('bench:overhead', USAGE, `--connections must be 1..256, got ${arg('--connections')}`);
for (const f of filters) {
  try {
    implementationById(f);
  } catch (e) {
    usageError('bench:overhead', USAGE, (e as Error).message);
  }
}
/** Load that makes every worker create its stream contexts before memory is read at --concurrency 4. */
const TOUCH_S = 1;
const MEMORY_CONCURRENCY = 4;
/**
 * Each setup's time is split into rounds run in alternating order (A..E, E..A): drift of the machine
 * over the run (another process, CPU clocks) falls on every setup alike instead of on the last ones.
 */
const ROUNDS = smoke ? 1 : 2;
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
  rssKiB: number;
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

async function launch(proxy: Runnable, network: StartedNetwork, setup: BenchSetup, concurrency: number, servicePath: string): Promise<StartedEnvoyContainer> {
  const wasm = modulePath(setup) ?? variantWasmPath(implementationById('assemblyscript'), 'none');
  return launchEnvoy(proxy, network, wasm, {
    concurrency,
    cpuSet: concurrency === 1 ? PROXY_CPUS : undefined,
    wasmLogLevel: 'info',
    wasmPath: wasm,
    ...setup.launch,
    pluginConfig: setup.launch.pluginConfig ?? withDefaults({ header_providing_service_path: servicePath }),
  });
}

/** Until one request through the setup succeeds (for the filter: the cache is warm, the upstream saw the set). */
async function warm(url: string): Promise<void> {
  await pollUntil(`a 200 from ${url}`, async () => ((await fetch(url).then((r) => r.status).catch(() => 0)) === 200 ? true : undefined), { timeoutMs: 5_000 });
}

interface Running {
  setup: BenchSetup;
  envoy: StartedEnvoyContainer;
  url: string;
  servicePath: string;
  pid: number;
  cpuMs: number;
  rounds: LoadResult[];
  windows: Array<[number, number]>;
}

/** Merges the rounds: requests and time add up; p50 and p99 are the rounds' means (wrk reports no histogram to merge). */
function merged(rounds: LoadResult[]): LoadResult {
  const mean = (f: (r: LoadResult) => number): number => rounds.reduce((a, r) => a + f(r), 0) / rounds.length;
  return {
    requests: rounds.reduce((a, r) => a + r.requests, 0),
    requestsPerSecond: mean((r) => r.requestsPerSecond),
    p50Ms: mean((r) => r.p50Ms),
    p99Ms: mean((r) => r.p99Ms),
    failures: rounds.reduce((a, r) => a + r.failures, 0),
    raw: rounds.map((r) => r.raw).join('\n'),
  };
}

async function measureVersion(proxy: Runnable, network: StartedNetwork, setups: BenchSetup[], hs: HeaderServiceClient): Promise<Row[]> {
  const running: Running[] = [];
  try {
    for (const setup of setups) {
      const servicePath = `/v1/headers?bench=${proxy.entry.id}-${setup.id}`;
      const envoy = await launch(proxy, network, setup, 1, servicePath);
      const url = `http://${envoy.getIpAddress(network.getName())}:${LISTENER_PORT}${setup.path}`;
      running.push({ setup, envoy, servicePath, url, pid: hostPid(envoy.getId()), cpuMs: 0, rounds: [], windows: [] });
    }
    for (const r of running) {
      await warm(r.url);
      // Past V8's tier-up and the first connections, so the windows measure the steady state.
      if (!smoke) await runLoad({ url: r.url, durationS: 1, connections, cpus: LOAD_CPUS });
    }
    const roundS = Math.max(1, Math.round(durationS / ROUNDS));
    for (let round = 0; round < ROUNDS; round++) {
      for (const r of round % 2 ? [...running].reverse() : running) {
        const from = Date.now();
        const cpuBefore = cpuMs(r.pid);
        r.rounds.push(await runLoad({ url: r.url, durationS: roundS, connections, cpus: LOAD_CPUS }));
        r.cpuMs += cpuMs(r.pid) - cpuBefore;
        r.windows.push([from, Date.now()]);
      }
    }
    const rows: Row[] = [];
    for (const r of running) {
      const load = merged(r.rounds);
      const row: Row = { setup: r.setup, load, cpuUsPerRequest: (r.cpuMs * 1000) / load.requests, rssKiB: residentKiB(r.pid) };
      if (r.setup.module === 'filter') {
        const lastEnd = r.windows.at(-1)![1];
        // The call log lags the calls by at most one answer: wait until a call past the last window is in.
        await pollUntil('a callout after the load windows', async () => ((await hs.calls()).some((c) => c.path === r.servicePath && c.at >= lastEnd) ? true : undefined), { timeoutMs: 5_000 });
        const calls = (await hs.calls()).filter((c) => c.path === r.servicePath);
        const callouts = r.windows.reduce((n, [from, until]) => n + calls.filter((c) => c.at >= from && c.at < until).length, 0);
        const periods = r.windows.reduce((t, [from, until]) => t + (until - from), 0) / timing.tickPeriodMs;
        row.callouts = callouts;
        row.expectedCallouts = Math.round(periods);
        row.calloutsPerPeriod = callouts / periods;
      }
      rows.push(row);
    }
    return rows;
  } finally {
    await Promise.all(running.map((r) => r.envoy.stop({ timeout: 0 })));
  }
}

async function memoryAt4(proxy: Runnable, network: StartedNetwork, setup: BenchSetup): Promise<number> {
  const envoy = await launch(proxy, network, setup, MEMORY_CONCURRENCY, `/v1/headers?bench=${proxy.entry.id}-${setup.id}-c4`);
  try {
    const url = `http://${envoy.getIpAddress(network.getName())}:${LISTENER_PORT}${setup.path}`;
    await warm(url);
    await runLoad({ url, durationS: TOUCH_S, connections: Math.max(connections, 2 * MEMORY_CONCURRENCY) });
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
  const lines = [
    `${proxy.entry.id}: --concurrency 1 on CPU ${PROXY_CPUS}; wrk -t1 -c${connections} on CPU ${LOAD_CPUS}, ${ROUNDS} x ${Math.max(1, Math.round(durationS / ROUNDS))} s per setup; HTTP/1.1 keep-alive; ${Object.keys(BENCH_HEADERS).length} headers`,
    `  ${'setup'.padEnd(22)}${'req/s'.padStart(8)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'CPU µs/req'.padStart(11)}${'RSS c1'.padStart(8)}${'RSS c4'.padStart(8)}  callouts/period`,
  ];
  for (const r of rows) {
    const cpp = r.calloutsPerPeriod === undefined ? '-' : `${f2(r.calloutsPerPeriod)} (${r.callouts} calls)`;
    lines.push(`  ${r.setup.id.padEnd(22)}${r.load.requestsPerSecond.toFixed(0).padStart(8)}${f2(r.load.p50Ms).padStart(8)}${f2(r.load.p99Ms).padStart(8)}${f1(r.cpuUsPerRequest).padStart(11)}${mib(r.rssKiB).padStart(8)}${mib(r.rss4KiB).padStart(8)}  ${cpp}`);
  }
  const noop = rows.find((r) => r.setup.id === 'noop-wasm')!;
  const native = rows.find((r) => r.setup.id === 'native')!;
  for (const r of rows.filter((x) => x.setup.module === 'filter')) {
    // Added cost = the difference from no filter; the goal compares the filter's with the no-op module's.
    const addedRps = (none.load.requestsPerSecond - r.load.requestsPerSecond) / (none.load.requestsPerSecond - noop.load.requestsPerSecond);
    const addedP50 = (r.load.p50Ms - none.load.p50Ms) / (noop.load.p50Ms - none.load.p50Ms);
    const addedCpu = (r.cpuUsPerRequest - none.cpuUsPerRequest) / (noop.cpuUsPerRequest - none.cpuUsPerRequest);
    const perVm = r.rss4KiB !== undefined && none.rss4KiB !== undefined ? (r.rss4KiB - none.rss4KiB - (r.rssKiB - none.rssKiB)) / (MEMORY_CONCURRENCY - 1) : undefined;
    lines.push(
      `  ${r.setup.id}: req/s ${f2(r.load.requestsPerSecond / none.load.requestsPerSecond)}x no-filter, ${f2(r.load.requestsPerSecond / native.load.requestsPerSecond)}x native; ` +
        `added cost (the difference from no-filter) ${f2(addedCpu)}x the no-op module's in CPU per request, ${f2(addedRps)}x in req/s, ${f2(addedP50)}x in p50 (goal <= 1.5x); ` +
        `memory +${mib(r.rssKiB - none.rssKiB)} MiB at c1${perVm === undefined ? '' : `, ${mib(perVm)} MiB per added worker VM`}`,
    );
  }
  for (const l of lines) console.log(l);
  return lines;
}

void withBenchRun('bench:overhead', async (network) => {
  ensureWrk(log);
  const entries = selectEntries(loadEntries(), arg('--versions'));
  const resolved: Runnable[] = [];
  for (const entry of entries.filter((e) => e.kind === 'envoy')) {
    const r = await resolveProxy(entry, () => undefined);
    if (r.available && r.wasmRuntimes.includes('envoy.wasm.runtime.v8')) resolved.push(r);
    else log(`${entry.id}: skipped, cannot run the filter here (${r.available ? 'no V8 in this build' : r.reason})`);
  }
  const proxies = smoke && !arg('--versions') ? resolved.slice(-1) : resolved;
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
      for (const r of rows.filter((x) => x.setup.id === 'no-filter' || x.setup.module)) r.rss4KiB = await memoryAt4(proxy, network, r.setup);
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
