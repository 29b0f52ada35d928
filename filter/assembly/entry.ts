// ABI entry points that replace the runtime's (@solo-io/proxy-runtime/assembly/exports.ts) for
// everything a request touches. The runtime's versions log ~10 debug lines per request (some join its
// whole context map into a string); a 0_2_0 module cannot ask the host for its log level, so those
// strings were built and handed to the host on every request even when Envoy dropped them.
// Same work, without those lines: request contexts live in `streams` (the runtime's context map is
// private to it and only keeps the root contexts now); every other id goes to the runtime as before.
import { Context, RootContext } from "@solo-io/proxy-runtime";
import { ensureRootContext, getBaseContext, getContext, deleteContext } from "@solo-io/proxy-runtime/runtime";

const streams = new Map<u32, Context>();
// Root contexts this module has seen created, so creating a request context does not go through the
// runtime's (logging) ensureRootContext.
const roots = new Map<u32, RootContext>();

export function proxy_on_context_create(context_id: u32, root_context_id: u32): void {
  if (root_context_id == 0) {
    roots.set(context_id, ensureRootContext(context_id));
    return;
  }
  let root: RootContext;
  if (roots.has(root_context_id)) {
    root = roots.get(root_context_id);
  } else {
    root = ensureRootContext(root_context_id);
    roots.set(root_context_id, root);
  }
  if (streams.has(context_id)) return;
  streams.set(context_id, root.createContext(context_id));
}

function stream(context_id: u32): Context {
  return streams.get(context_id);
}

export function proxy_on_request_headers(context_id: u32, headers: u32, end_of_stream: u32): i32 {
  return stream(context_id).onRequestHeaders(headers, end_of_stream != 0);
}
export function proxy_on_request_body(context_id: u32, body_buffer_length: u32, end_of_stream: u32): i32 {
  return stream(context_id).onRequestBody(body_buffer_length, end_of_stream != 0);
}
export function proxy_on_request_trailers(context_id: u32, trailers: u32): i32 {
  return stream(context_id).onRequestTrailers(trailers);
}
export function proxy_on_request_metadata(context_id: u32, nelements: u32): i32 {
  return stream(context_id).onRequestMetadata(nelements);
}
export function proxy_on_response_headers(context_id: u32, headers: u32, end_of_stream: u32): i32 {
  return stream(context_id).onResponseHeaders(headers, end_of_stream != 0);
}
export function proxy_on_response_body(context_id: u32, body_buffer_length: u32, end_of_stream: u32): i32 {
  return stream(context_id).onResponseBody(body_buffer_length, end_of_stream != 0);
}
export function proxy_on_response_trailers(context_id: u32, trailers: u32): i32 {
  return stream(context_id).onResponseTrailers(trailers);
}
export function proxy_on_response_metadata(context_id: u32, nelements: u32): i32 {
  return stream(context_id).onResponseMetadata(nelements);
}

export function proxy_on_done(context_id: u32): u32 {
  if (streams.has(context_id)) return stream(context_id).onDone() ? 1 : 0;
  return getBaseContext(context_id).onDone() ? 1 : 0;
}
export function proxy_on_log(context_id: u32): void {
  if (streams.has(context_id)) stream(context_id).onLog();
  else getContext(context_id).onLog();
}
// No further calls for this id: drop it from the maps (or the context leaks).
export function proxy_on_delete(context_id: u32): void {
  if (streams.has(context_id)) {
    stream(context_id).onDelete();
    streams.delete(context_id);
    return;
  }
  getBaseContext(context_id).onDelete();
  deleteContext(context_id);
  roots.delete(context_id);
}
