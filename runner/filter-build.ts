/** Builds the filter of one implementation (and a test variant when asked) through its build script, failing loudly. */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { cacheDir, repoRoot } from '../engine/paths';
import { type FilterImplementation, missingVariant } from '../implementations';

/** Builds that suites load on purpose (failure_policy cases, a module swap under ECDS), built with every run. */
export const SUITE_VARIANTS = ['panic-on-request', 'no-inject'];

export function buildFilter(impl: FilterImplementation, variant = 'none'): void {
  buildVariants(impl, [...new Set(['none', ...SUITE_VARIANTS, variant])]);
}

export function buildVariants(impl: FilterImplementation, variants: string[]): void {
  for (const v of variants) {
    const missing = missingVariant(impl, v);
    if (missing) throw new Error(missing);
  }
  // One build command for all of them, one compile per core at a time; builds are kept in the cache by
  // content, so a fresh checkout on a machine that built them before copies them.
  const args = [...variants.flatMap((v) => ['--variant', v]), '--cache-dir', path.join(cacheDir, 'filter-builds', impl.id), '--jobs', String(Math.max(1, os.cpus().length))];
  const r = spawnSync(process.execPath, [path.join(repoRoot, impl.buildScript), ...args], { encoding: 'utf8', cwd: repoRoot });
  if (r.status !== 0) throw new Error(`${impl.id} filter build (variants ${variants.join(', ')}) failed:\n${r.stdout}\n${r.stderr}`);
  process.stdout.write(r.stdout.split('\n').map((l) => (l ? `[filter] ${impl.id} ${l}` : l)).join('\n'));
}
