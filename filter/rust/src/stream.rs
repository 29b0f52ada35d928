// Per-request context: inject the cached header set, or pass/deny when there is none
// (port of filter/assembly/stream.ts).
use crate::cache::{now_ms, read_header_set};
use crate::inject::set_request_header;
use crate::log;
use crate::mutant_hooks::drop_content_length;
use crate::root::RootState;
use crate::variant::*;
use proxy_wasm::traits::{Context, HttpContext};
use proxy_wasm::types::Action;
use std::cell::RefCell;
use std::rc::Rc;

extern "C" {
    fn proxy_send_local_response(
        status_code: u32,
        status_code_details_data: *const u8,
        status_code_details_size: usize,
        body_data: *const u8,
        body_size: usize,
        headers_data: *const u8,
        headers_size: usize,
        grpc_status: i32,
    ) -> u32;
}

// proxy-wasm header map encoding: count, (name size, value size)*, then "name\0value\0"*.
fn serialize_map(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
    for (n, v) in pairs {
        out.extend_from_slice(&(n.len() as u32).to_le_bytes());
        out.extend_from_slice(&(v.len() as u32).to_le_bytes());
    }
    for (n, v) in pairs {
        out.extend_from_slice(n.as_bytes());
        out.push(0);
        out.extend_from_slice(v.as_bytes());
        out.push(0);
    }
    out
}

// The SDK's send_http_response passes empty response code details; the deny reply names them.
fn send_local_response(status: u32, details: &str, body: &str, headers: &[(&str, &str)]) -> u32 {
    let h = serialize_map(headers);
    unsafe {
        proxy_send_local_response(status, details.as_ptr(), details.len(), body.as_ptr(), body.len(), h.as_ptr(), h.len(), -1)
    }
}

pub struct AugmenterStream {
    root: Rc<RefCell<RootState>>,
}

impl AugmenterStream {
    pub fn new(root: Rc<RefCell<RootState>>) -> AugmenterStream {
        AugmenterStream { root }
    }
}

impl Context for AugmenterStream {}

impl HttpContext for AugmenterStream {
    fn on_http_request_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        if PANIC_ON_REQUEST {
            log::error("panic-on-request variant: trapping");
            core::arch::wasm32::unreachable();
        }
        let (c, headers_key) = {
            let r = self.root.borrow();
            match &r.config {
                None => return Action::Continue,
                Some(c) => (c.clone(), r.headers_key.clone()),
            }
        };
        // Read shared data on every request: another worker's VM may have refreshed it.
        let set = if CACHE_PER_VM { self.root.borrow().vm_set.clone() } else { read_header_set(&headers_key) };
        let mut reason = "";
        match &set {
            None => reason = if DENY_REASON_ALWAYS_EXPIRED { "expired" } else { "never fetched" },
            Some(s) => {
                if !NO_EXPIRY && now_ms() >= s.expires_at {
                    reason = "expired";
                    let mut r = self.root.borrow_mut();
                    if EXPIRED_LOG_EVERY_REQUEST || r.last_expiry_logged != s.fetched_at {
                        r.last_expiry_logged = s.fetched_at;
                        drop(r);
                        log::info(&format!("cache expired: age={}ms", now_ms() - s.fetched_at));
                    }
                }
            }
        }
        if !reason.is_empty() {
            if DENY_IGNORED || !c.deny {
                log::debug(&format!("missing headers: {} action=pass", reason));
                return Action::Continue;
            }
            log::info(&format!("missing headers: {} action=deny", reason));
            // deny-content-type-json variant: the reply is labelled JSON though its body is text.
            let ct = if DENY_CONTENT_TYPE_JSON { "application/json" } else { "text/plain" };
            send_local_response(
                503,
                "header_augmenter_no_headers",
                &format!("header-augmenter: no headers available ({})\n", reason),
                &[("content-type", ct)],
            );
            return Action::Pause;
        }
        let s = set.unwrap();
        let mut injected = 0usize;
        if !NO_INJECT {
            let overwrite = if NO_OVERWRITE {
                false
            } else if OVERWRITE_FALSE_IGNORED {
                true
            } else {
                c.overwrite
            };
            let mut n = s.names.len();
            if FIRST_HEADER_ONLY && n > 1 {
                n = 1;
            }
            for i in 0..n {
                if set_request_header(&s.names[i], &s.values[i], overwrite) {
                    injected += 1;
                }
            }
            if INJECTED_COUNT_OF_SET {
                injected = n;
            }
            if DROPS_CONTENT_LENGTH {
                drop_content_length();
            }
        }
        log::debug(&format!("injected headers={}", injected));
        Action::Continue
    }
}
