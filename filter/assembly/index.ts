// Entry module of the header-augmenter proxy-wasm filter.
// Re-export the runtime's ABI entry points (proxy_on_*, malloc, free, proxy_abi_version_0_2_0).
export * from "@solo-io/proxy-runtime/proxy";
import { RootContext, registerRootContext } from "@solo-io/proxy-runtime";
import { AugmenterRoot, PerVmCacheRoot, ROOT_ID } from "./root";
import { IS_CACHE_PER_VM } from "./variant.generated";

// The name must equal Envoy's root_id or the VM aborts with "Missing root context factory".
registerRootContext(
  (context_id: u32): RootContext => IS_CACHE_PER_VM ? new PerVmCacheRoot(context_id) : new AugmenterRoot(context_id),
  ROOT_ID,
);
