// Breakage probe go-poll-oneoff (golang/go#78513, envoyproxy/envoy#44526,
// proxy-wasm/proxy-wasm-cpp-host#533): a proxy-wasm module built by the standard Go toolchain
// (GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared), no SDK. proxy_on_vm_start starts one
// goroutine that loops on time.Sleep(10ms); every request gets one header and makes 1 MiB of garbage. On a host that answers
// wasi poll_oneoff with ENOSYS, the Go scheduler's netpoll dies on a later callback with
// "fatal error: poll_oneoff failed" and every callback after that traps (unreachable).
package main

import (
	"fmt"
	"time"
	"unsafe"
)

//go:wasmimport env proxy_log
func proxyLog(level int32, msg *byte, size int32) int32

//go:wasmimport env proxy_add_header_map_value
func proxyAddHeaderMapValue(mapType int32, key *byte, keySize int32, value *byte, valueSize int32) int32

func logInfo(s string) {
	b := []byte(s)
	proxyLog(2, &b[0], int32(len(b)))
}

// Buffers handed to the host stay reachable until the VM goes away (a probe allocates little).
var hostBuffers [][]byte

var (
	garbage  []byte
	ticks    int64
	requests int64
)

//go:wasmexport proxy_abi_version_0_2_1
func abiVersion() {}

//go:wasmexport proxy_on_memory_allocate
func onMemoryAllocate(size int32) unsafe.Pointer {
	b := make([]byte, size+1)
	hostBuffers = append(hostBuffers, b)
	return unsafe.Pointer(&b[0])
}

//go:wasmexport proxy_on_context_create
func onContextCreate(contextID, parentID int32) {}

//go:wasmexport proxy_on_vm_start
func onVMStart(rootID, size int32) int32 {
	go func() {
		for {
			time.Sleep(10 * time.Millisecond)
			ticks++
		}
	}()
	logInfo("breakage go-poll-oneoff: vm started, sleeper goroutine running")
	return 1
}

//go:wasmexport proxy_on_configure
func onConfigure(rootID, size int32) int32 {
	logInfo("breakage go-poll-oneoff: configured")
	return 1
}

//go:wasmexport proxy_on_request_headers
func onRequestHeaders(contextID, numHeaders, endOfStream int32) int32 {
	requests++
	// 1 MiB of garbage per request: the Go runtime collects every few requests, and a collection
	// runs the scheduler inside this callback, where the sleeper's pending timer sends it to netpoll.
	garbage = make([]byte, 1<<20)
	key := []byte("x-go-probe")
	value := []byte(fmt.Sprintf("request %d, ticks %d", requests, ticks))
	proxyAddHeaderMapValue(0, &key[0], int32(len(key)), &value[0], int32(len(value)))
	return 0
}

//go:wasmexport proxy_on_done
func onDone(contextID int32) int32 { return 1 }

//go:wasmexport proxy_on_delete
func onDelete(contextID int32) {}

func main() {}
