/**
 * Static ABI check of a proxy-wasm module: what a host decides before running any code.
 * Mirrors proxy-wasm-cpp-host (see abi-versions.ts for sources):
 * - the ABI version is the first *function* export whose name is a known marker, in export order;
 *   no known marker: "Missing or unknown Proxy-Wasm ABI version";
 * - every function import must be registered by the host for that version, with the same
 *   signature ("missing import" / "import type mismatch"); memory and table imports are created by
 *   the host; global (and tag) imports are refused;
 * - the host needs malloc (or proxy_on_memory_allocate) and rejects a callback with the wrong signature.
 * Checking this in a docker-free test turns "Envoy refused the listener" into a named import.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type AbiVersion, hostFunctions, MARKER_PREFIX, moduleCallbacks, versionOfMarker, versionsProviding } from './abi-versions';
import { type ExternKind, type FuncType, formatSignature, readWasmModule } from './wasm-module';

export interface CheckedImport {
  module: string;
  name: string;
  kind: ExternKind;
  /** "(i32, i32) -> (i32)" for functions. */
  signature?: string;
}

export interface AbiProblem {
  module: string;
  name: string;
  reason: string;
}

export interface CheckResult {
  /** The version a host would run the module under, or null when it would refuse it. */
  abiVersion: AbiVersion | null;
  /** Every function export named proxy_abi_version_*, known or not, in export order. */
  markers: string[];
  imports: CheckedImport[];
  /** Imports the declared ABI version's host does not provide, each with its exact module and name. */
  unsupportedImports: AbiProblem[];
  /** Exports the host would reject or needs and does not find (module "" = the module itself). */
  exportProblems: AbiProblem[];
}

const sameType = (a: FuncType, b: FuncType) => formatSignature(a) === formatSignature(b);

function importProblem(version: AbiVersion | null, imp: { module: string; name: string; kind: ExternKind; type?: FuncType }): string | null {
  if (imp.kind === 'memory' || imp.kind === 'table') return null;
  if (imp.kind !== 'func') return `a ${imp.kind} import, which proxy-wasm hosts do not provide (only functions, memory and tables are linked)`;
  if (version === null) {
    // No usable ABI version: the host refuses before linking; still name what could never link.
    return versionsProviding(imp.module, imp.name).length ? null : 'which no proxy-wasm ABI version provides';
  }
  const provided = hostFunctions(version).get(`${imp.module}.${imp.name}`);
  if (!provided) {
    const others = versionsProviding(imp.module, imp.name);
    return `which ABI ${version} does not provide${others.length ? ` (ABI ${others.join(', ')} does)` : ''}`;
  }
  if (imp.type && !sameType(imp.type, provided.type)) {
    return `with signature ${formatSignature(imp.type)}, but the ABI ${version} host provides ${formatSignature(provided.type)}`;
  }
  return null;
}

export function checkModule(bytes: Uint8Array): CheckResult {
  const info = readWasmModule(bytes);
  const funcExports = info.exports.filter((e) => e.kind === 'func');
  const markers = funcExports.filter((e) => e.name.startsWith(MARKER_PREFIX)).map((e) => e.name);
  let abiVersion: AbiVersion | null = null;
  for (const m of markers) {
    abiVersion = versionOfMarker(m);
    if (abiVersion) break;
  }

  const imports: CheckedImport[] = info.imports.map((i) => ({ module: i.module, name: i.name, kind: i.kind, ...(i.type ? { signature: formatSignature(i.type) } : {}) }));
  const unsupportedImports: AbiProblem[] = [];
  for (const imp of info.imports) {
    const reason = importProblem(abiVersion, imp);
    if (reason) unsupportedImports.push({ module: imp.module, name: imp.name, reason });
  }

  const exportProblems: AbiProblem[] = [];
  if (abiVersion) {
    const callbacks = moduleCallbacks(abiVersion);
    const hasMalloc = funcExports.some((e) => e.name === 'malloc');
    if (!hasMalloc && !funcExports.some((e) => e.name === 'proxy_on_memory_allocate')) {
      exportProblems.push({ module: '', name: 'malloc', reason: 'exports neither malloc nor proxy_on_memory_allocate ("Wasm module is missing malloc function.")' });
    }
    for (const e of funcExports) {
      const want = callbacks.get(e.name);
      if (!want || (e.name === 'proxy_on_memory_allocate' && hasMalloc)) continue; // the host never looks it up
      const got = info.funcTypes[e.index];
      if (!sameType(got, want)) {
        exportProblems.push({ module: '', name: e.name, reason: `exports ${e.name} as ${formatSignature(got)}, but ABI ${abiVersion} requires ${formatSignature(want)}` });
      }
    }
  }
  return { abiVersion, markers, imports, unsupportedImports, exportProblems };
}

/**
 * Throws unless `path` is a module a proxy-wasm host would load; the message names the file and
 * every offending import/export. `expect` pins the declared version (a filter silently moving to
 * another ABI is a change worth a failing test). Returns the check result.
 */
export function assertFilterAbi(path: string, opts: { expect?: AbiVersion } = {}): CheckResult {
  const file = basename(path);
  let result: CheckResult;
  try {
    result = checkModule(readFileSync(path));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  if (result.markers.length === 0) problems.push(`${file} exports no ${MARKER_PREFIX}* marker`);
  else if (!result.abiVersion) problems.push(`${file} exports only unknown ABI marker(s) ${result.markers.join(', ')} (hosts know ${MARKER_PREFIX}0_1_0, 0_2_0, 0_2_1)`);
  else if (opts.expect && result.abiVersion !== opts.expect) problems.push(`${file} declares ABI ${result.abiVersion}, expected ${opts.expect}`);
  for (const p of result.unsupportedImports) problems.push(`${file} imports ${p.module}.${p.name}, ${p.reason}`);
  for (const p of result.exportProblems) problems.push(`${file} ${p.reason}`);
  if (problems.length) throw new Error(problems.join('\n'));
  return result;
}
