/**
 * `npm run fuzz -- [--count <N>] [--seed <S>]`
 *
 * N generated header-service answers (seed S, default 1: a run is reproducible) through the oracle
 * and both filter builds in a Node proxy-wasm host (fuzz/). Prints the rate as it goes, every
 * disagreement (shrunk), and a closing line
 * `fuzz: N cases, N disagreements (oracle, assemblyscript, rust), N cases/s`.
 * Exit 1 on any disagreement, 2 on a bad argument or a build that is missing.
 */
import fs from 'node:fs';
import { describe, ensureBuilds, runDifferential } from '../fuzz/differential';
import { IMPLEMENTATIONS, variantWasmPath } from '../implementations';
import { commandArgs, shownPath, usageError } from '../runner/cli';

const USAGE = 'npm run fuzz -- [--count <N>] [--seed <S>]';
const { values } = commandArgs('fuzz', USAGE, process.argv.slice(2), {
  count: { type: 'string', needs: '--count needs a positive integer' },
  seed: { type: 'string', needs: '--seed needs an integer' },
});
const count = values.count ?? '10000';
const seed = values.seed ?? '1';
if (!/^[1-9]\d{0,8}$/.test(count)) usageError('fuzz', USAGE, `--count must be a positive integer below 10^9 (got "${count}")`);
if (!/^-?\d{1,10}$/.test(seed) || Math.abs(Number(seed)) > 2 ** 31 - 1) usageError('fuzz', USAGE, `--seed must be an integer between -2147483647 and 2147483647 (got "${seed}")`);
// A fresh checkout: build what is missing first (the Rust build may install Debian's rustc), saying so.
const missing = IMPLEMENTATIONS.filter((impl) => !fs.existsSync(variantWasmPath(impl, 'none')));
if (missing.length) console.log(`[fuzz] building ${missing.map((i) => `${i.id} (node ${i.buildScript})`).join(', ')} first`);
ensureBuilds();

async function main(): Promise<number> {
  console.log(`[fuzz] ${count} cases, seed ${seed}, builds: ${IMPLEMENTATIONS.map((i) => `${i.id} (${shownPath(variantWasmPath(i, 'none'))})`).join(', ')}`);
  const every = Math.max(1000, Math.min(10000, Math.floor(Number(count) / 10)));
  const run = await runDifferential({
    count: Number(count),
    seed: Number(seed),
    every,
    progress: (done, seconds) => console.log(`[fuzz] ${done} cases, ${Math.round(done / seconds)} cases/s`),
  });
  run.shrunk.forEach((r) => console.log(describe(r)));
  for (const r of run.disagreements.slice(run.shrunk.length)) console.log(`${describe(r)}\n  (not shrunk: only the first ${run.shrunk.length} are)`);
  console.log(`[fuzz] classes: ${[...run.byClass].sort().map(([c, n]) => `${c} ${n}`).join(', ')}`);
  const rate = Math.round(run.cases / run.seconds);
  console.log(`fuzz: ${run.cases} cases, ${run.disagreements.length} disagreements (oracle, assemblyscript, rust), ${rate} cases/s`);
  return run.disagreements.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`[fuzz] ${e.stack ?? e.message}`);
    process.exit(2);
  },
);
