// What both filter build scripts (filter/build.mjs, filter/rust/build.mjs) share: their command line,
// the up-to-date check and the output line `<variant>: <path> size=<bytes> bytes sha256=<hex>`.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** `[--variant <name> ... | --all] [--force] [--cache-dir <dir>] [--jobs <n>]`; a bad argument prints the usage and exits 2. */
export function parseBuildArgs(argv, { script, variants }) {
  const usage = (message) => {
    if (message) console.error(`build.mjs: ${message}`);
    console.error(`usage: node ${script} [--variant <name> ... | --all] [--force] [--cache-dir <dir>] [--jobs <n>]`);
    console.error(`variants: ${variants.join(", ")}`);
    process.exit(2);
  };
  const opts = { variants: ["none"], force: false, cacheDir: undefined, jobs: 1 };
  const named = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--force") opts.force = true;
    else if (a === "--all") opts.variants = [...variants];
    else if (a === "--variant") {
      const v = argv[++i];
      if (!v) usage("--variant needs a name");
      named.push(v);
    } else if (a.startsWith("--variant=")) named.push(a.slice("--variant=".length));
    else if (a === "--jobs") {
      opts.jobs = Number(argv[++i]);
      if (!Number.isInteger(opts.jobs) || opts.jobs < 1) usage("--jobs needs a whole number from 1");
    }
    else if (a === "--cache-dir") {
      opts.cacheDir = argv[++i];
      if (!opts.cacheDir) usage("--cache-dir needs a directory");
    } else if (a === "-h" || a === "--help") usage();
    else usage(`unknown argument ${a}`);
  }
  if (named.length) opts.variants = [...new Set(named)];
  for (const v of opts.variants) if (!variants.includes(v)) usage(`unknown variant "${v}"`);
  return opts;
}

/** True when `out` exists and is newer than every input. */
export function upToDate(out, inputs) {
  if (!existsSync(out)) return false;
  const outTime = statSync(out).mtimeMs;
  return inputs.every((f) => statSync(f).mtimeMs < outTime);
}

/** Prints the output line; the path relative to `base` (the directory the caller reports from). */
export function reportOutput(variant, out, cached, base, how = "up to date") {
  const data = readFileSync(out);
  const sha = createHash("sha256").update(data).digest("hex");
  console.log(`${variant}: ${relative(base, out) || out} size=${data.length} bytes sha256=${sha}${cached ? ` (${how})` : ""}`);
}

/**
 * A build named by everything that goes into it (the sources' bytes, the compiler's version, the
 * flags, the variant): a cache hit is the same module byte for byte, so a fresh checkout on a machine
 * that built it before copies instead of compiling (the kill matrix builds ~50 variants).
 */
export function buildKey(base, files, extra) {
  const h = createHash("sha256");
  for (const f of [...files].map((f) => relative(base, f)).sort()) h.update(f).update("\0").update(readFileSync(join(base, f))).update("\0");
  return h.update(JSON.stringify(extra)).digest("hex");
}

/** Copies the cached build for `key` to `out`; false when there is none (or no cache dir). */
export function fromCache(cacheDir, key, out) {
  const hit = cacheDir && join(cacheDir, `${key}.wasm`);
  if (!hit || !existsSync(hit)) return false;
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(hit, out);
  return true;
}

/** Keeps `out` in the cache under `key` (written by rename: a reader never sees half a module). */
export function toCache(cacheDir, key, out) {
  if (!cacheDir) return;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = join(cacheDir, `.${key}.${process.pid}.tmp`);
  copyFileSync(out, tmp);
  renameSync(tmp, join(cacheDir, `${key}.wasm`));
}
