;; ABI probe abi-0-2-1: the smallest module a host should load as proxy-wasm ABI 0.2.1.
;; It logs "abi-probe abi-0-2-1: configured" (info) from proxy_on_configure, so a test sees that
;; the host linked it, ran the root context, and accepted the configuration.
(module
  (import "env" "proxy_log" (func $proxy_log (param i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 1024) "abi-probe abi-0-2-1: configured")
  ;; Bump allocator from 64 KiB up, 8-byte aligned, growing memory as needed; never frees
  ;; (the host only allocates a few small buffers for a probe's life).
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
    ;; log level 2 = info
    (drop (call $proxy_log (i32.const 2) (i32.const 1024) (i32.const 31)))
    (i32.const 1))
  ;; 0.2.x: (context_id, num_headers, end_of_stream) -> action; 0 = Continue
  (func (export "proxy_on_request_headers") (param $context_id i32) (param $num_headers i32) (param $end_of_stream i32) (result i32)
    (i32.const 0))
  (func (export "proxy_on_done") (param $context_id i32) (result i32)
    (i32.const 1))
  (func (export "proxy_on_delete") (param $context_id i32))
)
