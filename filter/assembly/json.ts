// Minimal strict JSON parser.
//
// Why not assemblyscript-json: its decoder reports malformed input with assert() (which aborts the
// whole VM, or with --noAssert runs on with garbage), and its parser state is never initialised when
// first reached from an overridden method (PROXY-RUNTIME.md trap 1). Both the plugin configuration
// and the header service body are untrusted input that must produce an error, never a trap, so we
// parse them here. Objects keep their keys in document order (the first-header-only variant and
// error messages rely on it).
import { IS_INVALID_UTF8_ACCEPTED, IS_LONE_SURROGATE_REPLACED } from "./variant.generated";

// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
function validUtf8(b: Array<u8>): bool {
  let i = 0;
  while (i < b.length) {
    const c = <i32>b[i];
    let n = 0;
    let min = 0;
    if (c < 0x80) { i++; continue; }
    else if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
    else return false;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      if (i + k >= b.length) return false;
      const cc = <i32>b[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}


export const J_NULL: i32 = 0;
export const J_BOOL: i32 = 1;
export const J_NUM: i32 = 2;
export const J_STR: i32 = 3;
export const J_ARR: i32 = 4;
export const J_OBJ: i32 = 5;

// Deep nesting is never valid for our inputs; the limit keeps recursion off the host's stack limit.
const MAX_DEPTH: i32 = 32;

export class JValue {
  kind: i32;
  b: bool = false;
  s: string = ""; // string value, or the raw text of a number
  keys: string[] = []; // object keys in document order (duplicates are rejected)
  vals: JValue[] = []; // object values / array items

  constructor(kind: i32) {
    this.kind = kind;
  }

  typeName(): string {
    if (this.kind == J_NULL) return "null";
    if (this.kind == J_BOOL) return "boolean";
    if (this.kind == J_NUM) return "number";
    if (this.kind == J_STR) return "string";
    if (this.kind == J_ARR) return "array";
    return "object";
  }
}

export class JsonParser {
  private d: Uint8Array;
  private p: i32 = 0;
  error: string = "";
  // Set when an object holds the same key twice; reported by callers with the key name.
  duplicateKey: string = "";

  constructor(data: ArrayBuffer) {
    this.d = Uint8Array.wrap(data);
  }

  // Returns null (and sets error) on any syntax error, including trailing garbage.
  parse(): JValue | null {
    this.ws();
    const v = this.value(0);
    if (v === null) return null;
    this.ws();
    if (this.p != this.d.length) return this.fail("trailing data");
    return v;
  }

  private fail(msg: string): JValue | null {
    if (this.error.length == 0) this.error = msg + " at offset " + this.p.toString();
    return null;
  }

  private peek(): i32 {
    return this.p < this.d.length ? <i32>this.d[this.p] : -1;
  }

  private ws(): void {
    while (this.p < this.d.length) {
      const c = this.d[this.p];
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
      this.p++;
    }
  }

  private lit(word: string): bool {
    for (let i = 0; i < word.length; i++) {
      if (this.peek() != word.charCodeAt(i)) return false;
      this.p++;
    }
    return true;
  }

  private value(depth: i32): JValue | null {
    if (depth > MAX_DEPTH) return this.fail("nesting too deep");
    const c = this.peek();
    if (c == 0x7b) return this.object(depth);
    if (c == 0x5b) return this.array(depth);
    if (c == 0x22) {
      const s = this.str();
      if (s === null) return null;
      const v = new JValue(J_STR);
      v.s = s;
      return v;
    }
    if (c == 0x74 || c == 0x66) {
      const t = c == 0x74;
      if (!this.lit(t ? "true" : "false")) return this.fail("invalid literal");
      const v = new JValue(J_BOOL);
      v.b = t;
      return v;
    }
    if (c == 0x6e) {
      if (!this.lit("null")) return this.fail("invalid literal");
      return new JValue(J_NULL);
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.num();
    return this.fail("unexpected character");
  }

  private digits(): i32 {
    let n = 0;
    while (this.peek() >= 0x30 && this.peek() <= 0x39) {
      this.p++;
      n++;
    }
    return n;
  }

  private num(): JValue | null {
    const start = this.p;
    if (this.peek() == 0x2d) this.p++;
    if (this.peek() == 0x30) this.p++;
    else if (this.digits() == 0) return this.fail("invalid number");
    if (this.peek() == 0x2e) {
      this.p++;
      if (this.digits() == 0) return this.fail("invalid number");
    }
    if (this.peek() == 0x65 || this.peek() == 0x45) {
      this.p++;
      if (this.peek() == 0x2b || this.peek() == 0x2d) this.p++;
      if (this.digits() == 0) return this.fail("invalid number");
    }
    const v = new JValue(J_NUM);
    v.s = String.UTF8.decode(this.d.buffer.slice(start, this.p));
    return v;
  }

  private hex4(): i32 {
    if (this.p + 4 > this.d.length) return -1;
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = <i32>this.d[this.p++];
      let h = -1;
      if (c >= 0x30 && c <= 0x39) h = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) h = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) h = c - 0x41 + 10;
      if (h < 0) return -1;
      v = (v << 4) | h;
    }
    return v;
  }

  // Strings are collected as UTF-8 bytes (escapes re-encoded) and decoded once at the end.
  private str(): string | null {
    this.p++; // opening quote
    const out = new Array<u8>();
    while (true) {
      if (this.p >= this.d.length) {
        this.fail("unterminated string");
        return null;
      }
      const c = this.d[this.p++];
      if (c == 0x22) {
        // JSON text is UTF-8 (RFC 8259): bytes that are not would be decoded into something else
        // than the service sent, so they are refused, not repaired.
        if (!IS_INVALID_UTF8_ACCEPTED && !validUtf8(out)) {
          this.fail("invalid UTF-8 in string");
          return null;
        }
        break;
      }
      if (c < 0x20) {
        this.fail("control character in string");
        return null;
      }
      if (c != 0x5c) {
        out.push(c);
        continue;
      }
      if (this.p >= this.d.length) {
        this.fail("unterminated string");
        return null;
      }
      const e = this.d[this.p++];
      if (e == 0x22 || e == 0x5c || e == 0x2f) out.push(e);
      else if (e == 0x62) out.push(0x08);
      else if (e == 0x66) out.push(0x0c);
      else if (e == 0x6e) out.push(0x0a);
      else if (e == 0x72) out.push(0x0d);
      else if (e == 0x74) out.push(0x09);
      else if (e == 0x75) {
        let cp = this.hex4();
        if (cp < 0) {
          this.fail("invalid \\u escape");
          return null;
        }
        if (cp >= 0xd800 && cp <= 0xdbff && this.peek() == 0x5c) {
          const save = this.p;
          this.p++;
          if (this.peek() == 0x75) {
            this.p++;
            const lo = this.hex4();
            if (lo >= 0xdc00 && lo <= 0xdfff) cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            else this.p = save;
          } else this.p = save;
        }
        // A lone surrogate (a low one, or a high one not followed by a low one's escape) is no
        // character: reading it as U+FFFD would change the value the service sent, like bytes that
        // are not UTF-8. The offset is one past the lone escape's fourth hex digit (p is back there).
        if (cp >= 0xd800 && cp <= 0xdfff) {
          // lone-surrogate-replaced variant: "decode it as the replacement character, like a browser".
          if (IS_LONE_SURROGATE_REPLACED) cp = 0xfffd;
          else {
            this.fail("lone surrogate escape");
            return null;
          }
        }
        if (cp < 0x80) out.push(<u8>cp);
        else if (cp < 0x800) {
          out.push(<u8>(0xc0 | (cp >> 6)));
          out.push(<u8>(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
          out.push(<u8>(0xe0 | (cp >> 12)));
          out.push(<u8>(0x80 | ((cp >> 6) & 0x3f)));
          out.push(<u8>(0x80 | (cp & 0x3f)));
        } else {
          out.push(<u8>(0xf0 | (cp >> 18)));
          out.push(<u8>(0x80 | ((cp >> 12) & 0x3f)));
          out.push(<u8>(0x80 | ((cp >> 6) & 0x3f)));
          out.push(<u8>(0x80 | (cp & 0x3f)));
        }
      } else {
        this.fail("invalid escape");
        return null;
      }
    }
    const buf = new ArrayBuffer(out.length);
    const view = Uint8Array.wrap(buf);
    for (let i = 0; i < out.length; i++) view[i] = out[i];
    return String.UTF8.decode(buf);
  }

  private array(depth: i32): JValue | null {
    this.p++;
    const v = new JValue(J_ARR);
    this.ws();
    if (this.peek() == 0x5d) {
      this.p++;
      return v;
    }
    while (true) {
      this.ws();
      const item = this.value(depth + 1);
      if (item === null) return null;
      v.vals.push(item);
      this.ws();
      const c = this.peek();
      this.p++;
      if (c == 0x5d) return v;
      if (c != 0x2c) return this.fail("expected ',' or ']'");
    }
    return v;
  }

  private object(depth: i32): JValue | null {
    this.p++;
    const v = new JValue(J_OBJ);
    this.ws();
    if (this.peek() == 0x7d) {
      this.p++;
      return v;
    }
    while (true) {
      this.ws();
      if (this.peek() != 0x22) return this.fail("expected string key");
      const k = this.str();
      if (k === null) return null;
      this.ws();
      if (this.peek() != 0x3a) return this.fail("expected ':'");
      this.p++;
      this.ws();
      const item = this.value(depth + 1);
      if (item === null) return null;
      if (v.keys.includes(k) && this.duplicateKey.length == 0) this.duplicateKey = k;
      v.keys.push(k);
      v.vals.push(item);
      this.ws();
      const c = this.peek();
      this.p++;
      if (c == 0x7d) return v;
      if (c != 0x2c) return this.fail("expected ',' or '}'");
    }
    return v;
  }
}
