// Direct host calls (proxy-wasm ABI 0.2.1). The SDK's wrappers panic (and so kill the VM) on
// statuses they do not expect; here every result is returned to the caller.
pub const RESULT_OK: u32 = 0;
pub const RESULT_NOT_FOUND: u32 = 1;
#[allow(dead_code)]
pub const RESULT_CAS_MISMATCH: u32 = 8;

extern "C" {
    fn proxy_get_shared_data(
        key_data: *const u8,
        key_size: usize,
        return_value_data: *mut *mut u8,
        return_value_size: *mut usize,
        return_cas: *mut u32,
    ) -> u32;
    fn proxy_set_shared_data(
        key_data: *const u8,
        key_size: usize,
        value_data: *const u8,
        value_size: usize,
        cas: u32,
    ) -> u32;
    fn proxy_get_property(
        path_data: *const u8,
        path_size: usize,
        return_value_data: *mut *mut u8,
        return_value_size: *mut usize,
    ) -> u32;
}

pub struct SharedValue {
    pub result: u32,
    pub data: Vec<u8>,
    pub cas: u32,
}

// Takes ownership of a block the host allocated with our exported malloc (a boxed byte slice).
pub fn take_host_bytes(ptr: *mut u8, len: usize) -> Vec<u8> {
    if ptr.is_null() || len == 0 {
        return Vec::new();
    }
    unsafe { Vec::from_raw_parts(ptr, len, len) }
}

pub fn shared_get(key: &str) -> SharedValue {
    let mut ptr: *mut u8 = std::ptr::null_mut();
    let mut len: usize = 0;
    let mut cas: u32 = 0;
    let result = unsafe { proxy_get_shared_data(key.as_ptr(), key.len(), &mut ptr, &mut len, &mut cas) };
    let data = take_host_bytes(ptr, len);
    if result == RESULT_OK {
        SharedValue { result, data, cas }
    } else {
        SharedValue { result, data: Vec::new(), cas: 0 }
    }
}

// cas == 0 writes unconditionally; otherwise the host answers CasMismatch (8) when someone else
// wrote the key since our read.
pub fn shared_set(key: &str, value: &str, cas: u32) -> u32 {
    unsafe { proxy_set_shared_data(key.as_ptr(), key.len(), value.as_ptr(), value.len(), cas) }
}

// The property path as one segment, exactly like the AssemblyScript runtime sends it.
pub fn get_property(path: &str) -> Vec<u8> {
    let mut ptr: *mut u8 = std::ptr::null_mut();
    let mut len: usize = 0;
    let r = unsafe { proxy_get_property(path.as_ptr(), path.len(), &mut ptr, &mut len) };
    let data = take_host_bytes(ptr, len);
    if r == RESULT_OK {
        data
    } else {
        Vec::new()
    }
}
