/**
 * Docker-free ABI checks: the filter and the ABI probes are judged by the same rules a
 * proxy-wasm host applies before running code (abi/check.ts), so an ABI regression fails here
 * with the offending import named instead of as a refused listener in every version's container.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { assertFilterAbi, checkModule } from '../abi/check';
import { buildProbes, PROBES } from '../abi/probes';
import { implementationById, variantWasmPath } from '../implementations';

const ROOT = join(__dirname, '..');
const FILTER = join(ROOT, 'filter', 'build', 'filter.wasm');

// /work/shared/PROXY-RUNTIME.md "Imports (a minimal filter)", plus the two this filter adds on top:
// proxy_send_local_response (on_missing_headers: deny) and proxy_remove_header_map_value (overwrite).
const FILTER_IMPORTS = [
  'env.proxy_log', 'env.proxy_get_buffer_bytes', 'env.proxy_get_property', 'env.proxy_set_effective_context',
  'env.proxy_set_tick_period_milliseconds', 'env.proxy_get_header_map_value', 'env.proxy_add_header_map_value',
  'env.proxy_get_current_time_nanoseconds', 'env.proxy_get_shared_data', 'env.proxy_set_shared_data',
  'env.proxy_http_call', 'wasi_unstable.proc_exit',
  'env.proxy_send_local_response', 'env.proxy_remove_header_map_value',
];

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ewc-abi-static-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The filter as the suites load it; built (as `npm test` setup would) when a fresh checkout lacks it. */
function ensureFilter(): string {
  if (!existsSync(FILTER)) {
    test.setTimeout(180_000);
    execFileSync(process.execPath, [join(ROOT, 'filter', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }
  return FILTER;
}

async function wat2wasm(text: string): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const mod = wabt.parseWat('inline.wat', text);
  try {
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

test('the built filter declares ABI 0.2.0 and imports only what a 0.2.0 host provides', () => {
  const result = assertFilterAbi(ensureFilter(), { expect: '0.2.0' });
  expect(result.abiVersion).toBe('0.2.0');
  expect(result.markers).toEqual(['proxy_abi_version_0_2_0']);
  expect(result.imports.map((i) => `${i.module}.${i.name}`).sort()).toEqual([...FILTER_IMPORTS].sort());
  expect(result.imports.find((i) => i.name === 'proxy_log')?.signature).toBe('(i32, i32, i32) -> (i32)');
  expect(result.unsupportedImports).toEqual([]);
  expect(result.exportProblems).toEqual([]);
});

test('the Rust port declares ABI 0.2.1 (the SDK\'s marker) and imports only what a 0.2.1 host provides', () => {
  const rust = implementationById('rust');
  const wasm = variantWasmPath(rust, 'none');
  if (!existsSync(wasm)) {
    // A fresh checkout: the first build may install Debian's rustc and vendor the crates.
    test.setTimeout(600_000);
    execFileSync(process.execPath, [join(ROOT, rust.buildScript)], { cwd: ROOT, stdio: 'inherit' });
  }
  const result = assertFilterAbi(wasm, { expect: '0.2.1' });
  expect(result.markers).toEqual([rust.abiMarker]);
  // proxy-wasm 0.2.2 links the whole host API, used or not; every import must still be a 0.2.1 host function.
  expect(result.imports.length).toBe(32);
  expect(result.imports.every((i) => i.module === 'env' && i.name.startsWith('proxy_'))).toBe(true);
  expect(result.unsupportedImports).toEqual([]);
  expect(result.exportProblems).toEqual([]);
  // The AssemblyScript build is not what a 0.2.1 host expects by marker: the check names the mismatch.
  expect(() => assertFilterAbi(ensureFilter(), { expect: '0.2.1' })).toThrow('filter.wasm declares ABI 0.2.0, expected 0.2.1');
});

test('every probe builds, is cached by content, and reports its marker', async () => {
  const first = await buildProbes(dir);
  expect(first.map((p) => p.name)).toEqual(PROBES.map((p) => p.name));
  expect(first.every((p) => p.built)).toBe(true);
  const second = await buildProbes(dir);
  expect(second.map((p) => p.built)).toEqual(PROBES.map(() => false));

  for (const probe of second) {
    const result = checkModule(readFileSync(probe.path));
    expect(result.markers, probe.name).toEqual(probe.marker ? [probe.marker] : []);
    expect(result.abiVersion, probe.name).toBe(probe.abiVersion);
    expect(result.exportProblems, probe.name).toEqual([]);
    if (probe.expectLoad) expect(() => assertFilterAbi(probe.path), probe.name).not.toThrow();
    else expect(() => assertFilterAbi(probe.path), probe.name).toThrow();
  }
});

test('a probe without a known marker is refused with a message naming the file', async () => {
  const probes = await buildProbes(dir);
  const path = (name: string) => probes.find((p) => p.name === name)!.path;
  expect(() => assertFilterAbi(path('no-marker'))).toThrow(/^no-marker\.wasm exports no proxy_abi_version_\* marker$/);
  expect(() => assertFilterAbi(path('unknown-marker'))).toThrow(/^unknown-marker\.wasm exports only unknown ABI marker\(s\) proxy_abi_version_0_9_9 /);
});

test('missing-import is reported with the exact module and name of the import', async () => {
  const probe = (await buildProbes(dir)).find((p) => p.name === 'missing-import')!;
  const result = checkModule(readFileSync(probe.path));
  expect(result.abiVersion).toBe('0.2.0');
  expect(result.unsupportedImports).toEqual([{ module: 'env', name: 'proxy_does_not_exist', reason: 'which ABI 0.2.0 does not provide' }]);
  expect(() => assertFilterAbi(probe.path)).toThrow(/^missing-import\.wasm imports env\.proxy_does_not_exist, which ABI 0\.2\.0 does not provide$/);
});

test('imports and callbacks are checked against the declared version and its signatures', async () => {
  const bytes = await wat2wasm(`(module
    (import "env" "proxy_get_log_level" (func (param i32) (result i32)))
    (import "env" "proxy_log" (func (param i32 i32) (result i32)))
    (import "env" "some_global" (global i32))
    (memory (export "memory") 1)
    (func (export "proxy_abi_version_0_2_0"))
    (func (export "malloc") (param i32) (result i32) (i32.const 0))
    (func (export "proxy_on_request_headers") (param i32 i32) (result i32) (i32.const 0)))`);
  const result = checkModule(bytes);
  expect(result.unsupportedImports.map((p) => `${p.module}.${p.name}: ${p.reason}`)).toEqual([
    'env.proxy_get_log_level: which ABI 0.2.0 does not provide (ABI 0.2.1 does)',
    'env.proxy_log: with signature (i32, i32) -> (i32), but the ABI 0.2.0 host provides (i32, i32, i32) -> (i32)',
    'env.some_global: a global import, which proxy-wasm hosts do not provide (only functions, memory and tables are linked)',
  ]);
  // Envoy 1.40.0 refuses exactly this: "Bad function signature for: proxy_on_request_headers".
  expect(result.exportProblems.map((p) => p.name)).toEqual(['proxy_on_request_headers']);
});

test('a truncated or foreign file gives an error naming the file, the problem and the offset', () => {
  const bytes = readFileSync(ensureFilter());
  const truncatedPath = join(dir, 'filter-truncated.wasm');
  writeFileSync(truncatedPath, bytes.subarray(0, bytes.length - 100));
  expect(() => assertFilterAbi(truncatedPath)).toThrow(
    /^filter-truncated\.wasm: invalid wasm module: truncated module: section \d+ \(\w+\) declares \d+ bytes but only \d+ remain at offset \d+ \(0x[0-9a-f]+\)$/,
  );
  expect(() => checkModule(bytes.subarray(0, 5))).toThrow('invalid wasm module: module is 5 bytes, shorter than the 8-byte header at offset 0 (0x0)');
  expect(() => checkModule(Buffer.from('{"not":"wasm"}'))).toThrow('invalid wasm module: bad magic (expected \\0asm) at offset 0');
});
