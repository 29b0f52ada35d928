/**
 * ABI probe modules: hand-written WebAssembly text (abi/probes/<name>.wat), each the smallest
 * module that exercises one host decision (which marker it accepts, how it treats a missing
 * import). Assembled with wabt (already a dev dependency), cached by content hash.
 *
 * MEASURED_TABLE
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import type { AbiVersion } from './abi-versions';

export const PROBE_SOURCE_DIR = join(__dirname, 'probes');

export interface ProbeSpec {
  name: string;
  /** The proxy_abi_version_* export, or null for none. */
  marker: string | null;
  /** The version a host should run it under, or null when it must refuse it. */
  abiVersion: AbiVersion | null;
  expectLoad: boolean;
  tests: string;
}

export const PROBES: readonly ProbeSpec[] = [
  { name: 'abi-0-1-0', marker: 'proxy_abi_version_0_1_0', abiVersion: '0.1.0', expectLoad: true, tests: 'the 0.1.0 marker and 0.1.0 callback arity (proxy_on_request_headers without end_of_stream)' },
  { name: 'abi-0-2-0', marker: 'proxy_abi_version_0_2_0', abiVersion: '0.2.0', expectLoad: true, tests: 'the 0.2.0 marker (what @solo-io/proxy-runtime 0.1.8 exports)' },
  { name: 'abi-0-2-1', marker: 'proxy_abi_version_0_2_1', abiVersion: '0.2.1', expectLoad: true, tests: 'the 0.2.1 marker' },
  { name: 'no-marker', marker: null, abiVersion: null, expectLoad: false, tests: 'a module with no ABI marker is refused' },
  { name: 'unknown-marker', marker: 'proxy_abi_version_0_9_9', abiVersion: null, expectLoad: false, tests: 'an unknown ABI marker is refused like none' },
  { name: 'missing-import', marker: 'proxy_abi_version_0_2_0', abiVersion: '0.2.0', expectLoad: false, tests: 'an import the host does not provide (env.proxy_does_not_exist) is refused at link time' },
];

/** The line a probe logs (info) from proxy_on_configure once the host has loaded and configured it. */
export function probeConfiguredMessage(name: string): string {
  return `abi-probe ${name}: configured`;
}

/**
 * The hand-counted length in `(call $proxy_log (i32.const 2) (i32.const 1024) (i32.const N))` must
 * match the data string, or the host logs a truncated (or over-read) line and tests look for the
 * wrong text. Checked at build time rather than trusted.
 */
function checkLogLength(name: string, wat: string): void {
  const data = /\(data \(i32\.const 1024\) "([^"]*)"\)/.exec(wat);
  const call = /\(call \$proxy_log \(i32\.const 2\) \(i32\.const 1024\) \(i32\.const (\d+)\)\)/.exec(wat);
  if (!data || !call) throw new Error(`${name}.wat: expected one data string at 1024 and one proxy_log call of it`);
  if (data[1] !== probeConfiguredMessage(name)) throw new Error(`${name}.wat: logs "${data[1]}", expected "${probeConfiguredMessage(name)}"`);
  if (Number(call[1]) !== Buffer.byteLength(data[1])) throw new Error(`${name}.wat: proxy_log length ${call[1]} != ${Buffer.byteLength(data[1])}`);
}

export interface BuiltProbe extends ProbeSpec {
  path: string;
  /** false when the cached .wasm matched the source hash. */
  built: boolean;
}

/** Assembles every probe into `<outDir>/<name>.wasm`; a probe whose source hash is unchanged is not rebuilt. */
export async function buildProbes(outDir: string, sourceDir = PROBE_SOURCE_DIR): Promise<BuiltProbe[]> {
  mkdirSync(outDir, { recursive: true });
  let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;
  const out: BuiltProbe[] = [];
  for (const probe of PROBES) {
    const wat = readFileSync(join(sourceDir, `${probe.name}.wat`), 'utf8');
    checkLogLength(probe.name, wat);
    const hash = createHash('sha256').update('wabt@1.0.39\0').update(wat).digest('hex');
    const path = join(outDir, `${probe.name}.wasm`);
    const hashPath = `${path}.sha256`;
    if (existsSync(path) && existsSync(hashPath) && readFileSync(hashPath, 'utf8') === hash) {
      out.push({ ...probe, path, built: false });
      continue;
    }
    wabt ??= await wabtInit();
    const mod = wabt.parseWat(`${probe.name}.wat`, wat);
    try {
      mod.validate();
      const bytes = mod.toBinary({}).buffer;
      // Write-then-rename: parallel workers never read a half-written module.
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, path);
      writeFileSync(hashPath, hash);
    } finally {
      mod.destroy();
    }
    out.push({ ...probe, path, built: true });
  }
  return out;
}

// EXPECTED_OUTCOMES
