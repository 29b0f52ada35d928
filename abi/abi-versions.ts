/**
 * What a proxy-wasm host offers a module, per ABI version.
 *
 * Sources (read 2026-11-24):
 * - proxy-wasm/spec @3a844b8 abi-versions/v0.1.0, v0.2.0, v0.2.1 README.md: the marker export of
 *   each version and the "Functions exposed by the host" of each (names and parameter types).
 * - proxy-wasm/proxy-wasm-cpp-host (the host library Envoy embeds) @52a0291:
 *   include/proxy-wasm/exports.h (FOR_ALL_HOST_FUNCTIONS, FOR_ALL_WASI_FUNCTIONS, the C++
 *   signatures: Word = i32, (u)int64_t = i64), src/wasm.cc WasmBase::registerCallbacks (which
 *   functions are registered for which ABI version), src/bytecode_util.cc getAbiVersion (the marker
 *   is the first *function* export named proxy_abi_version_0_1_0 / 0_2_0 / 0_2_1).
 *
 * The host, not the spec, decides whether a module links, so where the two differ the host wins
 * and the entry says so (`source: 'cpp-host'`):
 * - spec v0.1.0 gives proxy_continue_request/proxy_continue_response no result; the host's return i32.
 * - the host registers proxy_clear_route_cache for 0.1.0, which the spec does not list.
 * - the spec lists only a WASI subset under wasi_snapshot_preview1; the host registers the whole
 *   FOR_ALL_WASI_FUNCTIONS list under both wasi_snapshot_preview1 and wasi_unstable (AssemblyScript
 *   0.17 imports wasi_unstable.proc_exit, which the spec does not mention at all).
 * - the host registers env.pthread_equal and env.emscripten_notify_memory_growth for Emscripten
 *   builds, whatever the ABI version.
 */
import type { FuncType, ValType } from './wasm-module';

export type AbiVersion = '0.1.0' | '0.2.0' | '0.2.1';
export const ABI_VERSIONS: readonly AbiVersion[] = ['0.1.0', '0.2.0', '0.2.1'];
export const MARKER_PREFIX = 'proxy_abi_version_';

export function markerOf(version: AbiVersion): string {
  return MARKER_PREFIX + version.replace(/\./g, '_');
}

/** The version a marker export name declares, or null for an unknown marker such as proxy_abi_version_0_9_9. */
export function versionOfMarker(exportName: string): AbiVersion | null {
  return ABI_VERSIONS.find((v) => markerOf(v) === exportName) ?? null;
}

export interface HostFunction {
  module: string;
  name: string;
  type: FuncType;
  /** 'spec': listed by the spec for this version (signature agrees with the host); 'cpp-host': only the host has it, or its signature. */
  source: 'spec' | 'cpp-host';
}

// Signatures as "<params>:<results>", one letter per value: i = i32, I = i64.
type Sig = string;
function sig(s: Sig): FuncType {
  const [p, r] = s.split(':');
  const t = (c: string): ValType => (c === 'I' ? 'i64' : 'i32');
  return { params: [...p].map(t), results: [...r].map(t) };
}

/** env.proxy_* in every version of the spec (signatures agree with exports.h). */
const PROXY_COMMON: Record<string, Sig> = {
  done: ':i', set_effective_context: 'i:i', log: 'iii:i', get_current_time_nanoseconds: 'i:i',
  set_tick_period_milliseconds: 'i:i', set_buffer_bytes: 'iiiii:i', get_buffer_bytes: 'iiiii:i',
  get_buffer_status: 'iii:i', get_header_map_size: 'ii:i', get_header_map_pairs: 'iii:i',
  set_header_map_pairs: 'iii:i', get_header_map_value: 'iiiii:i', add_header_map_value: 'iiiii:i',
  replace_header_map_value: 'iiiii:i', remove_header_map_value: 'iii:i', get_status: 'iii:i',
  send_local_response: 'iiiiiiii:i', http_call: 'iiiiiiiiii:i', grpc_call: 'iiiiiiiiiiii:i',
  grpc_stream: 'iiiiiiiii:i', grpc_send: 'iiii:i', grpc_cancel: 'i:i', grpc_close: 'i:i',
  set_shared_data: 'iiiii:i', get_shared_data: 'iiiii:i', register_shared_queue: 'iii:i',
  resolve_shared_queue: 'iiiii:i', enqueue_shared_queue: 'iii:i', dequeue_shared_queue: 'iii:i',
  define_metric: 'iiii:i', record_metric: 'iI:i', increment_metric: 'iI:i', get_metric: 'ii:i',
  get_property: 'iiii:i', set_property: 'iiii:i', call_foreign_function: 'iiiiii:i',
};

/** env.proxy_* only in one version: [spec-listed, host-only]. */
const PROXY_SPECIFIC: Record<AbiVersion, { spec: Record<string, Sig>; host: Record<string, Sig> }> = {
  '0.1.0': { spec: { get_configuration: 'ii:i' }, host: { continue_request: ':i', continue_response: ':i', clear_route_cache: ':i' } },
  '0.2.0': { spec: { continue_stream: 'i:i', close_stream: 'i:i' }, host: {} },
  '0.2.1': { spec: { continue_stream: 'i:i', close_stream: 'i:i', get_log_level: 'i:i' }, host: {} },
};

/** The WASI subset every spec version lists (under wasi_snapshot_preview1). */
export const SPEC_WASI: readonly string[] = ['fd_write', 'clock_time_get', 'random_get', 'environ_sizes_get', 'environ_get', 'args_sizes_get', 'args_get', 'proc_exit'];

/** FOR_ALL_WASI_FUNCTIONS of exports.h with its signatures; registered under both WASI module names. */
const HOST_WASI: Record<string, Sig> = {
  fd_write: 'iiii:i', fd_read: 'iiii:i', fd_seek: 'iIii:i', fd_close: 'i:i', fd_fdstat_get: 'ii:i',
  fd_fdstat_set_flags: 'ii:i', fd_fdstat_set_rights: 'iII:i', environ_get: 'ii:i', environ_sizes_get: 'ii:i',
  args_get: 'ii:i', args_sizes_get: 'ii:i', clock_time_get: 'iIi:i', clock_res_get: 'ii:i',
  fd_advise: 'iIIi:i', fd_allocate: 'iII:i', fd_datasync: 'i:i', fd_filestat_set_size: 'iI:i',
  fd_filestat_set_times: 'iIIi:i', fd_pread: 'iiiIi:i', fd_pwrite: 'iiiIi:i', fd_readdir: 'iiiIi:i',
  fd_renumber: 'ii:i', fd_sync: 'i:i', fd_tell: 'ii:i', path_create_directory: 'iii:i',
  path_filestat_set_times: 'iiiiIIi:i', path_link: 'iiiiii:i', path_readlink: 'iiiiii:i',
  path_remove_directory: 'iii:i', path_rename: 'iiiiii:i', path_symlink: 'iiii:i', path_unlink_file: 'iii:i',
  sock_accept: 'iii:i', sock_recv: 'iiiiii:i', sock_send: 'iiiii:i', sock_shutdown: 'ii:i',
  random_get: 'ii:i', sched_yield: ':i', poll_oneoff: 'iiii:i', proc_exit: 'i:', path_open: 'iiiiiIIii:i',
  fd_prestat_get: 'ii:i', fd_prestat_dir_name: 'iii:i', path_filestat_get: 'iiiii:i', fd_filestat_get: 'ii:i',
};
export const WASI_MODULES: readonly string[] = ['wasi_snapshot_preview1', 'wasi_unstable'];

const EMSCRIPTEN: Record<string, Sig> = { pthread_equal: 'ii:i', emscripten_notify_memory_growth: 'i:' };

const cache = new Map<AbiVersion, ReadonlyMap<string, HostFunction>>();

/** Every function import a host links for a module declaring `version`, keyed "module.name". */
export function hostFunctions(version: AbiVersion): ReadonlyMap<string, HostFunction> {
  const hit = cache.get(version);
  if (hit) return hit;
  const map = new Map<string, HostFunction>();
  const add = (module: string, name: string, s: Sig, source: HostFunction['source']) =>
    map.set(`${module}.${name}`, { module, name, type: sig(s), source });
  const specific = PROXY_SPECIFIC[version];
  for (const [n, s] of Object.entries({ ...PROXY_COMMON, ...specific.spec })) add('env', `proxy_${n}`, s, 'spec');
  for (const [n, s] of Object.entries(specific.host)) add('env', `proxy_${n}`, s, 'cpp-host');
  for (const m of WASI_MODULES) {
    for (const [n, s] of Object.entries(HOST_WASI)) add(m, n, s, m === 'wasi_snapshot_preview1' && SPEC_WASI.includes(n) ? 'spec' : 'cpp-host');
  }
  for (const [n, s] of Object.entries(EMSCRIPTEN)) add('env', n, s, 'cpp-host');
  cache.set(version, map);
  return map;
}

/**
 * Callbacks the host looks up in the module, with the signature it insists on ("Bad function
 * signature for: <name>" otherwise). From the spec's "Callbacks exposed by the Wasm module"; the
 * host additionally looks up proxy_validate_configuration and proxy_on_{request,response}_metadata
 * (wasm.h FOR_ALL_MODULE_FUNCTIONS). malloc is looked up first; proxy_on_memory_allocate only
 * when there is no malloc (wasm.cc getFunctions), which check.ts honours.
 */
const CALLBACKS_COMMON: Record<string, Sig> = {
  malloc: 'i:i', proxy_on_memory_allocate: 'i:i', _initialize: ':', _start: ':',
  proxy_validate_configuration: 'ii:i', proxy_on_vm_start: 'ii:i', proxy_on_configure: 'ii:i', proxy_on_tick: 'i:',
  proxy_on_context_create: 'ii:', proxy_on_new_connection: 'i:i', proxy_on_downstream_data: 'iii:i',
  proxy_on_upstream_data: 'iii:i', proxy_on_downstream_connection_close: 'ii:', proxy_on_upstream_connection_close: 'ii:',
  proxy_on_request_body: 'iii:i', proxy_on_request_trailers: 'ii:i', proxy_on_request_metadata: 'ii:i',
  proxy_on_response_body: 'iii:i', proxy_on_response_trailers: 'ii:i', proxy_on_response_metadata: 'ii:i',
  proxy_on_http_call_response: 'iiiii:', proxy_on_grpc_receive: 'iii:', proxy_on_grpc_close: 'iii:',
  proxy_on_grpc_receive_initial_metadata: 'iii:', proxy_on_grpc_receive_trailing_metadata: 'iii:',
  proxy_on_queue_ready: 'ii:', proxy_on_done: 'i:i', proxy_on_log: 'i:', proxy_on_delete: 'i:',
};
// 0.1.0 has no end_of_stream argument on the headers callbacks and no foreign-function callback.
const CALLBACKS_V01: Record<string, Sig> = { proxy_on_request_headers: 'ii:i', proxy_on_response_headers: 'ii:i' };
const CALLBACKS_V02: Record<string, Sig> = { proxy_on_request_headers: 'iii:i', proxy_on_response_headers: 'iii:i', proxy_on_foreign_function: 'iii:' };

/** Exported functions the host calls for a module declaring `version`, with the signature it requires. */
export function moduleCallbacks(version: AbiVersion): ReadonlyMap<string, FuncType> {
  const table = { ...CALLBACKS_COMMON, ...(version === '0.1.0' ? CALLBACKS_V01 : CALLBACKS_V02) };
  return new Map(Object.entries(table).map(([n, s]) => [n, sig(s)]));
}

/** The ABI versions (if any) whose host provides `module.name`, to explain a rejection. */
export function versionsProviding(module: string, name: string): AbiVersion[] {
  return ABI_VERSIONS.filter((v) => hostFunctions(v).has(`${module}.${name}`));
}
