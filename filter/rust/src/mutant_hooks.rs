// Code only mutants run (filter/variants.json); every call site is behind a false-in-production
// variant constant, so the production build contains none of it.
use crate::cache::now_ms;
use crate::inject::remove_request_header;
use crate::shared::shared_set;
use crate::variant::{BACKOFF_AFTER_FAILURE, CLEAR_CACHE_ON_FAILURE};

// backoff-after-failure: "don't hammer a failing service": the lease comes due only 10 s later.
const BACKOFF_MS: i64 = 10000;

pub fn after_callout_failure(lease_key: &str, headers_key: &str) {
    if BACKOFF_AFTER_FAILURE {
        shared_set(lease_key, &(now_ms() + BACKOFF_MS).to_string(), 0);
    }
    // clear-cache-on-failure: "a failing service means the headers are no longer valid".
    if CLEAR_CACHE_ON_FAILURE {
        shared_set(headers_key, "", 0);
    }
}

// drops-content-length: "rebuild the request's headers", losing content-length on the way.
pub fn drop_content_length() {
    remove_request_header("content-length");
}
