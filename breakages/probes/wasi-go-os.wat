;; Breakage probe wasi-go-os (envoyproxy/envoy#20483, proxy-wasm/proxy-wasm-cpp-host#533): the WASI file functions a
;; Go module imports once it uses os.Stat or os.ReadFile (go 1.26.8 wasip1 c-shared adds fd_read, path_open,
;; fd_filestat_get and path_filestat_get to the runtime's list), in that order. A host that lacks one refuses
;; the module at link time, naming it. Where it loads, proxy_on_vm_start calls each with harmless arguments
;; (fd 3 and a relative path: no preopened directory exists; fd_filestat_get on fd 1) and logs "<call> = <errno>.".
;; Generated with its siblings by a one-off script; edit by hand.
(module
  (import "env" "proxy_log" (func $proxy_log (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 1024) "breakage.txt")
  (data (i32.const 1040) "breakage wasi-go-os: vm started; calling the file functions of Go os")
  (data (i32.const 1112) "breakage wasi-go-os: fd_read(3) = ")
  (data (i32.const 1152) ".")
  (data (i32.const 1160) "breakage wasi-go-os: path_open(3, breakage.txt) = ")
  (data (i32.const 1216) "breakage wasi-go-os: fd_filestat_get(1) = ")
  (data (i32.const 1264) "breakage wasi-go-os: path_filestat_get(3, breakage.txt) = ")

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

  (func (export "proxy_on_vm_start") (param $root_context_id i32) (param $vm_configuration_size i32) (result i32)
    (local $rc i32)
    (call $s (i32.const 1040) (i32.const 68))
    (call $flush)
    ;; one 16-byte buffer for fd_read (fd 3: none is open)
    (i32.store (i32.const 16384) (i32.const 16448))
    (i32.store (i32.const 16388) (i32.const 16))
    (local.set $rc (call $fd_read (i32.const 3) (i32.const 16384) (i32.const 1) (i32.const 16392)))
    (call $s (i32.const 1112) (i32.const 34))
    (call $u (local.get $rc))
    (call $s (i32.const 1152) (i32.const 1))
    (call $flush)

    (local.set $rc (call $path_open (i32.const 3) (i32.const 0) (i32.const 1024) (i32.const 12) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 16396)))
    (call $s (i32.const 1160) (i32.const 50))
    (call $u (local.get $rc))
    (call $s (i32.const 1152) (i32.const 1))
    (call $flush)

    (local.set $rc (call $fd_filestat_get (i32.const 1) (i32.const 16512)))
    (call $s (i32.const 1216) (i32.const 42))
    (call $u (local.get $rc))
    (call $s (i32.const 1152) (i32.const 1))
    (call $flush)

    (local.set $rc (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 1024) (i32.const 12) (i32.const 16576)))
    (call $s (i32.const 1264) (i32.const 58))
    (call $u (local.get $rc))
    (call $s (i32.const 1152) (i32.const 1))
    (call $flush)

    (i32.const 1))
  (func (export "proxy_on_configure") (param $root_context_id i32) (param $plugin_configuration_size i32) (result i32)
    (i32.const 1))
  (func (export "proxy_on_request_headers") (param $context_id i32) (param $num_headers i32) (param $end_of_stream i32) (result i32)
    (i32.const 0))
)
