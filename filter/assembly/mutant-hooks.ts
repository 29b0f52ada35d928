// Code only mutants run (filter/variants.json). Production calls none of it: every call site is
// behind `if (IS_<VARIANT>)`, which the compiler removes when false, and so this code with it.
import * as imports from "@solo-io/proxy-runtime/imports";
import { nowMs } from "./cache";
import { sharedSet } from "./shared";
import { IS_BACKOFF_AFTER_FAILURE, IS_CLEAR_CACHE_ON_FAILURE } from "./variant.generated";

// backoff-after-failure: "don't hammer a failing service": the lease comes due only 10 s later.
const BACKOFF_MS: i64 = 10000;

export function afterCalloutFailure(leaseKey: string, headersKey: string): void {
  if (IS_BACKOFF_AFTER_FAILURE) sharedSet(leaseKey, (nowMs() + BACKOFF_MS).toString(), 0);
  // clear-cache-on-failure: "a failing service means the headers are no longer valid".
  if (IS_CLEAR_CACHE_ON_FAILURE) sharedSet(headersKey, "", 0);
}

// config-first-wins: "parse the configuration once per VM" (a module-level cache): a configuration that
// arrives later for a new plugin in the same VM (an ECDS or listener update, same vm_id and module) is
// replaced by the first one.
let firstRaw: ArrayBuffer | null = null;
export function firstConfiguration(raw: ArrayBuffer): ArrayBuffer {
  if (firstRaw === null) firstRaw = raw;
  return firstRaw!;
}

// reset-cache-on-configure: "start clean": a new VM or plugin empties the set an earlier one cached,
// so a module swap or a restart of the VM under the same vm_id and configuration loses the cache.
export function resetCache(headersKey: string): void {
  sharedSet(headersKey, "", 0);
}

// drops-content-length: "rebuild the request's headers", losing content-length on the way, so Envoy
// sends a body that came with a length on chunked: the upstream sees other framing.
export function dropContentLength(): void {
  const k = String.UTF8.encode("content-length");
  imports.proxy_remove_header_map_value(0, changetype<usize>(k), k.byteLength);
}
