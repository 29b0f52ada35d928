// Plugin configuration: parse and validate the whole object up front. Any problem rejects the
// configuration with exactly one error line naming the key (port of filter/assembly/config.ts).
use crate::duration::parse_duration_ms;
use crate::json::{JValue, JsonParser, J_BOOL, J_NUM, J_OBJ, J_STR};
use crate::variant::*;

pub const K_CLUSTER: &str = "header_providing_service_cluster";
pub const K_PATH: &str = "header_providing_service_path";
pub const K_AUTHORITY: &str = "header_providing_service_authority";
pub const K_EXPIRY: &str = "header_cache_expiry";
pub const K_TICK: &str = "tick_period";
pub const K_TIMEOUT: &str = "callout_timeout";
pub const K_MISSING: &str = "on_missing_headers";
pub const K_OVERWRITE: &str = "overwrite";

const KNOWN_KEYS: [&str; 8] = [K_CLUSTER, K_PATH, K_AUTHORITY, K_EXPIRY, K_TICK, K_TIMEOUT, K_MISSING, K_OVERWRITE];

#[derive(Clone)]
pub struct Config {
    pub cluster: String,
    pub path: String,
    pub authority: String,
    pub cache_expiry_ms: i64,
    pub tick_period_ms: i64,
    pub callout_timeout_ms: i64,
    pub deny: bool,
    pub overwrite: bool,
}

impl Config {
    fn new() -> Config {
        Config {
            cluster: String::new(),
            path: String::new(),
            authority: String::new(),
            cache_expiry_ms: if DEFAULT_EXPIRY_300S { 300000 } else { 30000 },
            tick_period_ms: 5000,
            callout_timeout_ms: 1000,
            deny: false,
            overwrite: true,
        }
    }

    pub fn summary(&self) -> String {
        format!(
            "cluster={} path={} authority={} tick_period={}ms header_cache_expiry={}ms callout_timeout={}ms on_missing_headers={} overwrite={}",
            self.cluster,
            self.path,
            self.authority,
            self.tick_period_ms,
            self.cache_expiry_ms,
            self.callout_timeout_ms,
            if self.deny { "deny" } else { "pass" },
            if self.overwrite { "true" } else { "false" }
        )
    }
}

// Err((key, problem)): the first error found.
pub type ConfigResult = Result<Config, (String, String)>;

fn err(key: &str, problem: &str) -> ConfigResult {
    Err((key.to_string(), problem.to_string()))
}

fn find<'a>(obj: &'a JValue, key: &str) -> Option<&'a JValue> {
    if DUPLICATE_CONFIG_KEY_LAST_WINS {
        let mut last = None;
        for (i, k) in obj.keys.iter().enumerate() {
            if k == key {
                last = Some(&obj.vals[i]);
            }
        }
        return last;
    }
    obj.keys.iter().position(|k| k == key).map(|i| &obj.vals[i])
}

// number-as-string-config variant: a number counts as its decimal text.
fn kind_of(v: &JValue) -> i32 {
    if NUMBER_AS_STRING_CONFIG && v.kind == J_NUM {
        J_STR
    } else {
        v.kind
    }
}

// Whitespace or control characters would be rejected by Envoy at dispatch time.
fn has_bad_chars(s: &str) -> bool {
    s.bytes().any(|c| c <= 0x20 || c == 0x7f)
}

// Ok(0) when the (optional) duration key is absent; Err(problem) when invalid.
fn duration(v: Option<&JValue>) -> Result<i64, String> {
    let v = match v {
        None => return Ok(0),
        Some(v) => v,
    };
    if v.kind != J_STR {
        return Err("must be a string".to_string());
    }
    let ms = parse_duration_ms(&v.s);
    if ms < 0 {
        return Err(format!("invalid duration \"{}\"", v.s));
    }
    Ok(ms)
}

// Checks in a fixed order: JSON syntax, root type, duplicate keys, unknown keys (document order),
// then each known key in the order of KNOWN_KEYS. The first problem wins.
pub fn parse_config(raw: &[u8]) -> ConfigResult {
    let mut parser = JsonParser::new(raw);
    let root = match parser.parse() {
        None => return err("<json>", "invalid JSON"),
        Some(r) => r,
    };
    if root.kind != J_OBJ {
        return err("<root>", "must be a JSON object");
    }
    if !DUPLICATE_CONFIG_KEY_LAST_WINS && !parser.duplicate_key.is_empty() {
        return err(&parser.duplicate_key, "duplicate key");
    }
    if !LENIENT_CONFIG {
        for k in &root.keys {
            if !KNOWN_KEYS.contains(&k.as_str()) {
                return err(k, "unknown key");
            }
        }
    }
    let mut c = Config::new();

    let cluster = match find(&root, K_CLUSTER) {
        None => return err(K_CLUSTER, "required"),
        Some(v) => v,
    };
    if kind_of(cluster) != J_STR {
        return err(K_CLUSTER, "must be a string");
    }
    if cluster.s.is_empty() {
        return err(K_CLUSTER, "must not be empty");
    }
    c.cluster = cluster.s.clone();

    let path = match find(&root, K_PATH) {
        None => return err(K_PATH, "required"),
        Some(v) => v,
    };
    if kind_of(path) != J_STR {
        return err(K_PATH, "must be a string");
    }
    if !path.s.starts_with('/') {
        return err(K_PATH, "must start with \"/\"");
    }
    if !NO_WHITESPACE_CHECK && has_bad_chars(&path.s) {
        return err(K_PATH, "must not contain whitespace or control characters");
    }
    c.path = path.s.clone();

    let auth = match find(&root, K_AUTHORITY) {
        None => return err(K_AUTHORITY, "required"),
        Some(v) => v,
    };
    if kind_of(auth) != J_STR {
        return err(K_AUTHORITY, "must be a string");
    }
    if auth.s.is_empty() {
        return err(K_AUTHORITY, "must not be empty");
    }
    if !NO_WHITESPACE_CHECK && has_bad_chars(&auth.s) {
        return err(K_AUTHORITY, "must not contain whitespace or control characters");
    }
    c.authority = auth.s.clone();

    match duration(find(&root, K_EXPIRY)) {
        Err(p) => return err(K_EXPIRY, &p),
        Ok(ms) if ms > 0 => c.cache_expiry_ms = ms,
        Ok(_) => {}
    }
    match duration(find(&root, K_TICK)) {
        Err(p) => return err(K_TICK, &p),
        Ok(ms) if ms > 0 => c.tick_period_ms = ms,
        Ok(_) => {}
    }
    match duration(find(&root, K_TIMEOUT)) {
        Err(p) => return err(K_TIMEOUT, &p),
        Ok(ms) if ms > 0 => c.callout_timeout_ms = ms,
        Ok(_) => {}
    }

    if let Some(missing) = find(&root, K_MISSING) {
        if missing.kind != J_STR || (missing.s != "pass" && missing.s != "deny") {
            return err(K_MISSING, "must be \"pass\" or \"deny\"");
        }
        c.deny = missing.s == "deny";
    }

    if let Some(ow) = find(&root, K_OVERWRITE) {
        if ow.kind != J_BOOL {
            return err(K_OVERWRITE, "must be a boolean");
        }
        c.overwrite = ow.b;
    }
    Ok(c)
}

// FNV-1a 32-bit over the raw configuration bytes, as 8 lowercase hex digits.
pub fn fnv1a32_hex(raw: &[u8]) -> String {
    let mut h: u32 = 0x811c9dc5;
    for &b in raw {
        h ^= b as u32;
        h = h.wrapping_mul(0x01000193);
    }
    format!("{:08x}", h)
}
