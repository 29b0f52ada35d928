// Per-request context: inject the cached header set, or pass/deny when there is none.
import {
  Context, RootContext, FilterHeadersStatusValues, send_local_response, HeaderPair, Headers, GrpcStatusValues,
} from "@solo-io/proxy-runtime";
import { AugmenterRoot, PerVmCacheRoot } from "./root";
import { nowMs } from "./cache";
import { setRequestHeader } from "./inject";
import { logDebug, logInfo, logError, logInjected } from "./log";
import {
  IS_NO_INJECT, IS_FIRST_HEADER_ONLY, IS_NO_OVERWRITE, IS_NO_EXPIRY, IS_PANIC_ON_REQUEST, IS_DENY_IGNORED,
  IS_DENY_REASON_ALWAYS_EXPIRED, IS_OVERWRITE_FALSE_IGNORED, IS_EXPIRED_LOG_EVERY_REQUEST, IS_INJECTED_COUNT_OF_SET,
  IS_CACHE_PER_VM, IS_DENY_CONTENT_TYPE_JSON, IS_DROPS_CONTENT_LENGTH,
} from "./variant.generated";
import { dropContentLength } from "./mutant-hooks";

export class AugmenterStream extends Context {
  constructor(context_id: u32, root: RootContext) {
    super(context_id, root);
  }

  // The base versions only write a debug line ("context id: N: onDone()" etc.) on every request.
  onDone(): bool { return true; }
  onLog(): void { }
  onDelete(): void { }

  onRequestHeaders(a: u32, end_of_stream: bool): FilterHeadersStatusValues {
    if (IS_PANIC_ON_REQUEST) {
      logError("panic-on-request variant: trapping");
      unreachable();
    }
    const root = changetype<AugmenterRoot>(this.root_context);
    const c = root.config;
    if (c === null) return FilterHeadersStatusValues.Continue;
    // Read shared data on every request: another worker's VM may have refreshed it.
    let set = root.headerReader.read();
    // cache-per-vm variant: the set this root context fetched itself, if it ever won the lease.
    if (IS_CACHE_PER_VM) set = changetype<PerVmCacheRoot>(root).vmSet;
    let reason = "";
    if (set === null) {
      reason = IS_DENY_REASON_ALWAYS_EXPIRED ? "expired" : "never fetched";
    } else if (!IS_NO_EXPIRY && nowMs() >= set.expiresAt) {
      reason = "expired";
      if (IS_EXPIRED_LOG_EVERY_REQUEST || root.lastExpiryLogged != set.fetchedAt) {
        root.lastExpiryLogged = set.fetchedAt;
        logInfo("cache expired: age=" + (nowMs() - set.fetchedAt).toString() + "ms");
      }
    }
    if (reason.length > 0) {
      if (IS_DENY_IGNORED || !c.deny) {
        logDebug("missing headers: " + reason + " action=pass");
        return FilterHeadersStatusValues.Continue;
      }
      logInfo("missing headers: " + reason + " action=deny");
      const extra: Headers = [];
      // deny-content-type-json variant: the reply is labelled JSON though its body is text.
      extra.push(new HeaderPair(String.UTF8.encode("content-type"), String.UTF8.encode(IS_DENY_CONTENT_TYPE_JSON ? "application/json" : "text/plain")));
      send_local_response(503, "header_augmenter_no_headers",
        String.UTF8.encode("header-augmenter: no headers available (" + reason + ")\n"), extra, GrpcStatusValues.InvalidCode);
      return FilterHeadersStatusValues.StopIteration;
    }
    const s = set!;
    let injected = 0;
    if (!IS_NO_INJECT) {
      const overwrite = IS_NO_OVERWRITE ? false : IS_OVERWRITE_FALSE_IGNORED ? true : c.overwrite;
      let n = s.names.length;
      if (IS_FIRST_HEADER_ONLY && n > 1) n = 1;
      for (let i = 0; i < n; i++) {
        if (setRequestHeader(s.names[i], s.bufs[2 * i], s.bufs[2 * i + 1], overwrite)) injected++;
      }
      if (IS_INJECTED_COUNT_OF_SET) injected = n; // the set's size, not what was actually added
      if (IS_DROPS_CONTENT_LENGTH) dropContentLength();
    }
    logInjected(injected);
    return FilterHeadersStatusValues.Continue;
  }
}
