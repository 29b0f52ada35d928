/**
 * Compares two matrix.json files: what broke (regressions), what got fixed, what passed before and
 * was not tested now (untested), and which cases and proxies appeared or disappeared. Pure, so an
 * upgrade gate can compare the current version's column of one run with the candidate's column of
 * another (`columns`), and judge it with gateVerdict.
 */
import fs from 'node:fs';
import { describeProxy, firstLine } from './render-terminal';
import { SCHEMA_VERSION, isFailing } from './schema';
import type { CellStatus, Matrix, MatrixCell, MatrixProxy } from './schema';

export interface CellChange {
  caseId: string;
  oldProxy: string;
  newProxy: string;
  from: CellStatus;
  to: CellStatus;
  /** First line of the new cell's error (regressions). */
  error?: string;
}

/** A cell that passed before and says nothing now: `missing` when the new matrix has no such case. */
export interface UntestedCell extends Omit<CellChange, 'to' | 'error'> {
  to: CellStatus | 'missing';
  /** Why it was not tested: the skip reason, the unavailable proxy's reason, "not run", "interrupted (…)". */
  reason: string;
}

export interface MatrixDiff {
  /** passed -> failed/flaky: the gate's reason to say no. */
  regressions: CellChange[];
  /** failed/flaky -> passed. */
  fixes: CellChange[];
  /**
   * passed -> skipped / not run / interrupted (and, with `columns`, a case gone from the new matrix):
   * not a failure, but nothing says it still works, so a gate must not call it OK.
   */
  untested: UntestedCell[];
  addedCases: string[];
  removedCases: string[];
  addedProxies: string[];
  removedProxies: string[];
  /** Columns that are candidates (EWC_CANDIDATES) in either run: every line naming one says so. */
  candidates?: string[];
  /** The filter builds of the two runs, when they differ (implementation, variant or binary): the code under test changed. */
  filterChange?: { from: string; to: string };
}

/** "rust variant none (209,112 bytes, sha256 0c5e2a91…)", what a reader needs to tell two builds apart. */
export function describeFilter(m: Matrix): string {
  const f = m.filter;
  if (!f) return 'unknown filter';
  return `${f.implementation ?? 'assemblyscript'} variant ${f.variant} (${f.size ?? '?'} bytes, sha256 ${(f.sha256 ?? '?').slice(0, 12)})`;
}

export interface DiffOptions {
  /**
   * Pairs [old proxy id, new proxy id] to compare; default: every proxy id present in both. Given
   * (a gate), a case that passed in old and is missing from new is untested: the gate did not run it.
   */
  columns?: Array<[string, string]>;
}

export class MatrixFileError extends Error {}

const MISSING_REASON = 'not in the new matrix (removed, or not selected)';

/** Why a cell that passed before was not tested now; an unavailable column says why for all its cells. */
function untestedReason(cell: MatrixCell | undefined, proxy: MatrixProxy): string {
  if (!cell) return MISSING_REASON;
  if (proxy.available === false) return firstLine(proxy.reason) || `${proxy.id} is not runnable here`;
  if (cell.status === 'skipped') return firstLine(cell.skipReason) || 'skipped, no reason given';
  if (cell.status === 'interrupted') return `interrupted (${firstLine(cell.error) || 'no error recorded'})`;
  return 'not run';
}

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
    untested: [],
    addedCases: newM.cases.map((c) => c.id).filter((id) => !oldCases.has(id)),
    removedCases: oldM.cases.map((c) => c.id).filter((id) => !newCases.has(id)),
    addedProxies: opts.columns ? [] : newProxies.filter((id) => !oldProxies.includes(id)),
    removedProxies: opts.columns ? [] : oldProxies.filter((id) => !newProxies.includes(id)),
    ...candidatesOf(oldM, newM),
    ...(describeFilter(oldM) !== describeFilter(newM) ? { filterChange: { from: describeFilter(oldM), to: describeFilter(newM) } } : {}),
  };
  const newProxy = new Map(newM.proxies.map((p) => [p.id, p]));
  for (const oldCase of oldM.cases) {
    const newCase = newCases.get(oldCase.id);
    // A whole-run diff reports a vanished case as "case removed" (a rename is no reason to fail a nightly).
    if (!newCase && !opts.columns) continue;
    for (const [o, n] of columns) {
      const before = oldCase.cells[o];
      const after = newCase?.cells[n];
      if (!before || (newCase && !after)) continue;
      const base = { caseId: oldCase.id, oldProxy: o, newProxy: n, from: before.status };
      if (before.status === 'passed' && after && isFailing(after.status)) out.regressions.push({ ...base, to: after.status, error: firstLine(after.error) || undefined });
      else if (isFailing(before.status) && after?.status === 'passed') out.fixes.push({ ...base, to: after.status });
      else if (before.status === 'passed' && after?.status !== 'passed') out.untested.push({ ...base, to: after?.status ?? 'missing', reason: untestedReason(after, newProxy.get(n)!) });
    }
  }
  return out;
}

/** `{ candidates: [...] }` when either matrix has candidate columns, else nothing (the diff keeps its shape). */
function candidatesOf(...ms: Matrix[]): Pick<MatrixDiff, 'candidates'> {
  const ids = [...new Set(ms.flatMap((m) => m.proxies.filter((p) => p.candidate).map((p) => p.id)))];
  return ids.length ? { candidates: ids } : {};
}

/** A column id as the lines name it: `envoy-1.41.0 (candidate)` for a candidate column. */
const named = (id: string, candidates: string[] = []): string => (candidates.includes(id) ? `${id} (candidate)` : id);
const where = (c: Pick<CellChange, 'oldProxy' | 'newProxy'>, k?: string[]): string => (c.oldProxy === c.newProxy ? named(c.oldProxy, k) : `${named(c.oldProxy, k)} -> ${named(c.newProxy, k)}`);
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
const regressionLine = (c: CellChange, k?: string[]): string => `regression: ${c.caseId} @ ${where(c, k)}: ${c.from} -> ${c.to}${c.error ? ` (${c.error})` : ''}`;
const fixLine = (c: CellChange, k?: string[]): string => `fix: ${c.caseId} @ ${where(c, k)}: ${c.from} -> ${c.to}`;

/** The lines `npm run diff` prints, in a fixed order. */
export function formatDiff(d: MatrixDiff): string[] {
  const k = d.candidates;
  return [
    ...(d.filterChange ? [`filter: ${d.filterChange.from} -> ${d.filterChange.to}`] : []),
    ...d.regressions.map((c) => regressionLine(c, k)),
    ...d.fixes.map((c) => fixLine(c, k)),
    ...d.untested.map((c) => `untested: ${c.caseId} @ ${where(c, k)}: ${c.from} -> ${c.to} (${c.reason})`),
    ...d.addedCases.map((id) => `case added: ${id}`),
    ...d.removedCases.map((id) => `case removed: ${id}`),
    ...d.addedProxies.map((id) => `proxy added: ${named(id, k)}`),
    ...d.removedProxies.map((id) => `proxy removed: ${named(id, k)}`),
    `diff: ${plural(d.regressions.length, 'regression', 'regressions')}, ${plural(d.fixes.length, 'fix', 'fixes')}, ${d.untested.length} untested, ` +
      `${plural(d.addedCases.length, 'case', 'cases')} added, ${d.removedCases.length} removed, ` +
      `${plural(d.addedProxies.length, 'proxy', 'proxies')} added, ${d.removedProxies.length} removed`,
  ];
}

/** `npm run diff` exit codes: 1 regression (always wins), 3 untested under --strict, else 0. */
export function diffExitCode(d: MatrixDiff, strict: boolean): 0 | 1 | 3 {
  if (d.regressions.length) return 1;
  return strict && d.untested.length ? 3 : 0;
}

export interface GateVerdict {
  /** 0 OK, 1 a regression, 3 something (or everything) that passes on the baseline was not tested. */
  code: 0 | 1 | 3;
  /** What the gate prints after its table, `[gate] ` included; the last line is the verdict. */
  lines: string[];
}

/**
 * May we upgrade from `baselineId` (a column of `base`) to `candidateId` (a column of `cand`)? Only
 * when at least one case passed on the baseline and every such case passed on the candidate: a gate
 * never says OK about cases it did not run, nor having compared nothing.
 */
export function gateVerdict(base: Matrix, cand: Matrix, baselineId: string, candidateId: string): GateVerdict {
  const d = diffMatrices(base, cand, { columns: [[baselineId, candidateId]] });
  const passed = base.cases.filter((c) => c.cells[baselineId]?.status === 'passed').length;
  const k = d.candidates;
  const lines = [...d.regressions.map((c) => regressionLine(c, k)), ...d.fixes.map((c) => fixLine(c, k)), ...d.untested.map((c) => `UNTESTED: ${c.caseId}: ${c.reason}`)];
  // The verdict's names: a candidate column says it is one.
  const [shownBase, shownCand] = [named(baselineId, k), named(candidateId, k)];
  const verdict = (code: GateVerdict['code'], ...last: string[]): GateVerdict => ({ code, lines: [...lines, ...last].map((l) => `[gate] ${l}`) });
  if (d.regressions.length) {
    const more = d.untested.length ? ` (and ${d.untested.length} not tested)` : '';
    return verdict(1, `NO: ${d.regressions.length} case(s) pass on ${shownBase} and fail on ${shownCand}${more}`);
  }
  if (!passed) {
    const proxy = base.proxies.find((p) => p.id === baselineId);
    const why = proxy && proxy.available !== true ? [`baseline ${baselineId}: ${describeProxy(proxy)}`] : [];
    return verdict(3, ...why, `UNTESTED: the baseline ${shownBase} passed no case, so nothing was compared`);
  }
  if (d.untested.length) return verdict(3, `UNTESTED: ${d.untested.length} case(s) that pass on ${shownBase} were not tested on ${shownCand}`);
  return verdict(0, `OK: all ${passed} case(s) that pass on ${shownBase} pass on ${shownCand}`);
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
  if (!('schemaVersion' in m)) throw new MatrixFileError(`${file} is not a matrix.json (no "schemaVersion")`);
  if (m.schemaVersion !== SCHEMA_VERSION) throw new MatrixFileError(`${file} has schemaVersion ${JSON.stringify(m.schemaVersion)}, expected ${SCHEMA_VERSION}`);
  if (!Array.isArray(m.proxies) || !Array.isArray(m.cases)) throw new MatrixFileError(`${file} is not a matrix.json (no "proxies" or "cases" array)`);
  return m as Matrix;
}
