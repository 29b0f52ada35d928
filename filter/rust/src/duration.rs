// Duration strings: a positive decimal integer immediately followed by "ms", "s" or "m".
use crate::variant::*;

pub const MAX_DURATION_MS: i64 = 2147483647;

// Returns the duration in milliseconds, or -1 when the text is not a valid duration.
pub fn parse_duration_ms(text: &str) -> i64 {
    let b = text.as_bytes();
    let mut i = 0usize;
    let mut value: i64 = 0;
    while i < b.len() {
        let c = b[i];
        if !(b'0'..=b'9').contains(&c) {
            break;
        }
        value = value * 10 + (c - b'0') as i64;
        if value > MAX_DURATION_MS {
            return -1;
        }
        i += 1;
    }
    if i == 0 {
        return -1;
    }
    let unit = &text[i..];
    let mut ms: i64 = -1;
    if unit == "ms" {
        ms = value;
    } else if unit == "s" {
        ms = value * 1000;
    } else if unit == "m" {
        ms = if DURATION_MINUTES_AS_SECONDS { value * 1000 } else { value * 60000 };
    }
    if DURATION_UNITLESS_AS_MS && unit.is_empty() {
        ms = value;
    }
    if ZERO_DURATION_ACCEPTED {
        if ms < 0 || ms > MAX_DURATION_MS {
            return -1;
        }
        return ms;
    }
    if ms <= 0 || ms > MAX_DURATION_MS {
        return -1;
    }
    ms
}
