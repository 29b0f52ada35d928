// Request-header edits through the host imports directly. The runtime's replace/remove wrappers
// abort the whole VM on any non-Ok result (PROXY-RUNTIME.md trap 6), and its get() cannot tell an
// absent header from an empty one; here a failure is just logged and the request goes on.
import * as imports from "@solo-io/proxy-runtime/imports";
import { free } from "@solo-io/proxy-runtime/malloc";
import { logWarn } from "./log";
import { IS_OVERWRITE_APPENDS } from "./variant.generated";

const REQUEST_HEADERS: i32 = 0;
const scratch = new ArrayBuffer(8);

// k: the name as UTF-8.
export function requestHasHeader(k: ArrayBuffer): bool {
  const base = changetype<usize>(scratch);
  store<u32>(base, 0);
  store<u32>(base, 0, 4);
  const r = imports.proxy_get_header_map_value(REQUEST_HEADERS, changetype<usize>(k), k.byteLength, base, base + 4);
  const ptr = <usize>load<u32>(base);
  if (ptr != 0) free(ptr);
  return r == 0;
}

// overwrite: drop every value the client sent (there may be several lines) and add ours, so the
// client can never smuggle a value past the filter. Otherwise add only when absent.
// k, v: name and value as UTF-8 (pre-encoded once per set); name is only for the failure lines.
export function setRequestHeader(name: string, k: ArrayBuffer, v: ArrayBuffer, overwrite: bool): bool {
  if (overwrite) {
    // overwrite-appends variant: "add replaces the header", so the client's lines are never removed.
    if (!IS_OVERWRITE_APPENDS) {
      const rr = imports.proxy_remove_header_map_value(REQUEST_HEADERS, changetype<usize>(k), k.byteLength);
      if (rr != 0 && rr != 1) logWarn("remove header failed: " + name + " result=" + rr.toString());
    }
  } else if (requestHasHeader(k)) {
    return false;
  }
  const r = imports.proxy_add_header_map_value(REQUEST_HEADERS, changetype<usize>(k), k.byteLength, changetype<usize>(v), v.byteLength);
  if (r != 0) {
    logWarn("add header failed: " + name + " result=" + r.toString());
    return false;
  }
  return true;
}
