// Plugin configuration: parse and validate the whole object up front. Any problem rejects the
// configuration (onConfigure returns false) with exactly one error line naming the key, so the
// filter never runs with half a config.
import { JsonParser, JValue, J_OBJ, J_STR, J_BOOL, J_NUM } from "./json";
import { parseDurationMs } from "./duration";
import {
  IS_LENIENT_CONFIG, IS_NUMBER_AS_STRING_CONFIG, IS_NO_WHITESPACE_CHECK, IS_DUPLICATE_CONFIG_KEY_LAST_WINS,
  IS_DEFAULT_EXPIRY_300S,
} from "./variant.generated";

export const K_CLUSTER = "header_providing_service_cluster";
export const K_PATH = "header_providing_service_path";
export const K_AUTHORITY = "header_providing_service_authority";
export const K_EXPIRY = "header_cache_expiry";
export const K_TICK = "tick_period";
export const K_TIMEOUT = "callout_timeout";
export const K_MISSING = "on_missing_headers";
export const K_OVERWRITE = "overwrite";

const KNOWN_KEYS: string[] = [K_CLUSTER, K_PATH, K_AUTHORITY, K_EXPIRY, K_TICK, K_TIMEOUT, K_MISSING, K_OVERWRITE];

export class Config {
  cluster: string = "";
  path: string = "";
  authority: string = "";
  cacheExpiryMs: i64 = IS_DEFAULT_EXPIRY_300S ? 300000 : 30000;
  tickPeriodMs: i64 = 5000;
  calloutTimeoutMs: i64 = 1000;
  deny: bool = false; // on_missing_headers == "deny"
  overwrite: bool = true;

  summary(): string {
    return "cluster=" + this.cluster + " path=" + this.path + " authority=" + this.authority +
      " tick_period=" + this.tickPeriodMs.toString() + "ms header_cache_expiry=" + this.cacheExpiryMs.toString() +
      "ms callout_timeout=" + this.calloutTimeoutMs.toString() + "ms on_missing_headers=" +
      (this.deny ? "deny" : "pass") + " overwrite=" + (this.overwrite ? "true" : "false");
  }
}

// Either config is set, or key/problem describe the first error found.
export class ConfigResult {
  config: Config | null = null;
  key: string = "";
  problem: string = "";
}

function err(key: string, problem: string): ConfigResult {
  const r = new ConfigResult();
  r.key = key;
  r.problem = problem;
  return r;
}

function find(obj: JValue, key: string): JValue | null {
  if (IS_DUPLICATE_CONFIG_KEY_LAST_WINS) {
    // Map semantics: a later member overwrites an earlier one.
    let last: JValue | null = null;
    for (let i = 0; i < obj.keys.length; i++) if (obj.keys[i] == key) last = obj.vals[i];
    return last;
  }
  for (let i = 0; i < obj.keys.length; i++) if (obj.keys[i] == key) return obj.vals[i];
  return null;
}

// number-as-string-config variant: a tolerant string getter, a number counts as its decimal text
// (the parser keeps a number's raw text in s).
function numberAsString(v: JValue): void {
  if (v.kind == J_NUM) v.kind = J_STR;
}

// Path and authority go into HTTP/2 pseudo-headers of the callout: whitespace or control characters
// would be rejected by Envoy at dispatch time, long after the config was accepted.
function hasBadChars(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c == 0x7f) return true;
  }
  return false;
}

// Returns "" when the (optional) duration key is absent or valid; stores the value in out[0].
function durationProblem(v: JValue | null, out: i64[]): string {
  if (v === null) return "";
  if (v.kind != J_STR) return "must be a string";
  const ms = parseDurationMs(v.s);
  if (ms < 0) return "invalid duration \"" + v.s + "\"";
  out[0] = ms;
  return "";
}

// Checks in a fixed order: JSON syntax, root type, duplicate keys, unknown keys (document order),
// then each known key in the order of KNOWN_KEYS. The first problem wins.
export function parseConfig(raw: ArrayBuffer): ConfigResult {
  const parser = new JsonParser(raw);
  const root = parser.parse();
  if (root === null) return err("<json>", "invalid JSON");
  if (root.kind != J_OBJ) return err("<root>", "must be a JSON object");
  if (!IS_DUPLICATE_CONFIG_KEY_LAST_WINS && parser.duplicateKey.length > 0) return err(parser.duplicateKey, "duplicate key");
  if (!IS_LENIENT_CONFIG) {
    for (let i = 0; i < root.keys.length; i++) {
      if (!KNOWN_KEYS.includes(root.keys[i])) return err(root.keys[i], "unknown key");
    }
  }
  const c = new Config();

  const cluster = find(root, K_CLUSTER);
  if (cluster === null) return err(K_CLUSTER, "required");
  if (IS_NUMBER_AS_STRING_CONFIG) numberAsString(cluster);
  if (cluster.kind != J_STR) return err(K_CLUSTER, "must be a string");
  if (cluster.s.length == 0) return err(K_CLUSTER, "must not be empty");
  c.cluster = cluster.s;

  const path = find(root, K_PATH);
  if (path === null) return err(K_PATH, "required");
  if (IS_NUMBER_AS_STRING_CONFIG) numberAsString(path);
  if (path.kind != J_STR) return err(K_PATH, "must be a string");
  if (!path.s.startsWith("/")) return err(K_PATH, "must start with \"/\"");
  if (!IS_NO_WHITESPACE_CHECK && hasBadChars(path.s)) return err(K_PATH, "must not contain whitespace or control characters");
  c.path = path.s;

  const auth = find(root, K_AUTHORITY);
  if (auth === null) return err(K_AUTHORITY, "required");
  if (IS_NUMBER_AS_STRING_CONFIG) numberAsString(auth);
  if (auth.kind != J_STR) return err(K_AUTHORITY, "must be a string");
  if (auth.s.length == 0) return err(K_AUTHORITY, "must not be empty");
  if (!IS_NO_WHITESPACE_CHECK && hasBadChars(auth.s)) return err(K_AUTHORITY, "must not contain whitespace or control characters");
  c.authority = auth.s;

  const out: i64[] = [0];
  let p = durationProblem(find(root, K_EXPIRY), out);
  if (p.length > 0) return err(K_EXPIRY, p);
  if (out[0] > 0) c.cacheExpiryMs = out[0];
  out[0] = 0;
  p = durationProblem(find(root, K_TICK), out);
  if (p.length > 0) return err(K_TICK, p);
  if (out[0] > 0) c.tickPeriodMs = out[0];
  out[0] = 0;
  p = durationProblem(find(root, K_TIMEOUT), out);
  if (p.length > 0) return err(K_TIMEOUT, p);
  if (out[0] > 0) c.calloutTimeoutMs = out[0];

  const missing = find(root, K_MISSING);
  if (missing !== null) {
    if (missing.kind != J_STR || (missing.s != "pass" && missing.s != "deny")) {
      return err(K_MISSING, "must be \"pass\" or \"deny\"");
    }
    c.deny = missing.s == "deny";
  }

  const ow = find(root, K_OVERWRITE);
  if (ow !== null) {
    if (ow.kind != J_BOOL) return err(K_OVERWRITE, "must be a boolean");
    c.overwrite = ow.b;
  }

  const r = new ConfigResult();
  r.config = c;
  return r;
}

// FNV-1a 32-bit over the raw configuration bytes, as 8 lowercase hex digits. Used in shared-data
// keys so that two plugins (or two configs of one plugin) in the same VM never share a cache/lease.
export function fnv1a32Hex(raw: ArrayBuffer): string {
  const d = Uint8Array.wrap(raw);
  let h: u32 = 0x811c9dc5;
  for (let i = 0; i < d.length; i++) {
    h ^= <u32>d[i];
    h *= 0x01000193;
  }
  // Zero-padded like h.toString(16), without the generic radix formatter.
  let s = "";
  for (let sh = 28; sh >= 0; sh -= 4) s += String.fromCharCode(<i32>"0123456789abcdef".charCodeAt((h >> sh) & 15));
  return s;
}
