// Request-header edits through the host imports directly (port of filter/assembly/inject.ts): a
// failure is logged and the request goes on, where the SDK's wrappers would panic.
use crate::log;
use crate::shared::take_host_bytes;
use crate::variant::OVERWRITE_APPENDS;

const REQUEST_HEADERS: u32 = 0;

extern "C" {
    fn proxy_get_header_map_value(
        map_type: u32,
        key_data: *const u8,
        key_size: usize,
        return_value_data: *mut *mut u8,
        return_value_size: *mut usize,
    ) -> u32;
    fn proxy_add_header_map_value(
        map_type: u32,
        key_data: *const u8,
        key_size: usize,
        value_data: *const u8,
        value_size: usize,
    ) -> u32;
    fn proxy_remove_header_map_value(map_type: u32, key_data: *const u8, key_size: usize) -> u32;
}

pub fn request_has_header(name: &str) -> bool {
    let mut ptr: *mut u8 = std::ptr::null_mut();
    let mut len: usize = 0;
    let r = unsafe { proxy_get_header_map_value(REQUEST_HEADERS, name.as_ptr(), name.len(), &mut ptr, &mut len) };
    drop(take_host_bytes(ptr, len));
    r == 0
}

pub fn remove_request_header(name: &str) -> u32 {
    unsafe { proxy_remove_header_map_value(REQUEST_HEADERS, name.as_ptr(), name.len()) }
}

// overwrite: drop every value the client sent and add ours. Otherwise add only when absent.
// Returns true when the header was added.
pub fn set_request_header(name: &str, value: &str, overwrite: bool) -> bool {
    if overwrite {
        if !OVERWRITE_APPENDS {
            let rr = remove_request_header(name);
            if rr != 0 && rr != 1 {
                log::warn(&format!("remove header failed: {} result={}", name, rr));
            }
        }
    } else if request_has_header(name) {
        return false;
    }
    let r = unsafe { proxy_add_header_map_value(REQUEST_HEADERS, name.as_ptr(), name.len(), value.as_ptr(), value.len()) };
    if r != 0 {
        log::warn(&format!("add header failed: {} result={}", name, r));
        return false;
    }
    true
}
