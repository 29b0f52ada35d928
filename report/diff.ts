/**
 * Compares two matrix.json files: what broke (regressions), what got fixed, and which cases and
 * proxies appeared or disappeared. Pure, so an upgrade gate can compare the current version's column
 * of one run with the candidate's column of another (`columns`).
 */
import fs from 'node:fs';
import { firstLine } from './render-terminal';
import { SCHEMA_VERSION, isFailing } from './schema';
import type { CellStatus, Matrix } from './schema';

export interface CellChange {
  caseId: string;
  oldProxy: string;
  newProxy: string;
  from: CellStatus;
  to: CellStatus;
  /** First line of the new cell's error (regressions). */
  error?: string;
}

export interface MatrixDiff {
  /** passed -> failed/flaky: the gate's reason to say no. */
  regressions: CellChange[];
  /** failed/flaky -> passed. */
  fixes: CellChange[];
  /** passed -> skipped / not run / interrupted: not a failure, but the case no longer says "works". */
  noLongerPassing: CellChange[];
  addedCases: string[];
  removedCases: string[];
  addedProxies: string[];
  removedProxies: string[];
}

export interface DiffOptions {
  /** Pairs [old proxy id, new proxy id] to compare; default: every proxy id present in both. */
  columns?: Array<[string, string]>;
}

export class MatrixFileError extends Error {}

export function diffMatrices(oldM: Matrix, newM: Matrix, opts: DiffOptions = {}): MatrixDiff {
  const oldProxies = oldM.proxies.map((p) => p.id);
  const newProxies = newM.proxies.map((p) => p.id);
  const columns = opts.columns ?? oldProxies.filter((id) => newProxies.includes(id)).map((id): [string, string] => [id, id]);
  for (const [o, n] of columns) {
    // A gate comparing a column that is not there must fail loudly, not pass with nothing compared.
    if (!oldProxies.includes(o)) throw new Error(`old matrix has no proxy "${o}" (it has: ${oldProxies.join(', ')})`);
    if (!newProxies.includes(n)) throw new Error(`new matrix has no proxy "${n}" (it has: ${newProxies.join(', ')})`);
  }
  const oldCases = new Map(oldM.cases.map((c) => [c.id, c]));
  const newCases = new Map(newM.cases.map((c) => [c.id, c]));
  const out: MatrixDiff = {
    regressions: [],
    fixes: [],
    noLongerPassing: [],
    addedCases: newM.cases.map((c) => c.id).filter((id) => !oldCases.has(id)),
    removedCases: oldM.cases.map((c) => c.id).filter((id) => !newCases.has(id)),
    addedProxies: opts.columns ? [] : newProxies.filter((id) => !oldProxies.includes(id)),
    removedProxies: opts.columns ? [] : oldProxies.filter((id) => !newProxies.includes(id)),
  };
  for (const newCase of newM.cases) {
    const oldCase = oldCases.get(newCase.id);
    if (!oldCase) continue;
    for (const [o, n] of columns) {
      const before = oldCase.cells[o];
      const after = newCase.cells[n];
      if (!before || !after) continue;
      const change: CellChange = { caseId: newCase.id, oldProxy: o, newProxy: n, from: before.status, to: after.status };
      if (before.status === 'passed' && isFailing(after.status)) out.regressions.push({ ...change, error: firstLine(after.error) || undefined });
      else if (isFailing(before.status) && after.status === 'passed') out.fixes.push(change);
      else if (before.status === 'passed' && after.status !== 'passed') out.noLongerPassing.push(change);
    }
  }
  return out;
}

const where = (c: CellChange): string => (c.oldProxy === c.newProxy ? c.oldProxy : `${c.oldProxy} -> ${c.newProxy}`);
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** The lines `npm run diff` prints, in a fixed order. */
export function formatDiff(d: MatrixDiff): string[] {
  return [
    ...d.regressions.map((c) => `regression: ${c.caseId} @ ${where(c)}: ${c.from} -> ${c.to}${c.error ? ` (${c.error})` : ''}`),
    ...d.fixes.map((c) => `fix: ${c.caseId} @ ${where(c)}: ${c.from} -> ${c.to}`),
    ...d.noLongerPassing.map((c) => `no longer passing: ${c.caseId} @ ${where(c)}: ${c.from} -> ${c.to}`),
    ...d.addedCases.map((id) => `case added: ${id}`),
    ...d.removedCases.map((id) => `case removed: ${id}`),
    ...d.addedProxies.map((id) => `proxy added: ${id}`),
    ...d.removedProxies.map((id) => `proxy removed: ${id}`),
    `diff: ${plural(d.regressions.length, 'regression', 'regressions')}, ${plural(d.fixes.length, 'fix', 'fixes')}, ` +
      `${plural(d.addedCases.length, 'case', 'cases')} added, ${d.removedCases.length} removed, ` +
      `${plural(d.addedProxies.length, 'proxy', 'proxies')} added, ${d.removedProxies.length} removed`,
  ];
}

/** Reads and checks a matrix.json; every problem is a MatrixFileError naming the file. */
export function readMatrix(file: string): Matrix {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new MatrixFileError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new MatrixFileError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const m = data as Partial<Matrix> | null;
  if (!m || typeof m !== 'object') throw new MatrixFileError(`${file} is not a matrix.json (not an object)`);
  if (m.schemaVersion !== SCHEMA_VERSION) throw new MatrixFileError(`${file} has schemaVersion ${JSON.stringify(m.schemaVersion)}, expected ${SCHEMA_VERSION}`);
  if (!Array.isArray(m.proxies) || !Array.isArray(m.cases)) throw new MatrixFileError(`${file} is not a matrix.json (no "proxies" or "cases" array)`);
  return m as Matrix;
}
