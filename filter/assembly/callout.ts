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
} from "./variant.generated";

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

// CR, LF and NUL are never legal in a header value (and would break the line encoding).
function validValue(v: string): bool {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c == 0x0d || c == 0x0a || c == 0) return false;
  }
  return true;
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
  const parser = new JsonParser(body);
  const root = parser.parse();
  if (root === null) return bad("not JSON (" + parser.error + ")");
  // array-body-as-empty-set variant: no root type check; an array has no members, so 0 headers.
  if (!IS_ARRAY_BODY_AS_EMPTY_SET) {
    if (root.kind != J_OBJ) return bad("not a JSON object (" + root.typeName() + ")");
  }
  const r = new BodyResult();
  for (let i = 0; i < root.keys.length; i++) {
    const name = root.keys[i].toLowerCase();
    const v = root.vals[i];
    if (IS_NON_STRING_VALUES_STRINGIFIED) stringifyScalar(v);
    if (v.kind != J_STR) return bad("value of \"" + root.keys[i] + "\" is not a string (" + v.typeName() + ")");
    if (IS_UPPERCASE_NAMES_REJECTED) {
      if (!validLowercaseName(root.keys[i])) return bad("invalid header name \"" + root.keys[i] + "\"");
    } else if (!IS_NO_NAME_VALIDATION) {
      if (!validName(name)) return bad("invalid header name \"" + root.keys[i] + "\"");
    }
    if (!IS_NO_VALUE_VALIDATION) {
      if (!validValue(v.s)) return bad("invalid value for header \"" + name + "\"");
    }
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
