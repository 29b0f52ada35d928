// Minimal strict JSON parser, a line-by-line port of filter/assembly/json.ts: the error messages
// and byte offsets (`<error> at offset <n>`) are part of the filter's log lines and must match.
// Objects keep their keys in document order.
use crate::variant::{INVALID_UTF8_ACCEPTED, LONE_SURROGATE_REPLACED};

// Well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
fn valid_utf8(b: &[u8]) -> bool {
    let mut i = 0usize;
    while i < b.len() {
        let c = b[i] as i32;
        let n: usize;
        let min: i32;
        if c < 0x80 {
            i += 1;
            continue;
        } else if (0xc2..=0xdf).contains(&c) {
            n = 1;
            min = 0x80;
        } else if (0xe0..=0xef).contains(&c) {
            n = 2;
            min = 0x800;
        } else if (0xf0..=0xf4).contains(&c) {
            n = 3;
            min = 0x10000;
        } else {
            return false;
        }
        let mut cp = c & (0x3f >> n);
        for k in 1..=n {
            if i + k >= b.len() {
                return false;
            }
            let cc = b[i + k] as i32;
            if (cc & 0xc0) != 0x80 {
                return false;
            }
            cp = (cp << 6) | (cc & 0x3f);
        }
        if cp < min || cp > 0x10ffff || (0xd800..=0xdfff).contains(&cp) {
            return false;
        }
        i += n + 1;
    }
    true
}

pub const J_NULL: i32 = 0;
pub const J_BOOL: i32 = 1;
pub const J_NUM: i32 = 2;
pub const J_STR: i32 = 3;
pub const J_ARR: i32 = 4;
pub const J_OBJ: i32 = 5;

const MAX_DEPTH: i32 = 32;

pub struct JValue {
    pub kind: i32,
    pub b: bool,
    pub s: String, // string value, or the raw text of a number
    pub keys: Vec<String>,
    pub vals: Vec<JValue>,
}

impl JValue {
    fn new(kind: i32) -> JValue {
        JValue { kind, b: false, s: String::new(), keys: Vec::new(), vals: Vec::new() }
    }

    pub fn type_name(&self) -> &'static str {
        match self.kind {
            J_NULL => "null",
            J_BOOL => "boolean",
            J_NUM => "number",
            J_STR => "string",
            J_ARR => "array",
            _ => "object",
        }
    }
}

pub struct JsonParser<'a> {
    d: &'a [u8],
    p: usize,
    pub error: String,
    pub duplicate_key: String,
}

impl<'a> JsonParser<'a> {
    pub fn new(d: &'a [u8]) -> JsonParser<'a> {
        JsonParser { d, p: 0, error: String::new(), duplicate_key: String::new() }
    }

    // None (and error set) on any syntax error, including trailing garbage.
    pub fn parse(&mut self) -> Option<JValue> {
        self.ws();
        let v = self.value(0)?;
        self.ws();
        if self.p != self.d.len() {
            return self.fail("trailing data");
        }
        Some(v)
    }

    fn fail<T>(&mut self, msg: &str) -> Option<T> {
        if self.error.is_empty() {
            self.error = format!("{} at offset {}", msg, self.p);
        }
        None
    }

    fn peek(&self) -> i32 {
        if self.p < self.d.len() {
            self.d[self.p] as i32
        } else {
            -1
        }
    }

    fn ws(&mut self) {
        while self.p < self.d.len() {
            let c = self.d[self.p];
            if c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d {
                break;
            }
            self.p += 1;
        }
    }

    fn lit(&mut self, word: &str) -> bool {
        for &w in word.as_bytes() {
            if self.peek() != w as i32 {
                return false;
            }
            self.p += 1;
        }
        true
    }

    fn value(&mut self, depth: i32) -> Option<JValue> {
        if depth > MAX_DEPTH {
            return self.fail("nesting too deep");
        }
        let c = self.peek();
        if c == 0x7b {
            return self.object(depth);
        }
        if c == 0x5b {
            return self.array(depth);
        }
        if c == 0x22 {
            let s = self.str()?;
            let mut v = JValue::new(J_STR);
            v.s = s;
            return Some(v);
        }
        if c == 0x74 || c == 0x66 {
            let t = c == 0x74;
            if !self.lit(if t { "true" } else { "false" }) {
                return self.fail("invalid literal");
            }
            let mut v = JValue::new(J_BOOL);
            v.b = t;
            return Some(v);
        }
        if c == 0x6e {
            if !self.lit("null") {
                return self.fail("invalid literal");
            }
            return Some(JValue::new(J_NULL));
        }
        if c == 0x2d || (0x30..=0x39).contains(&c) {
            return self.num();
        }
        self.fail("unexpected character")
    }

    fn digits(&mut self) -> i32 {
        let mut n = 0;
        while self.peek() >= 0x30 && self.peek() <= 0x39 {
            self.p += 1;
            n += 1;
        }
        n
    }

    fn num(&mut self) -> Option<JValue> {
        let start = self.p;
        if self.peek() == 0x2d {
            self.p += 1;
        }
        if self.peek() == 0x30 {
            self.p += 1;
        } else if self.digits() == 0 {
            return self.fail("invalid number");
        }
        if self.peek() == 0x2e {
            self.p += 1;
            if self.digits() == 0 {
                return self.fail("invalid number");
            }
        }
        if self.peek() == 0x65 || self.peek() == 0x45 {
            self.p += 1;
            if self.peek() == 0x2b || self.peek() == 0x2d {
                self.p += 1;
            }
            if self.digits() == 0 {
                return self.fail("invalid number");
            }
        }
        let mut v = JValue::new(J_NUM);
        v.s = String::from_utf8_lossy(&self.d[start..self.p]).into_owned();
        Some(v)
    }

    fn hex4(&mut self) -> i32 {
        if self.p + 4 > self.d.len() {
            return -1;
        }
        let mut v = 0i32;
        for _ in 0..4 {
            let c = self.d[self.p] as i32;
            self.p += 1;
            let h = if (0x30..=0x39).contains(&c) {
                c - 0x30
            } else if (0x61..=0x66).contains(&c) {
                c - 0x61 + 10
            } else if (0x41..=0x46).contains(&c) {
                c - 0x41 + 10
            } else {
                -1
            };
            if h < 0 {
                return -1;
            }
            v = (v << 4) | h;
        }
        v
    }

    // Strings are collected as UTF-8 bytes (escapes re-encoded) and decoded once at the end.
    fn str(&mut self) -> Option<String> {
        self.p += 1; // opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            if self.p >= self.d.len() {
                return self.fail("unterminated string");
            }
            let c = self.d[self.p];
            self.p += 1;
            if c == 0x22 {
                if !INVALID_UTF8_ACCEPTED && !valid_utf8(&out) {
                    return self.fail("invalid UTF-8 in string");
                }
                break;
            }
            if c < 0x20 {
                return self.fail("control character in string");
            }
            if c != 0x5c {
                out.push(c);
                continue;
            }
            if self.p >= self.d.len() {
                return self.fail("unterminated string");
            }
            let e = self.d[self.p];
            self.p += 1;
            if e == 0x22 || e == 0x5c || e == 0x2f {
                out.push(e);
            } else if e == 0x62 {
                out.push(0x08);
            } else if e == 0x66 {
                out.push(0x0c);
            } else if e == 0x6e {
                out.push(0x0a);
            } else if e == 0x72 {
                out.push(0x0d);
            } else if e == 0x74 {
                out.push(0x09);
            } else if e == 0x75 {
                let mut cp = self.hex4();
                if cp < 0 {
                    return self.fail("invalid \\u escape");
                }
                if (0xd800..=0xdbff).contains(&cp) && self.peek() == 0x5c {
                    let save = self.p;
                    self.p += 1;
                    if self.peek() == 0x75 {
                        self.p += 1;
                        let lo = self.hex4();
                        if (0xdc00..=0xdfff).contains(&lo) {
                            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        } else {
                            self.p = save;
                        }
                    } else {
                        self.p = save;
                    }
                }
                // A lone surrogate (a low one, or a high one not followed by a low one's escape) is
                // no character: refused like bytes that are not UTF-8, one past the lone escape's
                // fourth hex digit (p is back there).
                if (0xd800..=0xdfff).contains(&cp) {
                    // lone-surrogate-replaced variant: "decode it as the replacement character, like a browser".
                    if LONE_SURROGATE_REPLACED {
                        cp = 0xfffd;
                    } else {
                        return self.fail("lone surrogate escape");
                    }
                }
                if cp < 0x80 {
                    out.push(cp as u8);
                } else if cp < 0x800 {
                    out.push((0xc0 | (cp >> 6)) as u8);
                    out.push((0x80 | (cp & 0x3f)) as u8);
                } else if cp < 0x10000 {
                    out.push((0xe0 | (cp >> 12)) as u8);
                    out.push((0x80 | ((cp >> 6) & 0x3f)) as u8);
                    out.push((0x80 | (cp & 0x3f)) as u8);
                } else {
                    out.push((0xf0 | (cp >> 18)) as u8);
                    out.push((0x80 | ((cp >> 12) & 0x3f)) as u8);
                    out.push((0x80 | ((cp >> 6) & 0x3f)) as u8);
                    out.push((0x80 | (cp & 0x3f)) as u8);
                }
            } else {
                return self.fail("invalid escape");
            }
        }
        Some(match String::from_utf8(out) {
            Ok(s) => s,
            // Only reachable in the invalid-utf8-accepted variant.
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    fn array(&mut self, depth: i32) -> Option<JValue> {
        self.p += 1;
        let mut v = JValue::new(J_ARR);
        self.ws();
        if self.peek() == 0x5d {
            self.p += 1;
            return Some(v);
        }
        loop {
            self.ws();
            let item = self.value(depth + 1)?;
            v.vals.push(item);
            self.ws();
            let c = self.peek();
            self.p += 1;
            if c == 0x5d {
                return Some(v);
            }
            if c != 0x2c {
                return self.fail("expected ',' or ']'");
            }
        }
    }

    fn object(&mut self, depth: i32) -> Option<JValue> {
        self.p += 1;
        let mut v = JValue::new(J_OBJ);
        self.ws();
        if self.peek() == 0x7d {
            self.p += 1;
            return Some(v);
        }
        loop {
            self.ws();
            if self.peek() != 0x22 {
                return self.fail("expected string key");
            }
            let k = self.str()?;
            self.ws();
            if self.peek() != 0x3a {
                return self.fail("expected ':'");
            }
            self.p += 1;
            self.ws();
            let item = self.value(depth + 1)?;
            if self.duplicate_key.is_empty() && v.keys.iter().any(|x| *x == k) {
                self.duplicate_key = k.clone();
            }
            v.keys.push(k);
            v.vals.push(item);
            self.ws();
            let c = self.peek();
            self.p += 1;
            if c == 0x7d {
                return Some(v);
            }
            if c != 0x2c {
                return self.fail("expected ',' or '}'");
            }
        }
    }
}
