/**
 * Builds every catalogue probe: `.wat` with wabt (as abi/ does), Go sources with the Go toolchain
 * (`GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared`), each cached by a hash of its sources
 * and tools. A missing Go toolchain is a skip reason on that probe, never an exception and never a
 * pass; a Go build that fails is an error. abi/probes.ts modules an entry refers to are assembled
 * by abi/ into `<outDir>/abi-probes/`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import wabtInit from 'wabt';
import { buildProbes } from '../abi/probes';
import { settings } from '../runner/settings';
import type { BreakageEntry } from './schema';

const run = promisify(execFile);

export const BREAKAGE_SOURCE_DIR = path.join(__dirname, 'probes');
/** Where setup puts the modules (beside abi's probes in the filter's build directory; gitignored). */
export const breakageProbesDir = path.join(__dirname, '..', 'filter', 'build', 'breakages');

export interface BuiltBreakageProbe {
  /** The entry's id. */
  entry: string;
  /** One module (an abi-probes entry has several). */
  name: string;
  /** The module; absent when it could not be built here (`skip` says why). */
  path?: string;
  skip?: string;
  /** false when the cached module matched its source hash. */
  built: boolean;
}

/**
 * The modules an entry loads, under `dir` (default: where setup builds them). `skip`: the build
 * could not make the module here and said why (`<module>.wasm.skip`, e.g. no Go toolchain).
 */
export function breakageModules(entry: BreakageEntry, dir: string = breakageProbesDir): Array<{ name: string; path: string; skip?: string }> {
  const p = entry.probe;
  const paths = p.kind === 'abi-probes' ? p.names.map((name) => ({ name, path: path.join(dir, 'abi-probes', `${name}.wasm`) })) : [{ name: p.name, path: path.join(dir, `${p.name}.wasm`) }];
  return paths.map((m) => (!existsSync(m.path) && existsSync(`${m.path}.skip`) ? { ...m, skip: readFileSync(`${m.path}.skip`, 'utf8') } : m));
}

/** Every `(call $proxy_log (i32.const L) (i32.const A) (i32.const N))` must log a data string at A of N bytes. */
function checkLogLengths(name: string, wat: string): void {
  const data = new Map([...wat.matchAll(/\(data \(i32\.const (\d+)\) "([^"]*)"\)/g)].map((m) => [Number(m[1]), m[2]]));
  for (const call of wat.matchAll(/\(call \$proxy_log \(i32\.const \d\) \(i32\.const (\d+)\) \(i32\.const (\d+)\)\)/g)) {
    const text = data.get(Number(call[1]));
    if (text === undefined) throw new Error(`${name}.wat: proxy_log of address ${call[1]}, where no data string starts`);
    if (Number(call[2]) !== Buffer.byteLength(text)) throw new Error(`${name}.wat: proxy_log length ${call[2]} != ${Buffer.byteLength(text)} ("${text}")`);
  }
}

function writeAtomically(file: string, bytes: Uint8Array | string): void {
  // Write-then-rename: parallel workers never read a half-written module.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

const upToDate = (file: string, hash: string): boolean => existsSync(file) && existsSync(`${file}.sha256`) && readFileSync(`${file}.sha256`, 'utf8') === hash;

let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;

async function buildWat(name: string, outDir: string): Promise<BuiltBreakageProbe & { path: string }> {
  const wat = readFileSync(path.join(BREAKAGE_SOURCE_DIR, `${name}.wat`), 'utf8');
  checkLogLengths(name, wat);
  const hash = createHash('sha256').update('wabt@1.0.39\0').update(wat).digest('hex');
  const out = path.join(outDir, `${name}.wasm`);
  if (upToDate(out, hash)) return { entry: name, name, path: out, built: false };
  wabt ??= await wabtInit();
  const mod = wabt.parseWat(`${name}.wat`, wat);
  try {
    mod.validate();
    writeAtomically(out, mod.toBinary({}).buffer);
    writeFileSync(`${out}.sha256`, hash);
  } finally {
    mod.destroy();
  }
  return { entry: name, name, path: out, built: true };
}

/** The Go toolchain: `go` on PATH, else the official tarball's place; null when there is none. */
export const GO_CANDIDATES = ['go', '/usr/local/go/bin/go'];

async function findGo(candidates: readonly string[]): Promise<{ go: string; version: string } | null> {
  for (const go of candidates) {
    try {
      const { stdout } = await run(go, ['version'], { timeout: 30_000 });
      return { go, version: stdout.trim() };
    } catch {
      // not this one
    }
  }
  return null;
}

export const GO_MISSING =
  'the Go toolchain is not installed here (no `go` on PATH nor /usr/local/go/bin/go): install Go >= 1.24 (https://go.dev/dl/ tarball into /usr/local/go, or `apt-get install golang-go` where it is new enough) to build this probe';

const GO_ENV = { GOOS: 'wasip1', GOARCH: 'wasm', GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
const GO_ARGS = ['build', '-buildmode=c-shared', '-trimpath', '-o'];

async function buildGo(name: string, outDir: string, goCandidates: readonly string[]): Promise<BuiltBreakageProbe> {
  const found = await findGo(goCandidates);
  const out = path.join(outDir, `${name}.wasm`);
  if (!found) {
    // The suite reads why (breakageModules) and skips with it.
    writeFileSync(`${out}.skip`, GO_MISSING);
    return { entry: name, name, skip: GO_MISSING, built: false };
  }
  rmSync(`${out}.skip`, { force: true });
  const src = path.join(BREAKAGE_SOURCE_DIR, name);
  const hash = createHash('sha256').update(found.version).update('\0').update(JSON.stringify([GO_ENV, GO_ARGS]));
  for (const f of readdirSync(src).sort()) hash.update(`\0${f}\0`).update(readFileSync(path.join(src, f)));
  const digest = hash.digest('hex');
  // Cached by source hash outside the tree (a fresh clone on this machine builds nothing), copied beside the other probes.
  const cacheDir = path.join(settings.cacheDir, 'breakages', 'go');
  const cached = path.join(cacheDir, `${name}-${digest.slice(0, 16)}.wasm`);
  let built = false;
  if (!existsSync(cached)) {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    try {
      await run(found.go, [...GO_ARGS, tmp, '.'], { cwd: src, env: { ...process.env, ...GO_ENV }, timeout: 600_000 });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`breakage probe ${name}: ${found.version} failed to build ${src}: ${err.stderr?.trim() || err.message}`);
    }
    renameSync(tmp, cached);
    built = true;
  }
  if (!upToDate(out, digest)) {
    copyFileSync(cached, `${out}.${process.pid}.tmp`);
    renameSync(`${out}.${process.pid}.tmp`, out);
    writeFileSync(`${out}.sha256`, digest);
  }
  return { entry: name, name, path: out, built };
}

/**
 * Builds the probe of every entry (default: the catalogue) into `outDir`: one result per module,
 * each with its path or the reason it cannot be built here.
 */
export async function buildBreakageProbes(
  outDir: string = breakageProbesDir,
  entries?: readonly BreakageEntry[],
  opts: { /** Where to look for `go`, in order (tests: a toolchain that is not there). */ goCandidates?: readonly string[] } = {},
): Promise<BuiltBreakageProbe[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const all = entries ?? (require('./index') as typeof import('./index')).BREAKAGES;
  mkdirSync(outDir, { recursive: true });
  const results: BuiltBreakageProbe[] = [];
  for (const entry of all) {
    const p = entry.probe;
    if (p.kind === 'wat') results.push({ ...(await buildWat(p.name, outDir)), entry: entry.id });
    else if (p.kind === 'go') results.push({ ...(await buildGo(p.name, outDir, opts.goCandidates ?? GO_CANDIDATES)), entry: entry.id });
    else {
      const built = await buildProbes(path.join(outDir, 'abi-probes'));
      for (const name of p.names) {
        const probe = built.find((b) => b.name === name);
        if (!probe) throw new Error(`breakage ${entry.id}: abi/probes.ts has no probe "${name}"`);
        results.push({ entry: entry.id, name, path: probe.path, built: probe.built });
      }
    }
  }
  return results;
}
