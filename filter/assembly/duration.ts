// Duration strings for the plugin configuration: a positive decimal integer immediately followed by
// one unit, "ms", "s" or "m" ("250ms", "30s", "5m"). No sign, no decimals, no spaces, no other units.
// The grammar is deliberately tiny so that a typo fails the config instead of meaning something else.
import { IS_DURATION_MINUTES_AS_SECONDS, IS_DURATION_UNITLESS_AS_MS, IS_ZERO_DURATION_ACCEPTED } from "./variant.generated";

// Largest accepted duration. Envoy's tick and callout timeouts take u32 milliseconds; staying under
// i32 max keeps every later addition (now + duration) far from overflow.
export const MAX_DURATION_MS: i64 = 2147483647;

// Returns the duration in milliseconds, or -1 when the text is not a valid duration.
export function parseDurationMs(text: string): i64 {
  let i = 0;
  let value: i64 = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + <i64>(c - 0x30);
    // Bail out early so absurdly long digit strings cannot wrap around.
    if (value > MAX_DURATION_MS) return -1;
    i++;
  }
  if (i == 0) return -1; // no digits (also rejects "-5s", "+5s", ".5s")
  const unit = text.substring(i);
  let ms: i64 = -1;
  if (unit == "ms") ms = value;
  else if (unit == "s") ms = value * 1000;
  else if (unit == "m") ms = IS_DURATION_MINUTES_AS_SECONDS ? value * 1000 : value * 60000;
  if (IS_DURATION_UNITLESS_AS_MS) {
    if (unit.length == 0) ms = value; // "a bare number is milliseconds"
  }
  if (IS_ZERO_DURATION_ACCEPTED) {
    if (ms < 0 || ms > MAX_DURATION_MS) return -1; // only the -1 "no unit matched" is treated as invalid
    return ms;
  }
  if (ms <= 0 || ms > MAX_DURATION_MS) return -1; // zero is not a usable period
  return ms;
}
