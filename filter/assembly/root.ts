// Root context: configuration, the tick-driven refresh and the callout response handling.
import { RootContext, Context, WasmResultValues, stream_context } from "@solo-io/proxy-runtime";
import {
  get_buffer_bytes, BufferTypeValues, set_tick_period_milliseconds, get_property,
} from "@solo-io/proxy-runtime/runtime";
import { Config, parseConfig, fnv1a32Hex } from "./config";
import { calloutHeaders, parseHeaderBody } from "./callout";
import { HeaderSet, HeaderSetReader, nowMs, readHeaderSet, writeHeaderSet, initLease, tryAcquireLease } from "./cache";
import { logDebug, logInfo, logWarn, logError } from "./log";
import {
  IS_LATE_FIRST_CALLOUT, IS_ACCEPT_ANY_STATUS, IS_ACCEPT_2XX, IS_ACCEPT_NON_5XX, IS_TICK_PERIOD_IGNORED,
  IS_CALLOUT_TIMEOUT_DEFAULT, IS_EXPIRY_NOT_EXTENDED, IS_LOG_CACHE_UPDATED_FORMAT, IS_CACHE_PER_VM, IS_CACHE_KEY_IGNORES_CONFIG,
  IS_BACKOFF_AFTER_FAILURE, IS_CLEAR_CACHE_ON_FAILURE, IS_CONFIG_FIRST_WINS, IS_RESET_CACHE_ON_CONFIGURE,
} from "./variant.generated";
import { afterCalloutFailure, firstConfiguration, resetCache } from "./mutant-hooks";

export const ROOT_ID = "header-augmenter";

// The first tick fires this soon after configure, so the first callout goes out "immediately"
// (see README: dispatching from onConfigure itself would happen in Envoy's short-lived canary VM).
const FIRST_TICK_MS: u32 = 1;

export class AugmenterRoot extends RootContext {
  config: Config | null = null;
  headersKey: string = "";
  // Reads headersKey for requests; replaced whenever headersKey is set.
  headerReader: HeaderSetReader = new HeaderSetReader("");
  leaseKey: string = "";
  firstTickDone: bool = false;
  // fetched_at of the last expired set we logged about: log once per expiry per VM.
  lastExpiryLogged: i64 = -1;

  // Overridden: the base implementation hands the host the size as an address (trap 3).
  onConfigure(configuration_size: u32): bool {
    let raw = get_buffer_bytes(BufferTypeValues.PluginConfiguration, 0, configuration_size);
    // config-first-wins variant: the VM keeps the first configuration it was given.
    if (IS_CONFIG_FIRST_WINS) raw = firstConfiguration(raw);
    const res = parseConfig(raw);
    if (res.config === null) {
      logError("config error: " + res.key + ": " + res.problem);
      return false;
    }
    const c = res.config!;
    let rootId = String.UTF8.decode(get_property("plugin_root_id"));
    if (rootId.length == 0) rootId = ROOT_ID;
    let base = ROOT_ID + "/" + rootId + "/" + fnv1a32Hex(raw) + "/";
    // cache-key-ignores-config variant: one cache per root id, whatever the configuration.
    if (IS_CACHE_KEY_IGNORES_CONFIG) base = ROOT_ID + "/" + rootId + "/";
    this.headersKey = base + "headers";
    this.headerReader = new HeaderSetReader(this.headersKey);
    this.leaseKey = base + "lease";
    this.config = c;
    logInfo("config ok: " + c.summary());
    initLease(this.leaseKey);
    if (IS_RESET_CACHE_ON_CONFIGURE) resetCache(this.headersKey);
    if (IS_LATE_FIRST_CALLOUT) {
      set_tick_period_milliseconds(<u32>c.tickPeriodMs);
      this.firstTickDone = true;
    } else {
      set_tick_period_milliseconds(FIRST_TICK_MS);
    }
    return true;
  }

  createContext(context_id: u32): Context {
    return new AugmenterStream(context_id, this);
  }

  onTick(): void {
    const c = this.config;
    if (c === null) return;
    if (!this.firstTickDone) {
      // Switch from the short first tick to the configured period.
      this.firstTickDone = true;
      // tick-period-ignored variant: the timer is set to the documented default, not the configured period.
      set_tick_period_milliseconds(IS_TICK_PERIOD_IGNORED ? 5000 : <u32>c.tickPeriodMs);
    }
    if (!tryAcquireLease(this.leaseKey, nowMs(), c.tickPeriodMs)) return;
    this.dispatch(c);
  }

  dispatch(c: Config): void {
    // callout-timeout-default variant: the documented default timeout instead of the configured one.
    const r = this.httpCall(c.cluster, calloutHeaders(c), new ArrayBuffer(0), [],
      IS_CALLOUT_TIMEOUT_DEFAULT ? 1000 : <u32>c.calloutTimeoutMs, this, onCalloutResponse);
    if (r != WasmResultValues.Ok) {
      logWarn("callout failed: dispatch failed: " + r.toString());
      if (IS_BACKOFF_AFTER_FAILURE || IS_CLEAR_CACHE_ON_FAILURE) afterCalloutFailure(this.leaseKey, this.headersKey);
      return;
    }
    logDebug("callout dispatched: cluster=" + c.cluster + " path=" + c.path);
  }

  handleResponse(headers: u32, bodySize: usize): void {
    const c = this.config;
    if (c === null) return;
    if (headers == 0) {
      logWarn("callout failed: no response (timeout or reset)");
      if (IS_BACKOFF_AFTER_FAILURE || IS_CLEAR_CACHE_ON_FAILURE) afterCalloutFailure(this.leaseKey, this.headersKey);
      return;
    }
    const status = stream_context.headers.http_callback.get(":status");
    if (IS_ACCEPT_2XX) {
      // "Success is 2xx."
      const code = I32.parseInt(status);
      if (code < 200 || code >= 300) {
        logWarn("callout failed: status=" + status);
        if (IS_BACKOFF_AFTER_FAILURE || IS_CLEAR_CACHE_ON_FAILURE) afterCalloutFailure(this.leaseKey, this.headersKey);
        return;
      }
    } else if (IS_ACCEPT_NON_5XX) {
      // "Only server errors are failures."
      if (I32.parseInt(status) >= 500) {
        logWarn("callout failed: status=" + status);
        if (IS_BACKOFF_AFTER_FAILURE || IS_CLEAR_CACHE_ON_FAILURE) afterCalloutFailure(this.leaseKey, this.headersKey);
        return;
      }
    } else if (status != "200" && !IS_ACCEPT_ANY_STATUS) {
      logWarn("callout failed: status=" + status);
      if (IS_BACKOFF_AFTER_FAILURE || IS_CLEAR_CACHE_ON_FAILURE) afterCalloutFailure(this.leaseKey, this.headersKey);
      return;
    }
    const body = bodySize > 0
      ? get_buffer_bytes(BufferTypeValues.HttpCallResponseBody, 0, <u32>bodySize)
      : new ArrayBuffer(0);
    const parsed = parseHeaderBody(body);
    if (!parsed.ok) {
      if (status != "200") logWarn("callout failed: status=" + status);
      else logWarn("callout failed: invalid body: " + parsed.why);
      if (IS_BACKOFF_AFTER_FAILURE || IS_CLEAR_CACHE_ON_FAILURE) afterCalloutFailure(this.leaseKey, this.headersKey);
      return;
    }
    logInfo("callout ok: status=" + status + " headers=" + parsed.names.length.toString());
    const set = new HeaderSet();
    set.fetchedAt = nowMs();
    set.expiresAt = set.fetchedAt + c.cacheExpiryMs;
    if (IS_EXPIRY_NOT_EXTENDED) {
      // "The expiry is set when the cache is created": a refresh keeps the existing deadline.
      const prev = readHeaderSet(this.headersKey);
      if (prev !== null) set.expiresAt = prev.expiresAt;
    }
    set.names = parsed.names;
    set.values = parsed.values;
    if (IS_CACHE_PER_VM) {
      set.encodeBufs(); // requests inject from bufs
      changetype<PerVmCacheRoot>(this).vmSet = set;
    }
    const w = IS_CACHE_PER_VM ? 0 : writeHeaderSet(this.headersKey, set);
    if (w != 0) {
      logWarn("cache write failed: result=" + w.toString());
      return;
    }
    logInfo("cache updated: headers=" + set.names.length.toString() + (IS_LOG_CACHE_UPDATED_FORMAT ? " ttl=" : " expires_in=") +
      c.cacheExpiryMs.toString() + "ms");
  }
}

// cache-per-vm variant: the header set is kept in the root context (this VM's own memory) instead of
// shared data, so only the VM that won the lease has it. A subclass, so that the production root has no
// such field at all; index.ts instantiates it only in that variant.
export class PerVmCacheRoot extends AugmenterRoot {
  vmSet: HeaderSet | null = null;
}

// AS 0.17 has no closures: the callback is a top-level function and gets the root back as origin.
function onCalloutResponse(origin: Context, headers: u32, body_size: usize, trailers: u32): void {
  changetype<AugmenterRoot>(origin).handleResponse(headers, body_size);
}

// Imported late to keep the stream context in its own module (AS resolves the cycle).
import { AugmenterStream } from "./stream";
