/**
 * `npm test [-- <playwright args>]`: type check, every suite on every matrix entry (with the
 * selftests), then the kill matrix on one version (every mutant of filter/variants.json must be
 * killed by its declared cases). Playwright arguments apply to the first part only; with any given
 * (one version, one case) the kill matrix is left out, as it is with EWC_MUTANTS=0.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../engine/paths';
import { runPlaywright } from './run-playwright';

function runMutants(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(repoRoot, 'scripts', 'mutants.ts')], { stdio: 'inherit', cwd: repoRoot });
    child.on('exit', (c, s) => resolve(c ?? (s ? 130 : 1)));
  });
}

(async () => {
  const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { stdio: 'inherit', cwd: repoRoot });
  if (tsc.status !== 0) {
    console.error('[test] type check failed');
    process.exit(1);
  }
  console.log('[test] type check passed');
  const args = process.argv.slice(2);
  const suites = await runPlaywright(args);
  if (suites === 130) process.exit(130);
  if (args.length || process.env.EWC_MUTANTS === '0') {
    process.exitCode = suites;
    return;
  }
  console.log('[test] kill matrix: every mutant against its declared killer cases (npm run mutants)');
  const mutants = await runMutants();
  console.log(`[test] suites ${suites === 0 ? 'passed' : `failed (exit ${suites})`}, kill matrix ${mutants === 0 ? 'passed' : `failed (exit ${mutants})`}`);
  process.exitCode = suites || mutants;
})().catch((e: Error) => {
  console.error(`[test] ${e.message}`);
  process.exit(1);
});
