/**
 * ABI probe modules: hand-written WebAssembly text (abi/probes/<name>.wat), each the smallest
 * module that exercises one host decision (which marker it accepts, how it treats a missing
 * import). Assembled with wabt (already a dev dependency), cached by content hash.
 *
 * Measured 2026-11-24 with native Envoy (no Docker), V8 runtime, --concurrency 1, bootstrap with a
 * plain direct_response listener plus the probe listener (envoy.filters.http.wasm, root_id "probe",
 * configuration "{}"); then again with only the plain listener static and the probe listener
 * delivered afterwards through a watched LDS file. Versions 1.36.2, 1.36.4, 1.37.0, 1.38.2, 1.39.3,
 * 1.40.0 (1.38.3's wheel has no V8) all behaved identically:
 *
 * probe          | static bootstrap                                  | LDS after startup
 * ---------------|---------------------------------------------------|-------------------------------------------------
 * abi-0-1-0      | starts; "configured" logged; both listeners 200   | update accepted; "configured"; both listeners 200
 * abi-0-2-0      | starts; "configured" logged; both listeners 200   | update accepted; "configured"; both listeners 200
 * abi-0-2-1      | starts; "configured" logged; both listeners 200   | update accepted; "configured"; both listeners 200
 * no-marker      | exits 1 before serving: plain listener never up   | lds.update_rejected +1; plain keeps serving 200;
 * unknown-marker |   (same as no-marker)                             |   probe port refuses connections; never
 * missing-import |   (same, with the missing-import line)            |   "configured"
 *
 * Host log lines of a rejection, in order (after "[error|critical][wasm] [source/...:<line>] "):
 *   no-marker, unknown-marker: "Wasm VM failed Missing or unknown Proxy-Wasm ABI version",
 *     "Wasm VM failed Failed to load Wasm code"
 *   missing-import: "Failed to load Wasm module due to a missing import: env.proxy_does_not_exist",
 *     "Wasm VM failed Failed to initialize Wasm code"
 *   then all three: "Plugin <plugin name> failed to load", "Plugin configured to fail closed failed to load",
 *   and static: [critical][main] "error `Unable to create Wasm plugin <plugin name>` initializing config '<path>'"
 *     (the path is printed as a protobuf debug string: on 1.37+ it reads 'goo.gle/debugonly…' or
 *     similar instead of the path, on 1.36 it has random leading spaces: never match on it);
 *   LDS: [warning][config] "Filesystem config update rejected: Error adding/updating listener(s) <listener>:
 *     Unable to create Wasm plugin <plugin name>", preceded on 1.39.3+ only by [warning][upstream]
 *     "lds: listener '<listener>' config rejected: Unable to create Wasm plugin <plugin name>".
 * The configured line reads "wasm log <root_id> <vm_id>: abi-probe <name>: configured" (info).
 * Source line numbers differ per version; match on the text.
 * Also measured (1.40.0, scratch module, not a probe): a 0.2.0 module whose proxy_on_request_headers
 * takes two params is refused with "Bad function signature for: proxy_on_request_headers, want:
 * i32 i32 i32 -> i32, but the module exports: i32 i32 -> i32", as check.ts predicts.
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

export interface ProbeOutcome {
  /** The probe listener in the static bootstrap, next to a plain listener. */
  static: {
    envoy: 'serves' | 'exits';
    /** Whether the plain listener answered: an Envoy that exits at startup serves nothing. */
    otherListenerServes: boolean;
  };
  /** The probe listener delivered through the watched LDS file after startup. */
  lds: {
    update: 'accepted' | 'rejected';
    staticListenerServes: boolean;
    probeListenerServes: boolean;
  };
  /** "abi-probe <name>: configured" appears in the wasm log. */
  configured: boolean;
  /** Host log lines (text after the source location), in order; <plugin> = the plugin's config name. */
  hostLog: string[];
}

const LOADS: ProbeOutcome = {
  static: { envoy: 'serves', otherListenerServes: true },
  lds: { update: 'accepted', staticListenerServes: true, probeListenerServes: true },
  configured: true,
  hostLog: [],
};
function refused(first: string[]): ProbeOutcome {
  return {
    static: { envoy: 'exits', otherListenerServes: false },
    lds: { update: 'rejected', staticListenerServes: true, probeListenerServes: false },
    configured: false,
    hostLog: [...first, 'Plugin <plugin> failed to load', 'Plugin configured to fail closed failed to load'],
  };
}
const NO_ABI = ['Wasm VM failed Missing or unknown Proxy-Wasm ABI version', 'Wasm VM failed Failed to load Wasm code'];

/**
 * Measured outcome per probe (see the table above). Every measured Envoy version agreed, so each
 * probe has one value; a version that differs would get a map keyed by minor ("1.36": ...).
 */
export const EXPECTED_PROBE_OUTCOMES: Record<string, ProbeOutcome | Record<string, ProbeOutcome>> = {
  'abi-0-1-0': LOADS,
  'abi-0-2-0': LOADS,
  'abi-0-2-1': LOADS,
  'no-marker': refused(NO_ABI),
  'unknown-marker': refused(NO_ABI),
  'missing-import': refused(['Failed to load Wasm module due to a missing import: env.proxy_does_not_exist', 'Wasm VM failed Failed to initialize Wasm code']),
};

/** The expected outcome of `probe` on Envoy `version` ("1.40.0"), resolving per-minor entries. */
export function expectedProbeOutcome(probe: string, version: string): ProbeOutcome {
  const entry = EXPECTED_PROBE_OUTCOMES[probe];
  if (!entry) throw new Error(`unknown probe "${probe}"; known: ${Object.keys(EXPECTED_PROBE_OUTCOMES).join(', ')}`);
  if ('hostLog' in entry) return entry as ProbeOutcome;
  const minor = version.split('.').slice(0, 2).join('.');
  const hit = (entry as Record<string, ProbeOutcome>)[minor];
  if (!hit) throw new Error(`no measured outcome of probe "${probe}" for Envoy ${minor}`);
  return hit;
}
