;; Breakage probe trap-in-request-headers (issue 30's entry 7: a trap in each callback, under fail open and fail closed):
;; a 0.2.1 module whose proxy_on_request_headers hits `unreachable` (once per VM: a global remembers it, and
;; every later callback of the same instance logs "... after the trap"). It ticks every 100 ms from
;; proxy_on_configure. Lines: "vm started", "configured, ticking every 100 ms", "trapping in proxy_on_...",
;; "<callback> after the trap".
;; The five trap probes share one import list and data (the HTTP call is made by trap-in-http-call-response only).
;; Generated with its siblings by a one-off script; edit by hand.
(module
  (import "env" "proxy_log" (func $proxy_log (param i32 i32 i32) (result i32)))
  (import "env" "proxy_get_buffer_bytes" (func $proxy_get_buffer_bytes (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_http_call" (func $proxy_http_call (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_tick_period_milliseconds" (func $proxy_set_tick_period_milliseconds (param i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 1024) "\03\00\00\00\07\00\00\00\03\00\00\00\05\00\00\00!\00\00\00\0a\00\00\00\0e\00\00\00:method\00GET\00:path\00/breakage/trap-in-request-headers\00:authority\00header-service\00")
  (data (i32.const 1136) "\00\00\00\00")
  (data (i32.const 1144) "breakage trap-in-request-headers: http call dispatched: rc ")
  (data (i32.const 1208) ".")
  (data (i32.const 1216) "breakage trap-in-request-headers: vm started")
  (data (i32.const 1264) "breakage trap-in-request-headers: configured after the trap")
  (data (i32.const 1328) "breakage trap-in-request-headers: configured, ticking every 100 ms")
  (data (i32.const 1400) "breakage trap-in-request-headers: tick after the trap")
  (data (i32.const 1456) "breakage trap-in-request-headers: request after the trap")
  (data (i32.const 1512) "breakage trap-in-request-headers: trapping in proxy_on_request_headers")
  (data (i32.const 1584) "breakage trap-in-request-headers: call response after the trap")
  (data (i32.const 1648) "breakage trap-in-request-headers: on_http_call_response: headers ")

  ;; Scratch and a log line builder: $s appends bytes, $u an unsigned decimal, $flush logs the line (info) and empties it.
  (global $heap (mut i32) (i32.const 65536))
  (global $len (mut i32) (i32.const 0))
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
  (func $s (param $p i32) (param $n i32)
    (local $i i32)
    (block $done
      (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (i32.add (i32.const 12288) (i32.add (global.get $len) (local.get $i))) (i32.load8_u (i32.add (local.get $p) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (global.set $len (i32.add (global.get $len) (local.get $n))))
  (func $u (param $v i32)
    (local $i i32)
    (local.set $i (i32.const 12272))
    (loop $digits
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (local.get $i) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $digits (local.get $v)))
    (call $s (local.get $i) (i32.sub (i32.const 12272) (local.get $i))))
  (func $flush
    (drop (call $proxy_log (i32.const 2) (i32.const 12288) (global.get $len)))
    (global.set $len (i32.const 0)))

  (func (export "proxy_abi_version_0_2_1"))
  (func (export "proxy_on_context_create") (param $context_id i32) (param $parent_context_id i32))
  (func (export "proxy_on_done") (param $context_id i32) (result i32) (i32.const 1))
  (func (export "proxy_on_delete") (param $context_id i32))
  (global $trapped (mut i32) (i32.const 0))

  (func (export "proxy_on_vm_start") (param $root_context_id i32) (param $vm_configuration_size i32) (result i32)
    (call $s (i32.const 1216) (i32.const 44))
    (call $flush)

    (i32.const 1))
  (func (export "proxy_on_configure") (param $root_context_id i32) (param $plugin_configuration_size i32) (result i32)
    (if (global.get $trapped) (then (call $s (i32.const 1264) (i32.const 59))
    (call $flush)))

    (drop (call $proxy_set_tick_period_milliseconds (i32.const 100)))
    (call $s (i32.const 1328) (i32.const 66))
    (call $flush)

    (i32.const 1))
  (func (export "proxy_on_tick") (param $root_context_id i32)
    (if (global.get $trapped) (then (call $s (i32.const 1400) (i32.const 53))
    (call $flush)))
)
  (func (export "proxy_on_request_headers") (param $context_id i32) (param $num_headers i32) (param $end_of_stream i32) (result i32)
    (if (global.get $trapped) (then (call $s (i32.const 1456) (i32.const 56))
    (call $flush)))
    ;; the trap: remembered in a global first (it outlives the trap: the instance stays)
    (global.set $trapped (i32.const 1))
    (call $s (i32.const 1512) (i32.const 70))
    (call $flush)
    unreachable
    (i32.const 0))
  (func (export "proxy_on_http_call_response") (param $context_id i32) (param $token i32) (param $headers i32) (param $body_size i32) (param $trailers i32)
    (if (global.get $trapped) (then (call $s (i32.const 1584) (i32.const 62))
    (call $flush)))
    (call $s (i32.const 1648) (i32.const 65))
    (call $u (local.get $headers))
    (call $s (i32.const 1208) (i32.const 1))
    (call $flush)
)
)
