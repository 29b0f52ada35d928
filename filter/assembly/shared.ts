// Direct shared-data access. The runtime's get_shared_data/set_shared_data helpers pass wrong
// pointers and drop the CAS (PROXY-RUNTIME.md trap 4), so we call the host imports ourselves.
import * as imports from "@solo-io/proxy-runtime/imports";
import { free } from "@solo-io/proxy-runtime/malloc";

export const RESULT_OK: u32 = 0;
export const RESULT_NOT_FOUND: u32 = 1;
export const RESULT_CAS_MISMATCH: u32 = 8;

// Out-parameters for the host: value pointer, value size, cas (3 x u32 on wasm32). A global keeps
// the buffer alive for the VM's lifetime; all calls are synchronous so it is never shared.
const scratch = new ArrayBuffer(16);

export class SharedValue {
  result: u32 = RESULT_NOT_FOUND;
  data: ArrayBuffer = new ArrayBuffer(0);
  cas: u32 = 0;
}

// Reads a key. On Ok, data is a private copy: the host allocated the value with our exported
// malloc, so we copy it out and free the host block right away (no leak, no aliasing).
export function sharedGet(key: string): SharedValue {
  const k = String.UTF8.encode(key);
  const base = changetype<usize>(scratch);
  store<u32>(base, 0);
  store<u32>(base, 0, 4);
  store<u32>(base, 0, 8);
  const out = new SharedValue();
  out.result = imports.proxy_get_shared_data(changetype<usize>(k), k.byteLength, base, base + 4, base + 8);
  const ptr = <usize>load<u32>(base);
  const len = <i32>load<u32>(base, 4);
  if (out.result == RESULT_OK) {
    out.cas = load<u32>(base, 8);
    const copy = new ArrayBuffer(len);
    if (len > 0) memory.copy(changetype<usize>(copy), ptr, <usize>len);
    out.data = copy;
  }
  if (ptr != 0) free(ptr);
  return out;
}

// sharedGet without the copy and the per-call object: the result, cas and the host's block (ptr,
// len; allocated with our malloc) land in one reused RawValue, valid until the next call. The caller
// must free(ptr) when ptr != 0.
export class RawValue {
  result: u32 = RESULT_NOT_FOUND;
  ptr: usize = 0;
  len: i32 = 0;
  cas: u32 = 0;
}
const raw = new RawValue();

export function sharedGetRaw(key: ArrayBuffer): RawValue {
  const base = changetype<usize>(scratch);
  store<u32>(base, 0);
  store<u32>(base, 0, 4);
  store<u32>(base, 0, 8);
  raw.result = imports.proxy_get_shared_data(changetype<usize>(key), key.byteLength, base, base + 4, base + 8);
  raw.ptr = <usize>load<u32>(base);
  raw.len = <i32>load<u32>(base, 4);
  raw.cas = load<u32>(base, 8);
  return raw;
}

// cas == 0 writes unconditionally; otherwise the host answers CasMismatch (8) when someone else
// wrote the key since our read.
export function sharedSet(key: string, value: string, cas: u32): u32 {
  const k = String.UTF8.encode(key);
  const v = String.UTF8.encode(value);
  return imports.proxy_set_shared_data(changetype<usize>(k), k.byteLength, changetype<usize>(v), v.byteLength, cas);
}

export function sharedGetString(v: SharedValue): string {
  return String.UTF8.decode(v.data);
}
