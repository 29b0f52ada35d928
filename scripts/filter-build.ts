/** Builds the filter (and a test variant when asked) through filter/build.mjs, failing loudly. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../engine/paths';

/** Test-only builds that suites load on purpose (failure_policy cases), built with every run. */
export const SUITE_VARIANTS = ['panic-on-request'];

export function buildFilter(variant = 'none'): void {
  const variants = [...new Set(['none', ...SUITE_VARIANTS, variant])];
  for (const v of variants) {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'filter', 'build.mjs'), '--variant', v], { encoding: 'utf8', cwd: repoRoot });
    if (r.status !== 0) throw new Error(`filter build (variant ${v}) failed:\n${r.stdout}\n${r.stderr}`);
    process.stdout.write(r.stdout.split('\n').map((l) => (l ? `[filter] ${l}` : l)).join('\n'));
  }
}
