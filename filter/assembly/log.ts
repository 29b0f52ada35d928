// Every line the filter writes starts with "header-augmenter: " so tests and operators can grep for
// it among Envoy's and the runtime's own (very chatty, debug-level) lines.
import { log, LogLevelValues } from "@solo-io/proxy-runtime";
import * as imports from "@solo-io/proxy-runtime/imports";

export const PREFIX = "header-augmenter: ";

export function logDebug(msg: string): void {
  log(LogLevelValues.debug, PREFIX + msg);
}
export function logInfo(msg: string): void {
  log(LogLevelValues.info, PREFIX + msg);
}
export function logWarn(msg: string): void {
  log(LogLevelValues.warn, PREFIX + msg);
}
export function logError(msg: string): void {
  log(LogLevelValues.error, PREFIX + msg);
}

// logDebug("injected headers=" + n.toString()), same bytes, written into a buffer that holds the
// prefix already: it runs on every request, and a 0_2_0 module cannot ask the host for its log level
// (proxy_get_log_level is linked for 0_2_1 only), so the line is always built.
const INJECTED = String.UTF8.encode(PREFIX + "injected headers=");
const injectedLine = prefixedBuffer(INJECTED, 10);

function prefixedBuffer(prefix: ArrayBuffer, room: i32): ArrayBuffer {
  const b = new ArrayBuffer(prefix.byteLength + room);
  memory.copy(changetype<usize>(b), changetype<usize>(prefix), <usize>prefix.byteLength);
  return b;
}

export function logInjected(n: u32): void {
  let digits = 1;
  for (let t = n; t >= 10; t /= 10) digits++;
  const start = changetype<usize>(injectedLine);
  let p = start + <usize>INJECTED.byteLength + <usize>digits;
  const end = p;
  let t = n;
  do {
    store<u8>(--p, 0x30 + t % 10);
    t /= 10;
  } while (t != 0);
  imports.proxy_log(LogLevelValues.debug, start, end - start);
}
