// Every line the filter writes starts with "header-augmenter: " so tests and operators can grep for
// it among Envoy's and the runtime's own (very chatty, debug-level) lines.
import { log, LogLevelValues } from "@solo-io/proxy-runtime";

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
