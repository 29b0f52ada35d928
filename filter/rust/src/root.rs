// Root context: configuration, the tick-driven refresh and the callout response handling
// (port of filter/assembly/root.ts).
use crate::cache::{init_lease, now_ms, read_header_set, try_acquire_lease, write_header_set, HeaderSet};
use crate::callout::{callout_headers, parse_header_body};
use crate::config::{fnv1a32_hex, parse_config, Config};
use crate::log;
use crate::mutant_hooks::after_callout_failure;
use crate::shared::get_property;
use crate::stream::AugmenterStream;
use crate::variant::*;
use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{BufferType, ContextType, MapType};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

pub const ROOT_ID: &str = "header-augmenter";

// The first tick fires this soon after configure, so the first callout goes out "immediately".
const FIRST_TICK_MS: u64 = 1;

// State shared by the root context and its request contexts.
pub struct RootState {
    pub config: Option<Config>,
    pub headers_key: String,
    pub lease_key: String,
    pub first_tick_done: bool,
    // fetched_at of the last expired set we logged about: log once per expiry per VM.
    pub last_expiry_logged: i64,
    // cache-per-vm variant only: the set this root context fetched itself.
    pub vm_set: Option<HeaderSet>,
}

pub struct AugmenterRoot {
    state: Rc<RefCell<RootState>>,
}

// Like the AssemblyScript runtime, a root context exists only for root_id "header-augmenter":
// any other root_id aborts the VM ("Missing root context factory for root id: <id>").
pub fn new_root_context(_context_id: u32) -> Box<dyn RootContext> {
    let root_id = String::from_utf8_lossy(&get_property("plugin_root_id")).into_owned();
    if root_id != ROOT_ID {
        log::raw(log::CRITICAL, &format!("Missing root context factory for root id: {}", root_id));
        core::arch::wasm32::unreachable();
    }
    Box::new(AugmenterRoot {
        state: Rc::new(RefCell::new(RootState {
            config: None,
            headers_key: String::new(),
            lease_key: String::new(),
            first_tick_done: false,
            last_expiry_logged: -1,
            vm_set: None,
        })),
    })
}

fn set_tick(ms: u64) {
    let _ = hostcalls::set_tick_period(Duration::from_millis(ms));
}

impl AugmenterRoot {
    fn keys(&self) -> (String, String) {
        let s = self.state.borrow();
        (s.lease_key.clone(), s.headers_key.clone())
    }

    fn failed(&self) {
        if BACKOFF_AFTER_FAILURE || CLEAR_CACHE_ON_FAILURE {
            let (lease, headers) = self.keys();
            after_callout_failure(&lease, &headers);
        }
    }

    fn dispatch(&self, c: &Config) {
        let timeout = if CALLOUT_TIMEOUT_DEFAULT { 1000 } else { c.callout_timeout_ms as u32 as u64 };
        match hostcalls::dispatch_http_call(&c.cluster, callout_headers(c), None, vec![], Duration::from_millis(timeout)) {
            Ok(_) => log::debug(&format!("callout dispatched: cluster={} path={}", c.cluster, c.path)),
            Err(status) => {
                log::warn(&format!("callout failed: dispatch failed: {}", status as u32));
                self.failed();
            }
        }
    }

    fn handle_response(&self, num_headers: usize, body_size: usize) {
        let c = match self.state.borrow().config.clone() {
            None => return,
            Some(c) => c,
        };
        if num_headers == 0 {
            log::warn("callout failed: no response (timeout or reset)");
            self.failed();
            return;
        }
        let status = hostcalls::get_map_value(MapType::HttpCallResponseHeaders, ":status")
            .ok()
            .flatten()
            .unwrap_or_default();
        let status_failed = if ACCEPT_2XX {
            let code = crate::cache::parse_int(&status) as i32;
            !(200..300).contains(&code)
        } else if ACCEPT_NON_5XX {
            crate::cache::parse_int(&status) as i32 >= 500
        } else {
            status != "200" && !ACCEPT_ANY_STATUS
        };
        if status_failed {
            log::warn(&format!("callout failed: status={}", status));
            self.failed();
            return;
        }
        let body = if body_size > 0 {
            hostcalls::get_buffer(BufferType::HttpCallResponseBody, 0, body_size).ok().flatten().unwrap_or_default()
        } else {
            Vec::new()
        };
        let parsed = match parse_header_body(&body) {
            Ok(p) => p,
            Err(why) => {
                if status != "200" {
                    log::warn(&format!("callout failed: status={}", status));
                } else {
                    log::warn(&format!("callout failed: invalid body: {}", why));
                }
                self.failed();
                return;
            }
        };
        log::info(&format!("callout ok: status={} headers={}", status, parsed.names.len()));
        let fetched_at = now_ms();
        let mut set = HeaderSet { fetched_at, expires_at: fetched_at + c.cache_expiry_ms, names: parsed.names, values: parsed.values };
        let (_, headers_key) = self.keys();
        if EXPIRY_NOT_EXTENDED {
            // "The expiry is set when the cache is created": a refresh keeps the existing deadline.
            if let Some(prev) = read_header_set(&headers_key) {
                set.expires_at = prev.expires_at;
            }
        }
        let w = if CACHE_PER_VM {
            let n = set.names.len();
            self.state.borrow_mut().vm_set = Some(set);
            log::info(&format!(
                "cache updated: headers={}{}{}ms",
                n,
                if LOG_CACHE_UPDATED_FORMAT { " ttl=" } else { " expires_in=" },
                c.cache_expiry_ms
            ));
            return;
        } else {
            write_header_set(&headers_key, &set)
        };
        if w != 0 {
            log::warn(&format!("cache write failed: result={}", w));
            return;
        }
        log::info(&format!(
            "cache updated: headers={}{}{}ms",
            set.names.len(),
            if LOG_CACHE_UPDATED_FORMAT { " ttl=" } else { " expires_in=" },
            c.cache_expiry_ms
        ));
    }
}

impl Context for AugmenterRoot {
    fn on_http_call_response(&mut self, _token_id: u32, num_headers: usize, body_size: usize, _num_trailers: usize) {
        self.handle_response(num_headers, body_size);
    }
}

impl RootContext for AugmenterRoot {
    fn on_configure(&mut self, plugin_configuration_size: usize) -> bool {
        let raw = if plugin_configuration_size > 0 {
            hostcalls::get_buffer(BufferType::PluginConfiguration, 0, plugin_configuration_size)
                .ok()
                .flatten()
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let c = match parse_config(&raw) {
            Err((key, problem)) => {
                log::error(&format!("config error: {}: {}", key, problem));
                return false;
            }
            Ok(c) => c,
        };
        let mut root_id = String::from_utf8_lossy(&get_property("plugin_root_id")).into_owned();
        if root_id.is_empty() {
            root_id = ROOT_ID.to_string();
        }
        // cache-key-ignores-config variant: one cache per root id, whatever the configuration.
        let base = if CACHE_KEY_IGNORES_CONFIG {
            format!("{}/{}/", ROOT_ID, root_id)
        } else {
            format!("{}/{}/{}/", ROOT_ID, root_id, fnv1a32_hex(&raw))
        };
        let lease_key = format!("{}lease", base);
        {
            let mut s = self.state.borrow_mut();
            s.headers_key = format!("{}headers", base);
            s.lease_key = lease_key.clone();
            s.config = Some(c.clone());
        }
        log::info(&format!("config ok: {}", c.summary()));
        init_lease(&lease_key);
        if LATE_FIRST_CALLOUT {
            set_tick(c.tick_period_ms as u32 as u64);
            self.state.borrow_mut().first_tick_done = true;
        } else {
            set_tick(FIRST_TICK_MS);
        }
        true
    }

    fn on_tick(&mut self) {
        let c = match self.state.borrow().config.clone() {
            None => return,
            Some(c) => c,
        };
        let first = !self.state.borrow().first_tick_done;
        if first {
            self.state.borrow_mut().first_tick_done = true;
            // tick-period-ignored variant: the documented default, not the configured period.
            set_tick(if TICK_PERIOD_IGNORED { 5000 } else { c.tick_period_ms as u32 as u64 });
        }
        let (lease_key, _) = self.keys();
        if !try_acquire_lease(&lease_key, now_ms(), c.tick_period_ms) {
            return;
        }
        self.dispatch(&c);
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(AugmenterStream::new(self.state.clone())))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}
