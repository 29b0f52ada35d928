// The header set and the callout lease in proxy-wasm shared data (port of filter/assembly/cache.ts).
//
// Encoding of the headers key (UTF-8 text, '\n'-separated lines):
//   line 0: "v1 <fetched_at_ms> <expires_at_ms> <count>"
//   then <count> lines "<name>:<value>".
// The lease key holds the decimal host time (ms) at which the next callout is due.
use crate::shared::{shared_get, shared_set, RESULT_NOT_FOUND, RESULT_OK};
use crate::variant::NO_COORDINATION;
use proxy_wasm::hostcalls;
use std::time::UNIX_EPOCH;

pub fn now_ms() -> i64 {
    match hostcalls::get_current_time() {
        Ok(t) => t.duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0),
        Err(_) => 0,
    }
}

#[derive(Clone)]
pub struct HeaderSet {
    pub fetched_at: i64,
    pub expires_at: i64,
    pub names: Vec<String>,
    pub values: Vec<String>,
}

// Integer parsing as lenient as AssemblyScript's I64.parseInt (leading spaces, a sign, then
// decimal digits up to the first other character; no digits is 0).
pub fn parse_int(s: &str) -> i64 {
    let b = s.trim_start().as_bytes();
    let mut i = 0;
    let mut neg = false;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        neg = b[i] == b'-';
        i += 1;
    }
    let mut v: i64 = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        v = v.wrapping_mul(10).wrapping_add((b[i] - b'0') as i64);
        i += 1;
    }
    if neg {
        -v
    } else {
        v
    }
}

pub fn encode_header_set(s: &HeaderSet) -> String {
    let mut out = format!("v1 {} {} {}\n", s.fetched_at, s.expires_at, s.names.len());
    for (n, v) in s.names.iter().zip(s.values.iter()) {
        out.push_str(n);
        out.push(':');
        out.push_str(v);
        out.push('\n');
    }
    out
}

// None when the key is absent or does not decode (treated as never fetched).
pub fn read_header_set(key: &str) -> Option<HeaderSet> {
    let v = shared_get(key);
    if v.result != RESULT_OK {
        return None;
    }
    let text = String::from_utf8_lossy(&v.data);
    let lines: Vec<&str> = text.split('\n').collect();
    let head: Vec<&str> = lines[0].split(' ').collect();
    if head.len() != 4 || head[0] != "v1" {
        return None;
    }
    let mut s = HeaderSet { fetched_at: parse_int(head[1]), expires_at: parse_int(head[2]), names: Vec::new(), values: Vec::new() };
    let n = parse_int(head[3]) as i32 as i64;
    if (lines.len() as i64) < n + 1 {
        return None;
    }
    let mut i = 1i64;
    while i <= n {
        let line = lines[i as usize];
        match line.find(':') {
            Some(colon) if colon > 0 => {
                s.names.push(line[..colon].to_string());
                s.values.push(line[colon + 1..].to_string());
            }
            _ => return None,
        }
        i += 1;
    }
    Some(s)
}

pub fn write_header_set(key: &str, s: &HeaderSet) -> u32 {
    // Unconditional write: only the lease holder fetches, and a newer fetch always wins anyway.
    shared_set(key, &encode_header_set(s), 0)
}

// Creates the lease (due immediately) if it does not exist yet (called from on_configure).
pub fn init_lease(key: &str) {
    let v = shared_get(key);
    if v.result == RESULT_NOT_FOUND {
        shared_set(key, "0", 0);
    }
}

// True when this VM won the right to call out now: it moves the due time to now + period with the
// CAS it read (tenth-of-a-period slack against timer jitter).
pub fn try_acquire_lease(key: &str, now: i64, period_ms: i64) -> bool {
    if NO_COORDINATION {
        return true;
    }
    let v = shared_get(key);
    let next = (now + period_ms).to_string();
    if v.result != RESULT_OK {
        return shared_set(key, &next, 0) == RESULT_OK;
    }
    let due = parse_int(&String::from_utf8_lossy(&v.data));
    if now + period_ms / 10 < due {
        return false;
    }
    shared_set(key, &next, v.cas) == RESULT_OK
}
