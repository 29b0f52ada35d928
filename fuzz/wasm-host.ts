/**
 * A proxy-wasm host in Node, just enough to run one filter build through configure, tick, callout
 * answer and one request, and to say what the request got and what the filter logged. A test tool
 * for the differential fuzzer, not a stand-in for Envoy: every verdict it finds interesting is to be
 * confirmed in real Envoy.
 *
 * Host calls follow proxy-wasm-cpp-host (the library Envoy embeds): results are WasmResult codes,
 * data the module asks for is copied into memory it allocates with its exported `malloc`, header
 * maps are case-insensitive on names. Byte strings: names and values are kept as latin1 strings
 * (one char per byte), so every byte the filter writes is seen as written.
 */
import fs from 'node:fs';
import type { ByteHeaders } from './oracle';

export const WasmResult = { Ok: 0, NotFound: 1, BadArgument: 2, InvalidMemoryAccess: 6, Empty: 7, CasMismatch: 8, Unimplemented: 12 } as const;
/** proxy-wasm MapType / BufferType values. */
const MAP = { RequestHeaders: 0, HttpCallResponseHeaders: 6 } as const;
const BUFFER = { HttpCallResponseBody: 4, VmConfiguration: 6, PluginConfiguration: 7 } as const;
const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'critical'];
export const LOG_PREFIX = 'header-augmenter: ';
export const ROOT_ID = 'header-augmenter';

export interface LogLine {
  level: string;
  text: string;
}
export interface HttpCall {
  cluster: string;
  headers: ByteHeaders;
  timeoutMs: number;
  token: number;
}
export interface LocalResponse {
  status: number;
  details: string;
  body: string;
  headers: ByteHeaders;
}

// The WebAssembly JS API, typed here: the project's TypeScript libs (ES2022, node) do not declare it.
interface WasmModuleObject {
  readonly brand?: 'WebAssembly.Module';
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
type ImportObject = Record<string, Record<string, (...a: never[]) => number | void>>;
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModuleObject>;
  instantiate(module: WasmModuleObject, imports: ImportObject): Promise<WasmInstance>;
  Module: { imports(module: WasmModuleObject): Array<{ module: string; name: string; kind: string }> };
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A trap, proc_exit or abort inside the module, with what it said last. */
export class WasmTrap extends Error {}

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const bytesOf = (s: string): Buffer => Buffer.from(s, 'latin1');
const lower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** One shared-data entry (value, CAS). */
interface Shared {
  value: string;
  cas: number;
}

/** Compiled once per build; `instantiate` gives a fresh VM. */
export class FilterModule {
  private constructor(
    readonly path: string,
    readonly module: WasmModuleObject,
  ) {}
  static async load(file: string): Promise<FilterModule> {
    return new FilterModule(file, await WebAssembly.compile(fs.readFileSync(file)));
  }
  async instantiate(): Promise<FilterVm> {
    const vm = new FilterVm(this);
    await vm.start();
    return vm;
  }
}

/** One VM: one instance of the module, its host state (shared data, clock, header maps, logs). */
export class FilterVm {
  private instance!: WasmInstance;
  readonly shared = new Map<string, Shared>();
  private casCounter = 1;
  /** Host clock, ms since the epoch. */
  nowMs = 1_767_225_600_000;
  tickPeriodMs = 0;
  logs: LogLine[] = [];
  calls: HttpCall[] = [];
  /** Calls to imports this host does not implement (module.name). */
  unimplemented = new Set<string>();
  private nextToken = 1;
  private nextContext = 2;
  private readonly rootContext = 1;
  private buffers = new Map<number, Uint8Array>();
  private maps = new Map<number, ByteHeaders>();
  local: LocalResponse | null = null;
  private vmConfig = new Uint8Array(0);
  private pluginConfig = new Uint8Array(0);

  constructor(readonly filter: FilterModule) {}

  private get memory(): WasmMemory {
    return this.instance.exports.memory as WasmMemory;
  }
  private u8(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }
  private view(): DataView {
    return new DataView(this.memory.buffer);
  }
  private read(ptr: number, len: number): Uint8Array {
    return this.u8().slice(ptr, ptr + len);
  }
  private str(ptr: number, len: number): string {
    return latin1(this.read(ptr, len));
  }
  /** Copies `data` into module memory (its malloc) and writes address and size at the two pointers. */
  private give(data: Uint8Array, ptrPtr: number, sizePtr: number): number {
    const malloc = this.instance.exports.malloc as (n: number) => number;
    const addr = data.length ? malloc(data.length) : 0;
    if (data.length && addr === 0) return WasmResult.InvalidMemoryAccess;
    this.u8().set(data, addr);
    const v = this.view();
    v.setUint32(ptrPtr, addr, true);
    v.setUint32(sizePtr, data.length, true);
    return WasmResult.Ok;
  }

  private env(): Record<string, (...a: never[]) => number | void> {
    const h = this;
    return {
      proxy_log(level: number, ptr: number, len: number): number {
        h.logs.push({ level: LEVELS[level] ?? String(level), text: Buffer.from(h.read(ptr, len)).toString('utf8') });
        return WasmResult.Ok;
      },
      proxy_get_log_level(ptr: number): number {
        h.view().setUint32(ptr, 0, true);
        return WasmResult.Ok;
      },
      proxy_get_current_time_nanoseconds(ptr: number): number {
        h.view().setBigUint64(ptr, BigInt(h.nowMs) * 1_000_000n, true);
        return WasmResult.Ok;
      },
      proxy_set_tick_period_milliseconds(ms: number): number {
        h.tickPeriodMs = ms;
        return WasmResult.Ok;
      },
      proxy_set_effective_context(): number {
        return WasmResult.Ok;
      },
      proxy_done(): number {
        return WasmResult.Ok;
      },
      proxy_continue_stream(): number {
        return WasmResult.Ok;
      },
      proxy_close_stream(): number {
        return WasmResult.Ok;
      },
      proxy_get_property(pathPtr: number, pathLen: number, ptrPtr: number, sizePtr: number): number {
        const path = h.str(pathPtr, pathLen).split('\0').filter(Boolean).join('.');
        const known: Record<string, string> = { plugin_root_id: ROOT_ID, plugin_name: ROOT_ID, plugin_vm_id: ROOT_ID };
        if (!(path in known)) return WasmResult.NotFound;
        return h.give(bytesOf(known[path]), ptrPtr, sizePtr);
      },
      proxy_get_buffer_bytes(type: number, start: number, max: number, ptrPtr: number, sizePtr: number): number {
        const buf = h.buffers.get(type);
        if (!buf) return WasmResult.NotFound;
        return h.give(buf.subarray(start, start + max), ptrPtr, sizePtr);
      },
      proxy_get_buffer_status(type: number, lenPtr: number, flagsPtr: number): number {
        const buf = h.buffers.get(type);
        if (!buf) return WasmResult.NotFound;
        h.view().setUint32(lenPtr, buf.length, true);
        h.view().setUint32(flagsPtr, 0, true);
        return WasmResult.Ok;
      },
      proxy_get_shared_data(kp: number, ks: number, ptrPtr: number, sizePtr: number, casPtr: number): number {
        const e = h.shared.get(h.str(kp, ks));
        if (!e) return WasmResult.NotFound;
        h.view().setUint32(casPtr, e.cas, true);
        return h.give(bytesOf(e.value), ptrPtr, sizePtr);
      },
      proxy_set_shared_data(kp: number, ks: number, vp: number, vs: number, cas: number): number {
        const key = h.str(kp, ks);
        const e = h.shared.get(key);
        if (cas !== 0 && e && e.cas !== cas) return WasmResult.CasMismatch;
        h.shared.set(key, { value: h.str(vp, vs), cas: h.casCounter++ });
        return WasmResult.Ok;
      },
      proxy_http_call(up: number, us: number, hp: number, hs: number, _bp: number, _bs: number, _tp: number, _ts: number, timeout: number, tokenPtr: number): number {
        const token = h.nextToken++;
        h.calls.push({ cluster: h.str(up, us), headers: decodePairs(h.read(hp, hs)), timeoutMs: timeout, token });
        h.view().setUint32(tokenPtr, token, true);
        return WasmResult.Ok;
      },
      proxy_get_header_map_value(type: number, kp: number, ks: number, ptrPtr: number, sizePtr: number): number {
        const name = lower(h.str(kp, ks));
        const hit = (h.maps.get(type) ?? []).find(([n]) => n === name);
        if (!hit) return WasmResult.NotFound;
        return h.give(bytesOf(hit[1]), ptrPtr, sizePtr);
      },
      proxy_get_header_map_pairs(type: number, ptrPtr: number, sizePtr: number): number {
        return h.give(encodePairs(h.maps.get(type) ?? []), ptrPtr, sizePtr);
      },
      proxy_get_header_map_size(type: number, sizePtr: number): number {
        h.view().setUint32(sizePtr, encodePairs(h.maps.get(type) ?? []).length, true);
        return WasmResult.Ok;
      },
      proxy_add_header_map_value(type: number, kp: number, ks: number, vp: number, vs: number): number {
        h.mapOf(type).push([lower(h.str(kp, ks)), h.str(vp, vs)]);
        return WasmResult.Ok;
      },
      proxy_replace_header_map_value(type: number, kp: number, ks: number, vp: number, vs: number): number {
        const name = lower(h.str(kp, ks));
        h.maps.set(type, [...h.mapOf(type).filter(([n]) => n !== name), [name, h.str(vp, vs)]]);
        return WasmResult.Ok;
      },
      proxy_remove_header_map_value(type: number, kp: number, ks: number): number {
        const name = lower(h.str(kp, ks));
        h.maps.set(type, h.mapOf(type).filter(([n]) => n !== name));
        return WasmResult.Ok;
      },
      proxy_set_header_map_pairs(type: number, ptr: number, size: number): number {
        h.maps.set(type, decodePairs(h.read(ptr, size)).map(([n, v]): [string, string] => [lower(n), v]));
        return WasmResult.Ok;
      },
      proxy_send_local_response(status: number, dp: number, ds: number, bp: number, bs: number, hp: number, hs: number): number {
        h.local = { status, details: h.str(dp, ds), body: h.str(bp, bs), headers: decodePairs(h.read(hp, hs)) };
        return WasmResult.Ok;
      },
    };
  }

  private mapOf(type: number): ByteHeaders {
    let m = this.maps.get(type);
    if (!m) this.maps.set(type, (m = []));
    return m;
  }

  /** Instantiates, links every import (the unimplemented ones answer Unimplemented and are noted), runs the module's start. */
  async start(): Promise<void> {
    const env = this.env();
    const imports: ImportObject = {};
    for (const imp of WebAssembly.Module.imports(this.filter.module)) {
      if (imp.kind !== 'function') throw new Error(`${this.filter.path}: import ${imp.module}.${imp.name} is a ${imp.kind}; this host links functions only`);
      const name = `${imp.module}.${imp.name}`;
      const fn =
        imp.module === 'env' && env[imp.name]
          ? env[imp.name]
          : imp.name === 'proc_exit'
            ? (code: number) => {
                throw new WasmTrap(`proc_exit(${code})`);
              }
            : () => {
                this.unimplemented.add(name);
                return WasmResult.Unimplemented;
              };
      (imports[imp.module] ??= {})[imp.name] = fn;
    }
    this.instance = await WebAssembly.instantiate(this.filter.module, imports);
    for (const init of ['_initialize', '_start']) {
      const f = this.instance.exports[init];
      if (typeof f === 'function') this.guard(() => (f as () => void)());
    }
  }

  /** Calls into the module; a trap becomes a WasmTrap naming the callback. */
  private guard<T>(f: () => T, what = 'start'): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof WasmTrap) throw e;
      throw new WasmTrap(`${what}: ${(e as Error).message}`);
    }
  }
  private call(name: string, ...args: number[]): number {
    const f = this.instance.exports[name];
    if (typeof f !== 'function') throw new WasmTrap(`${name} is not exported`);
    return this.guard(() => Number((f as (...a: number[]) => number | undefined)(...args) ?? 0), name);
  }

  /** vm start and configure of the root context; true when the filter took the configuration. */
  configure(pluginConfig: string, vmConfig = ''): boolean {
    this.pluginConfig = new Uint8Array(Buffer.from(pluginConfig, 'utf8'));
    this.vmConfig = new Uint8Array(Buffer.from(vmConfig, 'utf8'));
    this.call('proxy_on_context_create', this.rootContext, 0);
    this.buffers.set(BUFFER.VmConfiguration, this.vmConfig);
    this.call('proxy_on_vm_start', this.rootContext, this.vmConfig.length);
    this.buffers.delete(BUFFER.VmConfiguration);
    this.buffers.set(BUFFER.PluginConfiguration, this.pluginConfig);
    const ok = this.call('proxy_on_configure', this.rootContext, this.pluginConfig.length);
    this.buffers.delete(BUFFER.PluginConfiguration);
    return ok !== 0;
  }

  /** One timer tick; returns the callouts it dispatched. */
  tick(): HttpCall[] {
    const before = this.calls.length;
    this.call('proxy_on_tick', this.rootContext);
    return this.calls.slice(before);
  }

  /** Answers a callout: `:status` and other response headers, then the body. */
  answer(call: HttpCall, status: number, body: Uint8Array, headers: ByteHeaders = []): void {
    this.maps.set(MAP.HttpCallResponseHeaders, [[':status', String(status)], ...headers]);
    this.buffers.set(BUFFER.HttpCallResponseBody, body);
    try {
      this.call('proxy_on_http_call_response', this.rootContext, call.token, headers.length + 1, body.length, 0);
    } finally {
      this.maps.delete(MAP.HttpCallResponseHeaders);
      this.buffers.delete(BUFFER.HttpCallResponseBody);
    }
  }

  /** One request through on_request_headers: the headers it leaves (null when answered locally) and the local reply. */
  request(headers: ByteHeaders): { headers: ByteHeaders | null; local: LocalResponse | null; action: number } {
    const id = this.nextContext++;
    this.local = null;
    this.maps.set(MAP.RequestHeaders, headers.map(([n, v]): [string, string] => [lower(n), v]));
    try {
      this.call('proxy_on_context_create', id, this.rootContext);
      const action = this.call('proxy_on_request_headers', id, headers.length, 0);
      const local = this.local as LocalResponse | null;
      const out = local ? null : this.mapOf(MAP.RequestHeaders).slice();
      if (this.call('proxy_on_done', id) !== 0) this.call('proxy_on_log', id);
      this.call('proxy_on_delete', id);
      return { headers: out, local, action };
    } finally {
      this.maps.delete(MAP.RequestHeaders);
    }
  }

  /** The filter's own lines (text after `header-augmenter: `), leaving the runtime's. */
  filterLines(from = 0): string[] {
    return this.logs.slice(from).filter((l) => l.text.startsWith(LOG_PREFIX)).map((l) => l.text.slice(LOG_PREFIX.length));
  }
}

/** proxy-wasm header pairs: u32 count, (u32 name size, u32 value size) each, then name\0value\0 each. */
export function decodePairs(buf: Uint8Array): ByteHeaders {
  if (buf.length < 4) return [];
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = v.getUint32(0, true);
  const out: ByteHeaders = [];
  let p = 4 + n * 8;
  for (let i = 0; i < n; i++) {
    const ks = v.getUint32(4 + i * 8, true);
    const vs = v.getUint32(8 + i * 8, true);
    const k = latin1(buf.subarray(p, p + ks));
    p += ks + 1;
    out.push([k, latin1(buf.subarray(p, p + vs))]);
    p += vs + 1;
  }
  return out;
}

export function encodePairs(h: ByteHeaders): Uint8Array {
  const parts = h.map(([n, v]) => [bytesOf(n), bytesOf(v)]);
  const size = 4 + parts.length * 8 + parts.reduce((s, [n, v]) => s + n.length + v.length + 2, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, parts.length, true);
  let p = 4 + parts.length * 8;
  parts.forEach(([n, val], i) => {
    v.setUint32(4 + i * 8, n.length, true);
    v.setUint32(8 + i * 8, val.length, true);
    out.set(n, p);
    p += n.length + 1;
    out.set(val, p);
    p += val.length + 1;
  });
  return out;
}
