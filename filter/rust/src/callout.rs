// The callout to the header-providing service: request headers and the response-body contract
// (port of filter/assembly/callout.ts). HTTP 200 with a JSON object of strings; {} is an empty set.
use crate::config::Config;
use crate::json::{JValue, JsonParser, J_BOOL, J_NULL, J_NUM, J_OBJ, J_STR};
use crate::variant::*;

pub const MAX_BODY_BYTES: usize = 65536;
pub const MAX_HEADERS: usize = 64;
pub const MAX_HEADER_BYTES: usize = 8192; // names + values, all headers of the set

const FRAMING: [&str; 8] = [
    "connection",
    "content-length",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

pub fn callout_headers(c: &Config) -> Vec<(&str, &str)> {
    let mut h = vec![
        (":method", "GET"),
        (":path", c.path.as_str()),
        (":authority", if CALLOUT_AUTHORITY_IS_CLUSTER { c.cluster.as_str() } else { c.authority.as_str() }),
    ];
    if !CALLOUT_NO_ACCEPT {
        h.push(("accept", "application/json"));
    }
    h
}

pub struct HeaderList {
    pub names: Vec<String>,
    pub values: Vec<String>,
}

// RFC 9110 token characters.
fn is_token_char(c: u8) -> bool {
    if TOKEN_CHARS_NO_DIGITS && c.is_ascii_digit() {
        return false;
    }
    if c.is_ascii_digit() || c.is_ascii_lowercase() || c.is_ascii_uppercase() {
        return true;
    }
    matches!(c, b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~')
}

fn valid_name(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(is_token_char)
}

// uppercase-names-rejected variant: A-Z left out of the token check, run on the name as sent.
fn valid_lowercase_name(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|c| !c.is_ascii_uppercase() && is_token_char(c))
}

// Names are lowercased in ASCII only (A-Z to a-z), so the token check on the lowered name is the
// check on the name as sent: a name that is no token is refused as sent, never turned into one
// (Unicode lowering maps U+212A KELVIN SIGN to "k").
fn lower_name(key: &str) -> String {
    // unicode-lowercase-names variant: "lowercase it the way the language does" (to_lowercase);
    // no-name-validation keeps the Unicode lowering too, as in AssemblyScript.
    if UNICODE_LOWERCASE_NAMES || NO_NAME_VALIDATION {
        key.to_lowercase()
    } else {
        key.to_ascii_lowercase()
    }
}

// A member's key as a log line shows it (`invalid header name "<key>"`, `value of "<key>" ...`):
// as decoded, except C0 controls and DEL, each written as the six characters \u00XX (lowercase
// hex), so an answer cannot end a log line or forge the next one. `"` and `\` stay as they are.
fn log_key(k: &str) -> String {
    // raw-control-in-log-key variant: "log the key exactly as the service sent it".
    if RAW_CONTROL_IN_LOG_KEY {
        return k.to_string();
    }
    let mut out = String::with_capacity(k.len());
    for c in k.chars() {
        if (c as u32) < 0x20 || c == '\u{7f}' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

// non-string-values-stringified variant: a scalar value is "converted to a string" (its JSON text).
fn stringify_scalar(v: &JValue) -> Option<String> {
    match v.kind {
        J_STR | J_NUM => Some(v.s.clone()),
        J_BOOL => Some(if v.b { "true" } else { "false" }.to_string()),
        J_NULL => Some("null".to_string()),
        _ => None,
    }
}

// RFC 9110 field-value: visible characters, SP, HTAB and obs-text (>= 0x80, valid UTF-8 here).
fn valid_value(v: &str) -> bool {
    for c in v.bytes() {
        if c == 0x0d || c == 0x0a || c == 0 {
            return false;
        }
        if !CONTROL_BYTES_ALLOWED && ((c < 0x20 && c != 0x09) || c == 0x7f) {
            return false;
        }
    }
    true
}

fn forbidden_name(n: &str) -> bool {
    if n == "host" {
        return !HOST_ALLOWED;
    }
    !FRAMING_HEADERS_ALLOWED && FRAMING.contains(&n)
}

// Names are lowercased; two members that differ only in case are a duplicate; any problem
// refuses the whole body (Err(why)).
pub fn parse_header_body(body: &[u8]) -> Result<HeaderList, String> {
    if body.is_empty() {
        if EMPTY_BODY_AS_EMPTY_SET {
            return Ok(HeaderList { names: Vec::new(), values: Vec::new() });
        }
        return Err("empty body".to_string());
    }
    if !NO_SIZE_LIMITS && body.len() > MAX_BODY_BYTES {
        return Err(format!("body too large: {} bytes (limit {})", body.len(), MAX_BODY_BYTES));
    }
    let mut parser = JsonParser::new(body);
    let root = match parser.parse() {
        None => return Err(format!("not JSON ({})", parser.error)),
        Some(r) => r,
    };
    if !ARRAY_BODY_AS_EMPTY_SET && root.kind != J_OBJ {
        return Err(format!("not a JSON object ({})", root.type_name()));
    }
    if !NO_SIZE_LIMITS && root.keys.len() > MAX_HEADERS {
        return Err(format!("too many headers: {} (limit {})", root.keys.len(), MAX_HEADERS));
    }
    let mut r = HeaderList { names: Vec::new(), values: Vec::new() };
    let mut bytes = 0usize;
    for (i, key) in root.keys.iter().enumerate() {
        let name = lower_name(key);
        let v = &root.vals[i];
        let value = if NON_STRING_VALUES_STRINGIFIED {
            stringify_scalar(v)
        } else if v.kind == J_STR {
            Some(v.s.clone())
        } else {
            None
        };
        let value = match value {
            None => return Err(format!("value of \"{}\" is not a string ({})", log_key(key), v.type_name())),
            Some(s) => s,
        };
        if UPPERCASE_NAMES_REJECTED {
            if !valid_lowercase_name(key) {
                return Err(format!("invalid header name \"{}\"", log_key(key)));
            }
        } else if !NO_NAME_VALIDATION && !valid_name(&name) {
            return Err(format!("invalid header name \"{}\"", log_key(key)));
        }
        if forbidden_name(&name) {
            return Err(format!("forbidden header \"{}\"", name));
        }
        if !NO_VALUE_VALIDATION && !valid_value(&value) {
            return Err(format!("invalid value for header \"{}\"", name));
        }
        bytes += name.len() + value.len();
        if !NO_SIZE_LIMITS && bytes > MAX_HEADER_BYTES {
            return Err(format!("headers too large: over {} bytes at \"{}\"", MAX_HEADER_BYTES, name));
        }
        if CASE_SENSITIVE_DUPLICATES {
            if root.keys.iter().position(|k| k == key).unwrap_or(i) < i {
                return Err(format!("duplicate header \"{}\"", name));
            }
        } else if r.names.contains(&name) {
            return Err(format!("duplicate header \"{}\"", name));
        }
        r.names.push(name);
        r.values.push(value);
    }
    Ok(r)
}
