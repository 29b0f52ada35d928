#!/usr/bin/env node
// Builds the Rust port of the header-augmenter filter (proxy-wasm 0.2.2, wasm32-unknown-unknown).
//
//   node filter/rust/build.mjs                    production -> filter/build/rust/filter.wasm
//   node filter/rust/build.mjs --variant <name>   variant    -> filter/build/rust/variants/<name>.wasm
//   node filter/rust/build.mjs --all              production + every variant in variants.txt
//   add --force to ignore the up-to-date check
//
// Toolchain: Debian's rustc 1.63 + cargo + libstd-rust-dev-wasm32 (/usr/bin, /usr/lib/rustlib), never
// rustup's (which has no wasm32 std here). Crates are vendored once per Cargo.lock into the cache dir
// (sparse index download, the only step with RUSTC_BOOTSTRAP=1), then every build is offline.
// A variant is the cargo feature `variant-<name>`; see src/variant.rs.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseBuildArgs, reportOutput, upToDate } from "../build-cli.mjs";

const CRATE_DIR = dirname(fileURLToPath(import.meta.url));
const FILTER_DIR = resolve(CRATE_DIR, "..");
const REPO_DIR = resolve(FILTER_DIR, "..");
const BUILD_DIR = join(FILTER_DIR, "build", "rust");
const TARGET_DIR = join(BUILD_DIR, "target");
const TARGET = "wasm32-unknown-unknown";
const ARTIFACT = join(TARGET_DIR, TARGET, "release", "header_augmenter.wasm");
const CARGO_TOML = join(CRATE_DIR, "Cargo.toml");
const CARGO_LOCK = join(CRATE_DIR, "Cargo.lock");
const VARIANTS_FILE = join(CRATE_DIR, "variants.txt");
const RUSTC = "/usr/bin/rustc";
const CARGO = "/usr/bin/cargo";
const WASM_STD = "/usr/lib/rustlib/wasm32-unknown-unknown";
const APT_PACKAGES = ["rustc", "cargo", "libstd-rust-dev-wasm32"];
const IS_MAIN = Boolean(process.argv[1]) && resolve(process.argv[1]) === fileURLToPath(import.meta.url);

class BuildError extends Error {}

function readVariantNames() {
  const names = readFileSync(VARIANTS_FILE, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const catalogue = JSON.parse(readFileSync(join(FILTER_DIR, "variants.json"), "utf8")).map((e) => e.name);
  const unknown = names.filter((n) => !catalogue.includes(n));
  if (unknown.length) throw new BuildError(`${relative(REPO_DIR, VARIANTS_FILE)}: not in filter/variants.json: ${unknown.join(", ")}`);
  return names;
}

/** "none" (production) first, then every variant the Rust port implements (variants.txt). */
export const RUST_VARIANTS = ["none", ...readVariantNames()];

export function outputPath(variant) {
  return variant === "none" ? join(BUILD_DIR, "filter.wasm") : join(BUILD_DIR, "variants", `${variant}.wasm`);
}

function cacheDir() {
  const base = process.env.EWC_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "envoy-wasm-conformance");
  return join(base, "rust");
}

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...opts });
}

function toolchainProblem() {
  if (!existsSync(RUSTC) || !existsSync(CARGO)) return `${RUSTC} or ${CARGO} not found`;
  const v = run(RUSTC, ["--version"]);
  if (v.status !== 0 || !/^rustc 1\.(6[3-9]|7\d)\./.test(v.stdout)) return `${RUSTC} is not rustc 1.63-ish (${(v.stdout || v.stderr || "").trim()})`;
  if (!existsSync(WASM_STD)) return `${WASM_STD} not found (wasm32 std missing)`;
  return null;
}

/** Makes sure Debian's rustc/cargo with the wasm32 std are there; installs them via apt-get when root. */
export function ensureToolchain() {
  let problem = toolchainProblem();
  if (!problem) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = existsSync("/usr/bin/apt-get");
  if (!isRoot || !hasApt) {
    throw new BuildError(`Rust toolchain missing: ${problem}.\nInstall it with: apt-get install rustc cargo libstd-rust-dev-wasm32 (Debian 12: rustc 1.63 with the wasm32 std)`);
  }
  console.error(`build.mjs: ${problem}; installing ${APT_PACKAGES.join(" ")} with apt-get`);
  const lock = ["-o", "DPkg::Lock::Timeout=120"];
  console.error("build.mjs: apt-get update -qq");
  let r = run("apt-get", [...lock, "update", "-qq"], { stdio: "inherit" });
  if (r.status !== 0) throw new BuildError(`apt-get update failed (exit ${r.status})`);
  console.error(`build.mjs: apt-get install -y ${APT_PACKAGES.join(" ")}`);
  r = run("apt-get", [...lock, "install", "-y", "-qq", ...APT_PACKAGES], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (r.status !== 0) throw new BuildError(`apt-get install ${APT_PACKAGES.join(" ")} failed (exit ${r.status})`);
  problem = toolchainProblem();
  if (problem) throw new BuildError(`Rust toolchain still unusable after apt-get install: ${problem}`);
}

// Environment for Debian's cargo: no rustup or cargo variables from the caller, /usr/bin first.
function cargoEnv(cargoHome, extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(RUSTUP_|CARGO|RUSTC|RUSTFLAGS|RUSTDOC)/.test(k)) continue;
    env[k] = v;
  }
  env.PATH = ["/usr/bin", "/bin", ...(process.env.PATH || "").split(":").filter((p) => p && p !== "/usr/bin" && p !== "/bin")].join(":");
  env.RUSTC = RUSTC;
  env.CARGO_HOME = cargoHome;
  env.CARGO_TARGET_DIR = TARGET_DIR;
  return { ...env, ...extra };
}

// Vendored crates, keyed by the hash of Cargo.lock; downloaded to a temp dir and renamed into place,
// so an interrupted download is never reused.
function ensureVendor(cache, cargoHome) {
  const hash = createHash("sha256").update(readFileSync(CARGO_LOCK)).digest("hex").slice(0, 12);
  const dir = join(cache, `vendor-${hash}`);
  if (existsSync(dir)) return dir;
  mkdirSync(cache, { recursive: true });
  const tmp = join(cache, `.vendor-${hash}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  console.error(`build.mjs: vendoring crates for Cargo.lock ${hash} into ${dir}`);
  const r = run(CARGO, ["-Z", "sparse-registry", "vendor", "--locked", "--manifest-path", CARGO_TOML, tmp], {
    cwd: CRATE_DIR,
    env: cargoEnv(cargoHome, { RUSTC_BOOTSTRAP: "1", CARGO_REGISTRIES_CRATES_IO_PROTOCOL: "sparse" }),
  });
  if (r.status !== 0 || !existsSync(tmp)) {
    rmSync(tmp, { recursive: true, force: true });
    throw new BuildError(`cargo vendor failed (exit ${r.status ?? r.error?.message}):\n${r.stdout ?? ""}${r.stderr ?? ""}`);
  }
  try {
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw e; // else another build won the race
  }
  return dir;
}

function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(join(CRATE_DIR, "src"));
  files.push(CARGO_TOML, CARGO_LOCK, fileURLToPath(import.meta.url));
  return files;
}

function compile(variant, out, vendor, cargoHome) {
  // Remaps: later flags win in rustc, so the most specific prefixes come last.
  const remaps = [
    `--remap-path-prefix=${homedir()}=/home`,
    `--remap-path-prefix=${vendor}=/vendor`,
    `--remap-path-prefix=${CRATE_DIR}=/header-augmenter`,
  ];
  const args = [
    "build", "--offline", "--locked", "--release", "--target", TARGET,
    "--manifest-path", CARGO_TOML,
    "--config", 'source.crates-io.replace-with="vendored"',
    "--config", `source.vendored.directory=${JSON.stringify(vendor)}`,
  ];
  if (variant !== "none") args.push("--features", `variant-${variant}`);
  const r = run(CARGO, args, { cwd: CRATE_DIR, env: cargoEnv(cargoHome, { CARGO_ENCODED_RUSTFLAGS: remaps.join("\x1f") }) });
  if (r.status !== 0 || !existsSync(ARTIFACT)) {
    throw new BuildError(`cargo build failed for variant "${variant}" (exit ${r.status ?? r.error?.message})\ncommand: ${CARGO} ${args.join(" ")}\n${r.stdout ?? ""}${r.stderr ?? ""}`);
  }
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  copyFileSync(ARTIFACT, tmp);
  renameSync(tmp, out);
}

// One build at a time per checkout: cargo locks the target dir only while it compiles, and every
// variant's artifact lands on the same path, so compile + copy must not interleave with another
// process's (a selftest and a run's setup may build at once). A lock left by a dead process is taken over.
const LOCK_DIR = join(BUILD_DIR, ".build-lock");
function withBuildLock(fn) {
  mkdirSync(BUILD_DIR, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, "pid"), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(LOCK_DIR, "pid"), "utf8"));
      } catch {}
      let alive = true;
      if (Number.isInteger(holder) && holder > 0) {
        try {
          process.kill(holder, 0);
        } catch (err) {
          alive = err.code === "EPERM";
        }
      }
      if (!alive) rmSync(LOCK_DIR, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new BuildError(`another build holds ${relative(REPO_DIR, LOCK_DIR)} (pid ${holder}) for over 15 minutes`);
      else Atomics.wait(pause, 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

function main() {
  const opts = parseBuildArgs(process.argv.slice(2), { script: "filter/rust/build.mjs", variants: RUST_VARIANTS });
  try {
    let ready = null; // { vendor, cargoHome } once the toolchain and crates are there
    for (const variant of opts.variants) {
      const out = outputPath(variant);
      if (!opts.force && upToDate(out, sourceFiles())) {
        reportOutput(variant, out, true, REPO_DIR);
        continue;
      }
      withBuildLock(() => {
        // Another process may have built it while this one waited.
        if (!opts.force && upToDate(out, sourceFiles())) return reportOutput(variant, out, true, REPO_DIR);
        if (!ready) {
          ensureToolchain();
          const cache = cacheDir();
          const cargoHome = join(cache, "cargo-home");
          mkdirSync(cargoHome, { recursive: true });
          ready = { vendor: ensureVendor(cache, cargoHome), cargoHome };
        }
        compile(variant, out, ready.vendor, ready.cargoHome);
        reportOutput(variant, out, false, REPO_DIR);
      });
    }
  } catch (e) {
    console.error(`build.mjs: ${e instanceof BuildError ? e.message : e.stack || e}`);
    process.exit(1);
  }
}

if (IS_MAIN) main();
