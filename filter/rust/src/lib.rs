// header-augmenter: proxy-wasm HTTP filter, Rust port of filter/assembly (see ../README.md).
// Module names follow the AssemblyScript sources one to one.
mod cache;
mod callout;
mod config;
mod duration;
mod inject;
mod json;
mod log;
mod mutant_hooks;
mod root;
mod shared;
mod stream;
mod variant;

proxy_wasm::main! {{
    proxy_wasm::set_root_context(root::new_root_context);
}}
