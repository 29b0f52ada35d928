/**
 * A small, strict WebAssembly binary reader: just enough of the module structure to answer "what
 * does this module import and export", which is what a proxy-wasm host decides on before running
 * anything (ABI marker export, import linking). No dependency, no code validation.
 *
 * Strict on purpose: a truncated or corrupted filter must fail here with the byte offset, not as
 * a vague "Failed to load Wasm code" from Envoy inside a container.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';
export type ExternKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

export interface WasmImport {
  module: string;
  name: string;
  kind: ExternKind;
  /** For function imports: the signature, resolved through the type section. */
  type?: FuncType;
  /** Byte offset of the import entry (for error messages). */
  offset: number;
}

export interface WasmExport {
  name: string;
  kind: ExternKind;
  index: number;
  offset: number;
}

export interface WasmModuleInfo {
  version: number;
  types: FuncType[];
  /** Signature of every function in the function index space: imported ones first, then defined ones. */
  funcTypes: FuncType[];
  imports: WasmImport[];
  exports: WasmExport[];
}

export class WasmParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`invalid wasm module: ${message} at offset ${offset} (0x${offset.toString(16)})`);
    this.name = 'WasmParseError';
  }
}

const VAL_TYPES: Record<number, ValType> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
const KINDS: ExternKind[] = ['func', 'table', 'memory', 'global', 'tag'];
const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount', 'tag'];
// Order in which non-custom sections must appear (spec 5.5.2; tag sits between memory and global).
const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }
  fail(what: string, at = this.pos): never {
    throw new WasmParseError(what, at);
  }
  byte(what: string): number {
    if (this.pos >= this.end) this.fail(`unexpected end while reading ${what}`);
    return this.bytes[this.pos++];
  }
  /** Unsigned LEB128, at most `bits` wide (u32 unless told). */
  leb(what: string, bits = 32): number {
    const start = this.pos;
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte(what);
      if (shift + 7 > bits && b >> (bits - shift) !== 0) this.fail(`${what}: LEB128 value exceeds ${bits} bits`, start);
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift >= bits + 7) this.fail(`${what}: LEB128 too long`, start);
    }
  }
  name(what: string): string {
    const len = this.leb(`${what} length`);
    const start = this.pos;
    if (len > this.end - start) this.fail(`${what} of ${len} bytes runs past the end of its section`, start);
    this.pos += len;
    try {
      return utf8.decode(this.bytes.subarray(start, start + len));
    } catch {
      return this.fail(`${what} is not valid UTF-8`, start);
    }
  }
  valType(what: string): ValType {
    const at = this.pos;
    const b = this.byte(what);
    return VAL_TYPES[b] ?? this.fail(`${what}: unknown value type 0x${b.toString(16)}`, at);
  }
  limits(what: string): void {
    const at = this.pos;
    const flags = this.byte(`${what} limits`);
    // 0/1: min[/max]; 2/3: shared (threads); 4..7: the same with 64-bit limits (memory64).
    if (flags > 7) this.fail(`${what}: unknown limits flags 0x${flags.toString(16)}`, at);
    const bits = flags & 4 ? 64 : 32;
    this.leb(`${what} minimum`, bits);
    if (flags & 1) this.leb(`${what} maximum`, bits);
  }
}

function readTypes(r: Reader): FuncType[] {
  const count = r.leb('type count');
  const types: FuncType[] = [];
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const form = r.byte('type form');
    if (form !== 0x60) r.fail(`type ${i}: expected a function type (0x60), got 0x${form.toString(16)}`, at);
    const params = Array.from({ length: r.leb('param count') }, () => r.valType(`type ${i} param`));
    const results = Array.from({ length: r.leb('result count') }, () => r.valType(`type ${i} result`));
    types.push({ params, results });
  }
  return types;
}

function readImports(r: Reader, types: FuncType[]): WasmImport[] {
  const count = r.leb('import count');
  const imports: WasmImport[] = [];
  for (let i = 0; i < count; i++) {
    const offset = r.pos;
    const module = r.name(`import ${i} module name`);
    const name = r.name(`import ${i} name`);
    const kindAt = r.pos;
    const kindByte = r.byte(`import ${module}.${name} kind`);
    const kind = KINDS[kindByte] ?? r.fail(`import ${module}.${name}: unknown import kind 0x${kindByte.toString(16)}`, kindAt);
    const entry: WasmImport = { module, name, kind, offset };
    if (kind === 'func') {
      const typeAt = r.pos;
      const index = r.leb(`import ${module}.${name} type index`);
      entry.type = types[index] ?? r.fail(`import ${module}.${name}: type index ${index} out of range (${types.length} types)`, typeAt);
    } else if (kind === 'table') {
      r.valType(`import ${module}.${name} table element`);
      r.limits(`import ${module}.${name} table`);
    } else if (kind === 'memory') {
      r.limits(`import ${module}.${name} memory`);
    } else if (kind === 'global') {
      r.valType(`import ${module}.${name} global type`);
      const mutAt = r.pos;
      if (r.byte('global mutability') > 1) r.fail(`import ${module}.${name}: bad global mutability`, mutAt);
    } else {
      if (r.byte('tag attribute') !== 0) r.fail(`import ${module}.${name}: bad tag attribute`, r.pos - 1);
      r.leb('tag type index');
    }
    imports.push(entry);
  }
  return imports;
}

function readFunctions(r: Reader, types: FuncType[]): FuncType[] {
  return Array.from({ length: r.leb('function count') }, (_, i) => {
    const at = r.pos;
    const index = r.leb(`function ${i} type index`);
    return types[index] ?? r.fail(`function ${i}: type index ${index} out of range (${types.length} types)`, at);
  });
}

function readExports(r: Reader): WasmExport[] {
  const count = r.leb('export count');
  const exports: WasmExport[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const name = r.name(`export ${i} name`);
    if (seen.has(name)) r.fail(`duplicate export name "${name}"`, at);
    seen.add(name);
    const kindAt = r.pos;
    const kindByte = r.byte(`export ${name} kind`);
    const kind = KINDS[kindByte] ?? r.fail(`export ${name}: unknown export kind 0x${kindByte.toString(16)}`, kindAt);
    exports.push({ name, kind, index: r.leb(`export ${name} index`), offset: at });
  }
  return exports;
}

/** Reads the header, every section boundary, and the type, import and export sections. */
export function readWasmModule(bytes: Uint8Array): WasmModuleInfo {
  if (bytes.length < 8) throw new WasmParseError(`module is ${bytes.length} bytes, shorter than the 8-byte header`, 0);
  if (bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new WasmParseError('bad magic (expected \\0asm)', 0);
  }
  const version = bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24);
  if (version !== 1) throw new WasmParseError(`unsupported binary version ${version} (expected 1)`, 4);

  const top = new Reader(bytes, 8, bytes.length);
  let types: FuncType[] = [];
  let imports: WasmImport[] = [];
  let exports: WasmExport[] = [];
  let defined: FuncType[] = [];
  let codeCount = 0;
  let lastOrder = -1;
  while (top.pos < top.end) {
    const sectionAt = top.pos;
    const id = top.byte('section id');
    const size = top.leb('section size');
    const bodyAt = top.pos;
    const label = `section ${id} (${SECTION_NAMES[id] ?? 'unknown'})`;
    if (id >= SECTION_NAMES.length) top.fail(`unknown section id ${id}`, sectionAt);
    if (size > top.end - bodyAt) {
      top.fail(`truncated module: ${label} declares ${size} bytes but only ${top.end - bodyAt} remain`, sectionAt);
    }
    if (id !== 0) {
      const order = SECTION_ORDER.indexOf(id);
      if (order <= lastOrder) top.fail(`${label} is duplicated or out of order`, sectionAt);
      lastOrder = order;
    }
    const r = new Reader(bytes, bodyAt, bodyAt + size);
    // A custom section is a name and any payload (names, producers, source maps): skipped whole.
    if (id === 0) {
      r.name('custom section name');
      r.pos = r.end;
    }
    else if (id === 1) types = readTypes(r);
    else if (id === 2) imports = readImports(r, types);
    else if (id === 3) defined = readFunctions(r, types);
    else if (id === 7) exports = readExports(r);
    else if (id === 10) codeCount = r.leb('code count');
    // Function bodies and other sections are not needed to answer imports/exports.
    if (id >= 8 || id === 4 || id === 5 || id === 6) r.pos = r.end;
    if (r.pos !== r.end) r.fail(`${label} has ${r.end - r.pos} unread trailing bytes`);
    top.pos = bodyAt + size;
  }
  // A module cut exactly at a section boundary parses; this catches the common case (no code section).
  if (codeCount !== defined.length) top.fail(`function section declares ${defined.length} functions but the code section has ${codeCount} bodies (truncated module?)`, top.end);
  const funcTypes = [...imports.flatMap((i) => (i.type ? [i.type] : [])), ...defined];
  for (const e of exports) {
    if (e.kind === 'func' && e.index >= funcTypes.length) top.fail(`export ${e.name}: function index ${e.index} out of range (${funcTypes.length} functions)`, e.offset);
  }
  return { version, types, funcTypes, imports, exports };
}

export function formatSignature(type: FuncType): string {
  return `(${type.params.join(', ')}) -> (${type.results.join(', ')})`;
}
