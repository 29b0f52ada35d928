#!/usr/bin/env node
// Builds the header-augmenter filter with AssemblyScript 0.17.14.
//
//   node filter/build.mjs                    production build -> filter/build/filter.wasm
//   node filter/build.mjs --variant <name>   test mutant      -> filter/build/variants/<name>.wasm
//   node filter/build.mjs --all              production + every variant
//   add --force to ignore the up-to-date check
//
// Variants are selected at compile time through the generated module assembly/variant.generated.ts
// (gitignored): it exports VARIANT (the name) and one const bool IS_<NAME> per variant; the filter
// branches on `if (IS_<NAME>)`, which the compiler removes when false, so the production build
// carries no mutant code at all. The module is always restored to "none" at the end.
//
// The variants are data: filter/variants.json lists each one (name, kind, behaviour, the README rule it
// breaks, and its killers: the conformance cases that must fail against it). "none" (production) is
// implicit. The file is validated on every import of this module; a bad entry stops everything.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildKey, fromCache, parseBuildArgs, reportOutput, toCache, upToDate } from "./build-cli.mjs";

const FILTER_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_DIR = resolve(FILTER_DIR, "..");
const ASSEMBLY_DIR = join(FILTER_DIR, "assembly");
const BUILD_DIR = join(FILTER_DIR, "build");
const VARIANT_MODULE = join(ASSEMBLY_DIR, "variant.generated.ts");
const ASC = join(REPO_DIR, "node_modules", ".bin", process.platform === "win32" ? "asc.cmd" : "asc");
const ENTRY = join(ASSEMBLY_DIR, "index.ts");
// --runtime half: the full runtime minus its exports (__new, __retain, ...), which no host uses (-400 bytes).
const ASC_FLAGS = ["--use", "abort=abort_proc_exit", "-O3z", "--converge", "--noAssert", "--runtime", "half"];
const CATALOGUE_FILE = join(FILTER_DIR, "variants.json");
/** The compiler and runtime versions a build depends on, besides the sources (part of its cache key). */
const COMPILER_FILES = ["assemblyscript", "@solo-io/proxy-runtime"].map((pkg) => join(REPO_DIR, "node_modules", pkg, "package.json"));
const IS_MAIN = Boolean(process.argv[1]) && resolve(process.argv[1]) === fileURLToPath(import.meta.url);

const KINDS = ["mutant", "test-build"];
const ENTRY_KEYS = ["name", "kind", "behaviour", "rule", "killers"];
const KILLER_KEYS = ["case", "why"];
const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
// "<spec basename> › <test title>", as the report model builds case ids.
const CASE_ID = /^[a-z0-9]+(-[a-z0-9]+)* › \S/;

const isText = (v) => typeof v === "string" && v.trim().length > 0;

/**
 * Parses and checks the catalogue text; returns the entries or throws an Error listing every problem.
 * Exported for scripts that want to check a catalogue without importing it as the build's own.
 */
export function parseCatalogue(text, source = "variants.json") {
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not valid JSON: ${e.message}`);
  }
  if (!Array.isArray(data)) throw new Error(`${source}: must be a JSON array of variant entries`);
  const problems = [];
  const seen = new Set();
  data.forEach((entry, i) => {
    const at = `${source}[${i}]${entry && typeof entry.name === "string" ? ` (${entry.name})` : ""}`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      problems.push(`${at}: must be an object`);
      return;
    }
    for (const key of Object.keys(entry)) if (!ENTRY_KEYS.includes(key)) problems.push(`${at}: unknown key "${key}" (allowed: ${ENTRY_KEYS.join(", ")})`);
    const { name, kind, behaviour, rule, killers } = entry;
    if (typeof name !== "string" || !KEBAB.test(name)) problems.push(`${at}: "name" must be a kebab-case string (a lowercase letter, then lowercase letters, digits and single dashes), got ${JSON.stringify(name)}`);
    else if (name === "none") problems.push(`${at}: "none" is the production build and must not be listed`);
    else if (seen.has(name)) problems.push(`${at}: duplicate name "${name}"`);
    else seen.add(name);
    if (!KINDS.includes(kind)) problems.push(`${at}: "kind" must be one of ${KINDS.map((k) => `"${k}"`).join(", ")}, got ${JSON.stringify(kind)}`);
    if (!isText(behaviour)) problems.push(`${at}: "behaviour" must be a non-empty string`);
    if (!isText(rule)) problems.push(`${at}: "rule" must be a non-empty string`);
    if (!Array.isArray(killers)) {
      problems.push(`${at}: "killers" must be an array`);
      return;
    }
    if (kind === "mutant" && killers.length === 0) problems.push(`${at}: a mutant needs at least one killer`);
    const cases = new Set();
    killers.forEach((killer, j) => {
      const kat = `${at}.killers[${j}]`;
      if (killer === null || typeof killer !== "object" || Array.isArray(killer)) {
        problems.push(`${kat}: must be an object with "case" and "why"`);
        return;
      }
      for (const key of Object.keys(killer)) if (!KILLER_KEYS.includes(key)) problems.push(`${kat}: unknown key "${key}" (allowed: ${KILLER_KEYS.join(", ")})`);
      if (!isText(killer.case)) problems.push(`${kat}: "case" must be a non-empty string`);
      else if (!CASE_ID.test(killer.case)) problems.push(`${kat}: "case" must look like "<spec basename> › <test title>", got ${JSON.stringify(killer.case)}`);
      else if (cases.has(killer.case)) problems.push(`${kat}: case listed twice: ${JSON.stringify(killer.case)}`);
      else cases.add(killer.case);
      if (!isText(killer.why)) problems.push(`${kat}: "why" must be a non-empty string`);
    });
  });
  if (problems.length) throw new Error(`${source}: ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  return data;
}

// Run as the build CLI: a clear message and exit 2. Imported by a script: the import fails with the
// same message (an Error), so the importer decides how to report it.
function loadCatalogue() {
  try {
    let text;
    try {
      text = readFileSync(CATALOGUE_FILE, "utf8");
    } catch (e) {
      throw new Error(`cannot read ${CATALOGUE_FILE}: ${e.message}`);
    }
    return parseCatalogue(text, relative(REPO_DIR, CATALOGUE_FILE));
  } catch (e) {
    const message = `build.mjs: invalid variant catalogue: ${e.message}`;
    if (!IS_MAIN) throw new Error(message);
    console.error(message);
    process.exit(2);
  }
}

/** The parsed, validated entries of filter/variants.json (production "none" is not among them). */
export const CATALOGUE = loadCatalogue();

/** "none" (production) first, then every catalogue entry in file order. */
export const VARIANTS = ["none", ...CATALOGUE.map((e) => e.name)];

export function outputPath(variant) {
  return variant === "none" ? join(BUILD_DIR, "filter.wasm") : join(BUILD_DIR, "variants", `${variant}.wasm`);
}

// Inputs that affect the output. The generated variant module is excluded: it is rewritten on every
// build, and its content is fully determined by the variant name, which the output path encodes.
function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && p !== VARIANT_MODULE) files.push(p);
    }
  };
  walk(ASSEMBLY_DIR);
  files.push(fileURLToPath(import.meta.url));
  for (const pkg of ["assemblyscript", "@solo-io/proxy-runtime"]) {
    const pj = join(REPO_DIR, "node_modules", pkg, "package.json");
    if (existsSync(pj)) files.push(pj);
  }
  return files;
}

// One bool per variant besides VARIANT: AssemblyScript 0.17 does not constant-fold string
// comparisons, but it drops `if (IS_X)` branches on a false const bool entirely, so the production
// binary does not even contain the mutants' code.
export function variantFlag(name) {
  return "IS_" + name.toUpperCase().replace(/-/g, "_");
}

function writeVariantModule(variant, file = VARIANT_MODULE) {
  const flags = VARIANTS.filter((v) => v !== "none")
    .map((v) => `export const ${variantFlag(v)}: bool = ${v === variant};\n`)
    .join("");
  const text =
    "// GENERATED by filter/build.mjs: selects the compile-time variant. Do not edit or commit.\n" +
    `export const VARIANT: string = ${JSON.stringify(variant)};\n` +
    flags;
  // Only touch the file when the content changes (keeps editors and watchers quiet).
  if (!existsSync(file) || readFileSync(file, "utf8") !== text) writeFileSync(file, text);
}

/**
 * Compiles one variant in a work dir of its own (a copy of assembly/ with its own generated variant
 * module), so variants build side by side; the bytes are the same as a build in place.
 */
async function compile(variant, out) {
  mkdirSync(dirname(out), { recursive: true });
  const work = join(BUILD_DIR, ".work", variant);
  rmSync(work, { recursive: true, force: true });
  cpSync(ASSEMBLY_DIR, join(work, "assembly"), { recursive: true, filter: (src) => src !== VARIANT_MODULE });
  writeVariantModule(variant, join(work, "assembly", "variant.generated.ts"));
  const args = [join(work, "assembly", "index.ts"), "-b", out, ...ASC_FLAGS];
  try {
    const r = await new Promise((resolve) => {
      const child = spawn(ASC, args, { cwd: REPO_DIR });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("error", (error) => resolve({ status: null, error, output }));
      child.on("close", (status) => resolve({ status, output }));
    });
    if (r.error || r.status !== 0 || !existsSync(out)) {
      console.error(`build.mjs: asc failed for variant "${variant}" (exit ${r.status ?? r.error?.message})`);
      console.error(`command: ${ASC} ${args.join(" ")}`);
      if (r.output.trim()) console.error(r.output);
      return false;
    }
    // asc prints warnings on success; surface them so they are not silently ignored.
    if (r.output.trim()) console.error(r.output.trimEnd());
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  const opts = parseBuildArgs(process.argv.slice(2), { script: "filter/build.mjs", variants: VARIANTS });
  if (!existsSync(ASC)) {
    console.error(`build.mjs: ${ASC} not found; run npm ci first`);
    process.exit(1);
  }
  // What is neither up to date nor in the build cache is compiled, `--jobs` at a time.
  const todo = [];
  for (const variant of opts.variants) {
    const out = outputPath(variant);
    if (!opts.force && upToDate(out, sourceFiles())) {
      reportOutput(variant, out, true, process.cwd());
      continue;
    }
    const key = buildKey(REPO_DIR, [...sourceFiles(), ...COMPILER_FILES], { ASC_FLAGS, VARIANTS, variant });
    if (!opts.force && fromCache(opts.cacheDir, key, out)) {
      reportOutput(variant, out, true, process.cwd(), "from the build cache");
      continue;
    }
    todo.push({ variant, out, key });
  }
  let ok = true;
  const worker = async () => {
    for (let next = todo.shift(); next && ok; next = todo.shift()) {
      if (!(await compile(next.variant, next.out))) {
        ok = false;
        return;
      }
      toCache(opts.cacheDir, next.key, next.out);
      reportOutput(next.variant, next.out, false, process.cwd());
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(opts.jobs, todo.length) }, worker));
  } finally {
    // The module the sources import in place (editors, the type check) says production.
    writeVariantModule("none");
  }
  process.exit(ok ? 0 : 1);
}

if (IS_MAIN) await main();
