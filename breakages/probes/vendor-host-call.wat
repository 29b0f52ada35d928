;; Breakage probe vendor-host-call (higress-group/wasm-go#31): a 0.2.1 module that imports
;; env.proxy_inject_encoded_data_to_filter_chain, a host call Higress's Envoy fork adds and upstream
;; Envoy does not provide (wasm-go plugins built against Higress's SDK import it). Never called:
;; linking alone decides. Were it linked, proxy_on_configure would log
;; "breakage vendor-host-call: configured" (info).
(module
  (import "env" "proxy_log" (func $proxy_log (param i32 i32 i32) (result i32)))
  ;; Higress: (body_data_ptr, body_data_size, end_stream) -> WasmResult
  (import "env" "proxy_inject_encoded_data_to_filter_chain" (func $proxy_inject_encoded_data_to_filter_chain (param i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 1024) "breakage vendor-host-call: configured")
  (global $heap (mut i32) (i32.const 65536))
  (func $alloc (param $size i32) (result i32)
    (local $p i32) (local $end i32)
    (local.set $p (global.get $heap))
    (local.set $end (i32.and (i32.add (i32.add (local.get $p) (local.get $size)) (i32.const 7)) (i32.const -8)))
    (if (i32.gt_u (local.get $end) (i32.shl (memory.size) (i32.const 16)))
      (then
        (if (i32.eq (memory.grow (i32.add (i32.shr_u (i32.sub (local.get $end) (i32.shl (memory.size) (i32.const 16))) (i32.const 16)) (i32.const 1))) (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $p))
  (export "malloc" (func $alloc))
  (export "proxy_on_memory_allocate" (func $alloc))
  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_context_create") (param $context_id i32) (param $parent_context_id i32))
  (func (export "proxy_on_vm_start") (param $root_context_id i32) (param $vm_configuration_size i32) (result i32)
    (i32.const 1))
  (func (export "proxy_on_configure") (param $root_context_id i32) (param $plugin_configuration_size i32) (result i32)
    (drop (call $proxy_log (i32.const 2) (i32.const 1024) (i32.const 37)))
    (i32.const 1))
  (func (export "proxy_on_request_headers") (param $context_id i32) (param $num_headers i32) (param $end_of_stream i32) (result i32)
    (i32.const 0))
  (func (export "proxy_on_done") (param $context_id i32) (result i32)
    (i32.const 1))
  (func (export "proxy_on_delete") (param $context_id i32))
)
