// What both filter build scripts (filter/build.mjs, filter/rust/build.mjs) share: their command line,
// the up-to-date check and the output line `<variant>: <path> size=<bytes> bytes sha256=<hex>`.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { relative } from "node:path";

/** `[--variant <name> | --all] [--force]`; a bad argument prints the usage and exits 2. */
export function parseBuildArgs(argv, { script, variants }) {
  const usage = (message) => {
    if (message) console.error(`build.mjs: ${message}`);
    console.error(`usage: node ${script} [--variant <name> | --all] [--force]`);
    console.error(`variants: ${variants.join(", ")}`);
    process.exit(2);
  };
  const opts = { variants: ["none"], force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--force") opts.force = true;
    else if (a === "--all") opts.variants = [...variants];
    else if (a === "--variant") {
      const v = argv[++i];
      if (!v) usage("--variant needs a name");
      opts.variants = [v];
    } else if (a.startsWith("--variant=")) opts.variants = [a.slice("--variant=".length)];
    else if (a === "-h" || a === "--help") usage();
    else usage(`unknown argument ${a}`);
  }
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
export function reportOutput(variant, out, cached, base) {
  const data = readFileSync(out);
  const sha = createHash("sha256").update(data).digest("hex");
  console.log(`${variant}: ${relative(base, out) || out} size=${data.length} bytes sha256=${sha}${cached ? " (up to date)" : ""}`);
}
