/**
 * The catalogue: every `breakages/<id>.ts` data file (adding a breakage is one probe and one data
 * file), validated, in file-name order.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BreakageEntry } from './schema';

export { breakageOutcome, type BreakageEntry, type BreakageProbe, type Observation, type Outcome, type OutcomeKind, type Trigger } from './schema';
export { breakageModules, breakageProbesDir, buildBreakageProbes, GO_MISSING, type BuiltBreakageProbe } from './build';

/** Files of this room that are not entries (traps.ts: the factory the trap-in-* entries call). */
const NOT_ENTRIES = new Set(['index.ts', 'schema.ts', 'build.ts', 'traps.ts']);

export function loadBreakages(dir: string = __dirname): BreakageEntry[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !NOT_ENTRIES.has(f))
    .sort()
    .map((f) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const entry = (require(path.join(dir, f)) as { default?: BreakageEntry }).default;
      if (!entry || typeof entry !== 'object') throw new Error(`breakages/${f}: the default export must be a BreakageEntry`);
      if (entry.id !== f.replace(/\.ts$/, '')) throw new Error(`breakages/${f}: id "${entry.id}" must be the file name`);
      if (!entry.upstream?.length) throw new Error(`breakages/${f}: names no upstream issue`);
      return entry;
    });
}

export const BREAKAGES: readonly BreakageEntry[] = loadBreakages();
