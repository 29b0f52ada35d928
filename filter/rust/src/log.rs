// Every line the filter writes starts with "header-augmenter: ". proxy_log is called directly: the
// SDK wrapper panics (kills the VM) on a status it does not expect.
pub const PREFIX: &str = "header-augmenter: ";

pub const DEBUG: u32 = 1;
pub const INFO: u32 = 2;
pub const WARN: u32 = 3;
pub const ERROR: u32 = 4;
pub const CRITICAL: u32 = 5;

extern "C" {
    #[link_name = "proxy_log"]
    fn raw_proxy_log(level: u32, message_data: *const u8, message_size: usize) -> u32;
}

pub fn raw(level: u32, msg: &str) {
    unsafe {
        raw_proxy_log(level, msg.as_ptr(), msg.len());
    }
}

fn prefixed(level: u32, msg: &str) {
    let mut s = String::with_capacity(PREFIX.len() + msg.len());
    s.push_str(PREFIX);
    s.push_str(msg);
    raw(level, &s);
}

pub fn debug(msg: &str) {
    prefixed(DEBUG, msg)
}
pub fn info(msg: &str) {
    prefixed(INFO, msg)
}
pub fn warn(msg: &str) {
    prefixed(WARN, msg)
}
pub fn error(msg: &str) {
    prefixed(ERROR, msg)
}
