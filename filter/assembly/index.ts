// Entry module of the header-augmenter proxy-wasm filter.
// ABI entry points (proxy_on_*, malloc, free, proxy_abi_version_0_2_0): the runtime's, except those a
// request context touches, which come from ./entry (the runtime's log debug lines on every request).
// Listed by name: with `export *` plus a local export of the same name, asc 0.17 fails
// ("Module::addExport: ... already exists").
export {
  malloc, free, proxy_abi_version_0_2_0, proxy_on_vm_start, proxy_validate_configuration, proxy_on_configure,
  proxy_on_tick, proxy_on_foreign_function, proxy_on_queue_ready, proxy_on_http_call_response,
  proxy_on_grpc_receive_initial_metadata, proxy_on_grpc_trailing_metadata, proxy_on_grpc_receive, proxy_on_grpc_close,
} from "@solo-io/proxy-runtime/proxy";
export {
  proxy_on_context_create, proxy_on_request_headers, proxy_on_request_body, proxy_on_request_trailers,
  proxy_on_request_metadata, proxy_on_response_headers, proxy_on_response_body, proxy_on_response_trailers,
  proxy_on_response_metadata, proxy_on_done, proxy_on_log, proxy_on_delete,
} from "./entry";
import { RootContext, registerRootContext } from "@solo-io/proxy-runtime";
import { AugmenterRoot, PerVmCacheRoot, ROOT_ID } from "./root";
import { IS_CACHE_PER_VM } from "./variant.generated";

// The name must equal Envoy's root_id or the VM aborts with "Missing root context factory".
registerRootContext(
  (context_id: u32): RootContext => IS_CACHE_PER_VM ? new PerVmCacheRoot(context_id) : new AugmenterRoot(context_id),
  ROOT_ID,
);
