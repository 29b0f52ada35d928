/**
 * matrix.json, schemaVersion 1: the compatibility matrix as data. Rows are cases, columns are proxy
 * versions (Playwright projects other than `selftest`). The README ("Reports") documents each field;
 * a change that breaks a reader bumps SCHEMA_VERSION.
 */
export const SCHEMA_VERSION = 1;

export type CellStatus = 'passed' | 'failed' | 'skipped' | 'flaky' | 'interrupted' | 'not run';
export type RunStatus = 'passed' | 'failed' | 'timedout' | 'interrupted';

/** What the `ewc.filter` annotation says about the filter binary the run loaded. */
export interface MatrixFilter {
  /** Which implementation of the filter contract ran (implementations/); matrices written before the axis existed read as "assemblyscript". */
  implementation: string;
  /** The ABI version export the implementation's build carries. */
  abiMarker: string | null;
  sha256: string | null;
  size: number | null;
  variant: string;
  /** Where the implementation legitimately differs from the contract's wording (data on its entry). */
  differences: Array<{ what: string; why: string }>;
}

/** A column. `available: null` means no case of it got far enough to resolve the proxy. */
export interface MatrixProxy {
  id: string;
  /** The envoy-versions/ entry, when it differs from the column id (the istio `-wiring` columns). */
  entryId?: string;
  available: boolean | null;
  image?: string;
  imageId?: string;
  source?: string;
  versionLine?: string;
  wasmRuntimes?: string[];
  reason?: string;
  /** A candidate column (EWC_CANDIDATES): a release no entry of envoy-versions/ names; never a baseline. Absent on entries. */
  candidate?: true;
  /** How this column's Envoy got the module: local file, remote fetch, or ECDS (proxy/delivery.ts); absent in matrices written before the axis (local). */
  delivery?: string;
}

export interface MatrixAttachment {
  name: string;
  contentType: string;
  /** Inline text, for text attachments up to 256 KB. */
  body?: string;
  /** Size in bytes when known (always set when `body` is not). */
  size?: number;
}

export interface MatrixCell {
  status: CellStatus;
  durationMs: number;
  /** First lines of the error, ANSI escapes removed (failed, flaky, interrupted). */
  error?: string;
  /** Why the case was skipped (the `skip` / `fixme` annotation). */
  skipReason?: string;
  /** When the case started (ISO): a column's wall time is its first start to its last end. */
  startedAt?: string;
  /** Where the case's time went, ms per kind of wait, and each Envoy's start-to-ready (engine/time-spent.ts). */
  timeSpent?: { spent: Record<string, number>; envoyStarts: number[] };
  attachments: MatrixAttachment[];
}

export interface MatrixCase {
  /** `<spec file basename without .spec.ts> › <title path below the file>`; stable across runs. */
  id: string;
  file: string;
  /** One cell per proxy id in `proxies`; a cell no result arrived for is `not run`. */
  cells: Record<string, MatrixCell>;
}

/**
 * A catalogue entry's outcome on a column (breakages/): what its case measured (`reproduced`, `not
 * affected`), `cannot run here` (the case was skipped: the reason), `failed` (the case failed: the
 * measured outcome no longer holds; never shown as one of the outcomes), `not run` (no result, or an
 * interrupted case).
 */
export type BreakageOutcome = 'reproduced' | 'not affected' | 'cannot run here' | 'failed' | 'not run';

export interface MatrixBreakageCell {
  outcome: BreakageOutcome;
  /** Why it cannot run here (the skip reason), the first error line of a failed case, or why not run. */
  reason?: string;
  /** A release the catalogue has not measured (a candidate column): expected as measured on this release of its minor. */
  asMeasuredOn?: string;
}

/** A row of the catalogue table: an entry (breakages/<entry>.ts) by column. */
export interface MatrixBreakage {
  entry: string;
  /** Upstream issues and pull requests, `owner/repo#n`. */
  upstream: string[];
  /** One cell per proxy id in `proxies`. */
  cells: Record<string, MatrixBreakageCell>;
}

export interface MatrixCounts {
  passed: number;
  failed: number;
  skipped: number;
  flaky: number;
  interrupted: number;
  notRun: number;
}

export interface Matrix {
  schemaVersion: typeof SCHEMA_VERSION;
  runId: string | null;
  startedAt: string;
  finishedAt: string;
  status: RunStatus;
  filter: MatrixFilter | null;
  proxies: MatrixProxy[];
  cases: MatrixCase[];
  counts: MatrixCounts;
  /** The breakage catalogue's outcomes, from the `breakage` annotations of its cases; absent when the run had no breakage case. */
  breakages?: MatrixBreakage[];
}

/**
 * The three numbers a user reads: flaky counts as failed (a flake is fixed at its cause, never
 * retried away); interrupted and not-run cells count as skipped (they said nothing either way).
 */
export function summaryCounts(c: MatrixCounts): { passed: number; failed: number; skipped: number } {
  return { passed: c.passed, failed: c.failed + c.flaky, skipped: c.skipped + c.interrupted + c.notRun };
}

export const isFailing = (s: CellStatus): boolean => s === 'failed' || s === 'flaky';

/** The three outcomes a reader counts, as summaryCounts does: pass, fail (failed or flaky), skip (the rest). */
export type Outcome = 'pass' | 'fail' | 'skip';
export const outcomeOf = (s: CellStatus): Outcome => (s === 'passed' ? 'pass' : isFailing(s) ? 'fail' : 'skip');
