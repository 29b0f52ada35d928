/**
 * filter/variants.json, typed: the compile-time variants of the filter (mutants and the test builds
 * suites load on purpose), each with the rule it breaks and the cases that must fail against it.
 * The one reader of the catalogue on the TypeScript side (implementations, the kill matrix, tests);
 * the build scripts (filter/build.mjs, filter/rust/build.mjs) check it in full on every build.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const CATALOGUE_FILE = path.join(__dirname, '..', 'filter', 'variants.json');

export interface Killer {
  /** `<spec> › <title>`, as in matrix.json. */
  case: string;
  why: string;
}

export interface VariantEntry {
  name: string;
  /** `mutant`: a realistic bug the suites must catch; `test-build`: loaded on purpose by a suite. */
  kind: 'mutant' | 'test-build';
  behaviour: string;
  rule: string;
  killers: Killer[];
}

const KINDS: ReadonlyArray<VariantEntry['kind']> = ['mutant', 'test-build'];
const isText = (v: unknown): v is string => typeof v === 'string';
const isKiller = (k: unknown): k is Killer => typeof k === 'object' && k !== null && isText((k as Killer).case) && isText((k as Killer).why);

/** Why an entry does not have the shape of a VariantEntry, or null when it has. */
function shapeProblem(e: unknown): string | null {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return 'must be an object';
  const v = e as Partial<VariantEntry>;
  if (!isText(v.name)) return '"name" must be a string';
  if (!KINDS.includes(v.kind as VariantEntry['kind'])) return `"kind" must be one of ${KINDS.join(', ')}, got ${JSON.stringify(v.kind)}`;
  if (!isText(v.behaviour) || !isText(v.rule)) return '"behaviour" and "rule" must be strings';
  if (!Array.isArray(v.killers) || !v.killers.every(isKiller)) return '"killers" must be an array of { case, why }';
  return null;
}

/** The entries of the catalogue, in file order ("none", production, is not among them); a malformed file is an error naming the entry. */
export function readVariantsCatalogue(file = CATALOGUE_FILE): VariantEntry[] {
  const entries: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(entries)) throw new Error(`${file}: expected an array of variants`);
  entries.forEach((e, i) => {
    const problem = shapeProblem(e);
    if (problem) throw new Error(`${file}[${i}]: ${problem}`);
  });
  return entries as VariantEntry[];
}

/** The names of every catalogue variant, in file order. */
export const catalogueVariantNames = (file = CATALOGUE_FILE): string[] => readVariantsCatalogue(file).map((v) => v.name);
