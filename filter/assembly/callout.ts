// The callout to the header-providing service: request headers and the response-body contract.
// Contract: HTTP 200 with a body that is a JSON object whose values are all strings. Each member
// is one header to inject. {} is a valid, empty set. Anything else keeps the previous set.
import { HeaderPair, Headers } from "@solo-io/proxy-runtime";
import { Config } from "./config";
import { JsonParser, JValue, J_OBJ, J_STR, J_NUM, J_BOOL, J_NULL } from "./json";
import {
  IS_CALLOUT_AUTHORITY_IS_CLUSTER, IS_NON_STRING_VALUES_STRINGIFIED, IS_ARRAY_BODY_AS_EMPTY_SET,
  IS_EMPTY_BODY_AS_EMPTY_SET, IS_NO_NAME_VALIDATION, IS_NO_VALUE_VALIDATION, IS_CASE_SENSITIVE_DUPLICATES,
  IS_UPPERCASE_NAMES_REJECTED, IS_TOKEN_CHARS_NO_DIGITS, IS_CALLOUT_NO_ACCEPT,
  IS_FRAMING_HEADERS_ALLOWED, IS_HOST_ALLOWED, IS_CONTROL_BYTES_ALLOWED, IS_NO_SIZE_LIMITS,
  IS_RAW_CONTROL_IN_LOG_KEY, IS_UNICODE_LOWERCASE_NAMES,
} from "./variant.generated";

// Limits on one answer. A header service hands out a token or a few headers; an answer near these
// is broken or hostile, and injecting it would push every request toward Envoy's and the upstreams'
// header limits (Node's default is 16 KiB for the whole header section).
export const MAX_BODY_BYTES: i32 = 65536;
export const MAX_HEADERS: i32 = 64;
export const MAX_HEADER_BYTES: i32 = 8192; // names + values, all headers of the set

// Valid tokens this filter never sets. `host` routes the request; the framing and hop-by-hop
// headers decide how the body is delimited and what the next hop does with the connection: an
// injected one could smuggle a second request or change the first. An answer naming one is refused
// whole, like any other invalid answer: half an answer is not the set the service meant.
const FRAMING: string[] = ["connection", "content-length", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];

function pair(k: string, v: string): HeaderPair {
  return new HeaderPair(String.UTF8.encode(k), String.UTF8.encode(v));
}

export function calloutHeaders(c: Config): Headers {
  const h: Headers = [];
  h.push(pair(":method", "GET"));
  h.push(pair(":path", c.path));
  h.push(pair(":authority", IS_CALLOUT_AUTHORITY_IS_CLUSTER ? c.cluster : c.authority));
  if (!IS_CALLOUT_NO_ACCEPT) h.push(pair("accept", "application/json"));
  return h;
}

export class BodyResult {
  ok: bool = false;
  why: string = "";
  names: string[] = [];
  values: string[] = [];
}

function bad(why: string): BodyResult {
  const r = new BodyResult();
  r.why = why;
  return r;
}

// RFC 9110 token characters. A ':' (pseudo-header) or space in a name would make Envoy reject or
// corrupt the upstream request, and would break our shared-data line encoding.
function isTokenChar(c: i32): bool {
  // token-chars-no-digits variant: "a header name is letters and punctuation" (x-b3-traceid is refused).
  if (IS_TOKEN_CHARS_NO_DIGITS && c >= 0x30 && c <= 0x39) return false;
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) return true;
  return c == 0x21 || c == 0x23 || c == 0x24 || c == 0x25 || c == 0x26 || c == 0x27 || c == 0x2a ||
    c == 0x2b || c == 0x2d || c == 0x2e || c == 0x5e || c == 0x5f || c == 0x60 || c == 0x7c || c == 0x7e;
}

// Names are lowercased in ASCII only (A-Z to a-z), so the token check on the lowered name is the
// check on the name as sent: a name that is no token is refused as sent, never turned into one.
// Unicode lowering would: U+212A (Kelvin sign) lowers to "k", the one code point besides A-Z that
// lowers to ASCII (checked exhaustively against AS 0.17's toLowerCase).
function lowerName(s: string): string {
  const n = s.length;
  const out = __new(<usize>n << 1, idof<String>());
  for (let i = 0; i < n; i++) {
    let c = <u32>s.charCodeAt(i);
    if (c - 0x41 < 26) c += 0x20;
    // unicode-lowercase-names variant: "lowercase it the way the language does" (toLowerCase).
    else if (IS_UNICODE_LOWERCASE_NAMES) {
      if (c == 0x212a) c = 0x6b;
    }
    store<u16>(out + (<usize>i << 1), c);
  }
  return changetype<string>(out);
}

// A member's key as a log line shows it (`invalid header name "<key>"`, `value of "<key>" ...`):
// as decoded, except C0 controls and DEL, each written as the six characters \u00XX (lowercase
// hex), so an answer cannot end a log line or forge the next one. `"` and `\` stay as they are.
function logKey(k: string): string {
  // raw-control-in-log-key variant: "log the key exactly as the service sent it".
  if (IS_RAW_CONTROL_IN_LOG_KEY) return k;
  const n = k.length;
  let extra = 0;
  for (let i = 0; i < n; i++) {
    const c = k.charCodeAt(i);
    if (c < 0x20 || c == 0x7f) extra += 5;
  }
  if (extra == 0) return k;
  const out = __new(<usize>(n + extra) << 1, idof<String>());
  let j: usize = 0;
  for (let i = 0; i < n; i++) {
    const c = <u32>k.charCodeAt(i);
    if (c < 0x20 || c == 0x7f) {
      const hi = c >> 4;
      const lo = c & 15;
      store<u16>(out + (j << 1), 0x5c); // backslash
      store<u16>(out + ((j + 1) << 1), 0x75); // u
      store<u16>(out + ((j + 2) << 1), 0x30);
      store<u16>(out + ((j + 3) << 1), 0x30);
      store<u16>(out + ((j + 4) << 1), hi < 10 ? 0x30 + hi : 0x57 + hi);
      store<u16>(out + ((j + 5) << 1), lo < 10 ? 0x30 + lo : 0x57 + lo);
      j += 6;
    } else {
      store<u16>(out + (j << 1), c);
      j++;
    }
  }
  return changetype<string>(out);
}

function validName(n: string): bool {
  if (n.length == 0) return false;
  for (let i = 0; i < n.length; i++) if (!isTokenChar(n.charCodeAt(i))) return false;
  return true;
}

// uppercase-names-rejected variant: "HTTP/2 header names are lowercase", so A-Z is left out of the
// token check, which then runs on the name as sent.
function validLowercaseName(n: string): bool {
  if (n.length == 0) return false;
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || !isTokenChar(c)) return false;
  }
  return true;
}

// non-string-values-stringified variant: a scalar value is "converted to a string" (its JSON text).
function stringifyScalar(v: JValue): void {
  if (v.kind == J_NUM) v.kind = J_STR; // s already holds the number's text
  else if (v.kind == J_BOOL) {
    v.s = v.b ? "true" : "false";
    v.kind = J_STR;
  } else if (v.kind == J_NULL) {
    v.s = "null";
    v.kind = J_STR;
  }
}

// RFC 9110 field-value: visible characters, SP, HTAB and obs-text (>= 0x80, here valid UTF-8).
// CR, LF and NUL would split the header (and break the cache's line encoding); the other control
// bytes and DEL are refused by HTTP/2 and by strict HTTP/1 parsers upstream.
function validValue(v: string): bool {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c == 0x0d || c == 0x0a || c == 0) return false;
    // control-bytes-allowed variant: "only CR, LF and NUL can break a header".
    if (!IS_CONTROL_BYTES_ALLOWED && ((c < 0x20 && c != 0x09) || c == 0x7f)) return false;
  }
  return true;
}

function forbiddenName(n: string): bool {
  if (n == "host") return !IS_HOST_ALLOWED;
  return !IS_FRAMING_HEADERS_ALLOWED && FRAMING.includes(n);
}

// Header names are lowercased (HTTP/2 and Envoy's header maps are lowercase); two members that
// differ only in case are a duplicate and make the whole body invalid.
export function parseHeaderBody(body: ArrayBuffer): BodyResult {
  if (body.byteLength == 0) {
    if (IS_EMPTY_BODY_AS_EMPTY_SET) {
      // "No content means no headers."
      const empty = new BodyResult();
      empty.ok = true;
      return empty;
    }
    return bad("empty body");
  }
  // no-size-limits variant: "the service is trusted to send a sane answer".
  if (!IS_NO_SIZE_LIMITS && body.byteLength > MAX_BODY_BYTES) return bad("body too large: " + body.byteLength.toString() + " bytes (limit " + MAX_BODY_BYTES.toString() + ")");
  const parser = new JsonParser(body);
  const root = parser.parse();
  if (root === null) return bad("not JSON (" + parser.error + ")");
  // array-body-as-empty-set variant: no root type check; an array has no members, so 0 headers.
  if (!IS_ARRAY_BODY_AS_EMPTY_SET) {
    if (root.kind != J_OBJ) return bad("not a JSON object (" + root.typeName() + ")");
  }
  if (!IS_NO_SIZE_LIMITS && root.keys.length > MAX_HEADERS) return bad("too many headers: " + root.keys.length.toString() + " (limit " + MAX_HEADERS.toString() + ")");
  const r = new BodyResult();
  let bytes = 0;
  for (let i = 0; i < root.keys.length; i++) {
    // no-name-validation variant: unvalidated names keep the full Unicode lowering.
    const name = IS_NO_NAME_VALIDATION ? root.keys[i].toLowerCase() : lowerName(root.keys[i]);
    const v = root.vals[i];
    if (IS_NON_STRING_VALUES_STRINGIFIED) stringifyScalar(v);
    if (v.kind != J_STR) return bad("value of \"" + logKey(root.keys[i]) + "\" is not a string (" + v.typeName() + ")");
    if (IS_UPPERCASE_NAMES_REJECTED) {
      if (!validLowercaseName(root.keys[i])) return bad("invalid header name \"" + logKey(root.keys[i]) + "\"");
    } else if (!IS_NO_NAME_VALIDATION) {
      if (!validName(name)) return bad("invalid header name \"" + logKey(root.keys[i]) + "\"");
    }
    if (forbiddenName(name)) return bad("forbidden header \"" + name + "\"");
    if (!IS_NO_VALUE_VALIDATION) {
      if (!validValue(v.s)) return bad("invalid value for header \"" + name + "\"");
    }
    bytes += String.UTF8.byteLength(name) + String.UTF8.byteLength(v.s);
    if (!IS_NO_SIZE_LIMITS && bytes > MAX_HEADER_BYTES) return bad("headers too large: over " + MAX_HEADER_BYTES.toString() + " bytes at \"" + name + "\"");
    if (IS_CASE_SENSITIVE_DUPLICATES) {
      // Compared as sent: "X-Idp-Token" and "x-idp-token" are different keys here.
      if (root.keys.indexOf(root.keys[i]) < i) return bad("duplicate header \"" + name + "\"");
    } else if (r.names.includes(name)) return bad("duplicate header \"" + name + "\"");
    r.names.push(name);
    r.values.push(v.s);
  }
  r.ok = true;
  return r;
}
