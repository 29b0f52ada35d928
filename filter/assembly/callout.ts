// The callout to the header-providing service: request headers and the response-body contract.
// Contract: HTTP 200 with a body that is a JSON object whose values are all strings. Each member
// is one header to inject. {} is a valid, empty set. Anything else keeps the previous set.
import { HeaderPair, Headers } from "@solo-io/proxy-runtime";
import { Config } from "./config";
import { JsonParser, J_OBJ, J_STR } from "./json";

function pair(k: string, v: string): HeaderPair {
  return new HeaderPair(String.UTF8.encode(k), String.UTF8.encode(v));
}

export function calloutHeaders(c: Config): Headers {
  const h: Headers = [];
  h.push(pair(":method", "GET"));
  h.push(pair(":path", c.path));
  h.push(pair(":authority", c.authority));
  h.push(pair("accept", "application/json"));
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
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) return true;
  return c == 0x21 || c == 0x23 || c == 0x24 || c == 0x25 || c == 0x26 || c == 0x27 || c == 0x2a ||
    c == 0x2b || c == 0x2d || c == 0x2e || c == 0x5e || c == 0x5f || c == 0x60 || c == 0x7c || c == 0x7e;
}

function validName(n: string): bool {
  if (n.length == 0) return false;
  for (let i = 0; i < n.length; i++) if (!isTokenChar(n.charCodeAt(i))) return false;
  return true;
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
  if (body.byteLength == 0) return bad("empty body");
  const parser = new JsonParser(body);
  const root = parser.parse();
  if (root === null) return bad("not JSON (" + parser.error + ")");
  if (root.kind != J_OBJ) return bad("not a JSON object (" + root.typeName() + ")");
  const r = new BodyResult();
  for (let i = 0; i < root.keys.length; i++) {
    const name = root.keys[i].toLowerCase();
    const v = root.vals[i];
    if (v.kind != J_STR) return bad("value of \"" + root.keys[i] + "\" is not a string (" + v.typeName() + ")");
    if (!validName(name)) return bad("invalid header name \"" + root.keys[i] + "\"");
    if (!validValue(v.s)) return bad("invalid value for header \"" + name + "\"");
    if (r.names.includes(name)) return bad("duplicate header \"" + name + "\"");
    r.names.push(name);
    r.values.push(v.s);
  }
  r.ok = true;
  return r;
}
