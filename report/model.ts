/**
 * Builds matrix.json from Playwright reporter events alone (onBegin / onTestEnd / onEnd), so the
 * same code gives the same matrix whether fed by a live run or by `playwright merge-reports` of
 * shard blobs. Proxy and filter facts come from the `ewc.proxy` / `ewc.filter` annotations every
 * conformance case carries, never from files on disk (a merging machine has none of them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { settings } from '../runner/settings';
import { SELFTEST_PROJECT } from './projects';
import { SCHEMA_VERSION } from './schema';
import type { CellStatus, Matrix, MatrixAttachment, MatrixBreakage, MatrixBreakageCell, MatrixCell, MatrixCounts, MatrixFilter, MatrixProxy, RunStatus } from './schema';
import type { FullConfig, FullResult, Suite, TestCase, TestResult } from '@playwright/test/reporter';

export * from './schema';

export const PROXY_ANNOTATION = 'ewc.proxy';
export const FILTER_ANNOTATION = 'ewc.filter';
/** Where a case's time went (JSON of engine/time-spent.ts's record), kept per cell for `npm run bench:suite`. */
export const TIME_SPENT_ANNOTATION = 'ewc.time-spent';
/**
 * What a breakage case (suites/abi-breakages.spec.ts) measured on its column: its description is
 * JSON `{ entry, outcome, version, upstream, asMeasuredOn? }` (BreakageNote), or the suite's text
 * `<entry> <reproduced|not affected> on Envoy <version>[ (… expected as measured on <v>, …)] (<refs>)`.
 */
export const BREAKAGE_ANNOTATION = 'breakage';
const INLINE_LIMIT = 256 * 1024;
const ERROR_LINES = 20;

type Annotation = { type: string; description?: string };

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
export const stripAnsi = (s: string): string => s.replace(ANSI, '');

export const projectOf = (test: TestCase): string => test.parent.project()?.name ?? '?';

/** Spec files here are `*.spec.ts`; the selftests' sample runs use `*.sample.ts` so the selftest project does not pick them up. */
export const fileId = (test: TestCase): string => path.basename(test.location.file).replace(/\.(spec|test|sample)\.[cm]?[jt]s$/, '');
// titlePath(): ['', project, file, ...describes, title]
export const caseId = (test: TestCase): string => [fileId(test), ...test.titlePath().slice(3)].join(' › ');

export function cellStatus(test: TestCase, result: TestResult): CellStatus {
  if (result.status === 'interrupted') return 'interrupted';
  switch (test.outcome()) {
    case 'flaky':
      return 'flaky';
    case 'skipped':
      return 'skipped';
    case 'unexpected':
      return 'failed';
    default:
      // An expected status: passed, or a `test.fail()` case failing as declared.
      return result.status === 'skipped' ? 'skipped' : 'passed';
  }
}

const isText = (contentType: string): boolean => /^text\/|^application\/(json|xml|x-yaml|yaml|javascript)\b|\+json\b|\+xml\b/.test(contentType);

function attachmentOf(a: TestResult['attachments'][number]): MatrixAttachment {
  const out: MatrixAttachment = { name: a.name, contentType: a.contentType };
  let bytes: Buffer | undefined = a.body;
  let size = bytes?.length;
  // Attachments stored as files (screenshots, or bodies merge-reports extracted) are read back only when small text.
  if (!bytes && a.path && fs.existsSync(a.path)) {
    size = fs.statSync(a.path).size;
    if (isText(a.contentType) && size <= INLINE_LIMIT) bytes = fs.readFileSync(a.path);
  }
  if (bytes && isText(a.contentType) && bytes.length <= INLINE_LIMIT) out.body = bytes.toString('utf8');
  else if (size !== undefined) out.size = size;
  return out;
}

function errorText(result: TestResult): string | undefined {
  const errors = result.errors.length ? result.errors : result.error ? [result.error] : [];
  const text = errors.map((e) => stripAnsi(e.message ?? e.value ?? '')).join('\n').trim();
  return text ? text.split('\n').slice(0, ERROR_LINES).join('\n') : undefined;
}

const emptyCounts = (): MatrixCounts => ({ passed: 0, failed: 0, skipped: 0, flaky: 0, interrupted: 0, notRun: 0 });
const countKey: Record<CellStatus, keyof MatrixCounts> = { passed: 'passed', failed: 'failed', skipped: 'skipped', flaky: 'flaky', interrupted: 'interrupted', 'not run': 'notRun' };

interface Row {
  id: string;
  /** The case's own title (the last of its title path). */
  title: string;
  file: string;
  line: number;
  column: number;
  cells: Map<string, MatrixCell>;
  /** The breakage annotation of each column's final result, where it had one. */
  breakage: Map<string, BreakageNote>;
}

/** A `breakage` annotation, read. */
export interface BreakageNote {
  entry: string;
  outcome: 'reproduced' | 'not affected';
  version?: string;
  upstream: string[];
  asMeasuredOn?: string;
}

const MEASURED = new Set(['reproduced', 'not affected']);
const TEXT_NOTE = /^(\S+) (reproduced|not affected) on Envoy (\S+)(.*) \(([^()]*)\)$/;
const refsOf = (text: string): string[] => text.split(',').map((r) => r.trim()).filter(Boolean);

/** Reads a breakage annotation's description (JSON or the suite's text); undefined when it is neither. */
export function parseBreakageNote(text: string): BreakageNote | undefined {
  if (text.trim().startsWith('{')) {
    let j: Partial<Record<keyof BreakageNote, unknown>>;
    try {
      j = JSON.parse(text) as typeof j;
    } catch {
      return undefined;
    }
    if (typeof j.entry !== 'string' || typeof j.outcome !== 'string' || !MEASURED.has(j.outcome)) return undefined;
    const note: BreakageNote = { entry: j.entry, outcome: j.outcome as BreakageNote['outcome'], upstream: Array.isArray(j.upstream) ? j.upstream.map(String) : [] };
    if (typeof j.version === 'string') note.version = j.version;
    if (typeof j.asMeasuredOn === 'string') note.asMeasuredOn = j.asMeasuredOn;
    return note;
  }
  const m = TEXT_NOTE.exec(text.trim());
  if (!m) return undefined;
  const asMeasuredOn = /expected as measured on ([^\s,)]+)/.exec(m[4])?.[1];
  return { entry: m[1], outcome: m[2] as BreakageNote['outcome'], version: m[3], upstream: refsOf(m[5]), ...(asMeasuredOn ? { asMeasuredOn } : {}) };
}

/** A breakage case's title: `breakage <entry> (<upstream refs>): …`. */
const TITLE = /^breakage (\S+) \(([^()]*)\)/;

const firstLineOf = (s: string | undefined): string | undefined => s?.split('\n').find((l) => l.trim())?.trim();

/** A catalogue cell from the case's cell: a failed case is `failed` whatever its annotation says; a skipped one cannot run here. */
function breakageCell(entry: string, cell: MatrixCell, note: BreakageNote | undefined): MatrixBreakageCell {
  const withReason = (outcome: MatrixBreakageCell['outcome'], reason: string | undefined): MatrixBreakageCell => (reason ? { outcome, reason } : { outcome });
  switch (cell.status) {
    case 'failed':
      return withReason('failed', firstLineOf(cell.error));
    case 'flaky':
      return withReason('failed', `flaky: ${firstLineOf(cell.error) ?? 'failed, then passed on retry'}`);
    case 'skipped':
      // The suite's skip says `<entry>: cannot run here: <why>`: the row and the outcome say the first two.
      return withReason('cannot run here', cell.skipReason?.replace(`${entry}: cannot run here: `, ''));
    case 'interrupted':
      return { outcome: 'not run', reason: 'interrupted' };
    case 'not run':
      return { outcome: 'not run' };
    default:
      if (!note) return { outcome: 'not run', reason: `passed without a ${BREAKAGE_ANNOTATION} annotation naming its outcome` };
      return note.asMeasuredOn ? { outcome: note.outcome, asMeasuredOn: note.asMeasuredOn } : { outcome: note.outcome };
  }
}

/**
 * The catalogue table: a row per breakage case (one with a breakage annotation on some column, or
 * titled `breakage <entry> (<refs>)`), entry and refs from its annotation, else its title; by entry.
 */
function breakagesOf(rows: Row[], cases: Array<{ cells: Record<string, MatrixCell> }>, projects: string[]): MatrixBreakage[] {
  const out: MatrixBreakage[] = [];
  for (const [i, row] of rows.entries()) {
    const note = projects.map((p) => row.breakage.get(p)).find(Boolean);
    const titled = TITLE.exec(row.title);
    const entry = note?.entry ?? titled?.[1];
    if (!entry) continue;
    const upstream = note?.upstream.length ? note.upstream : refsOf(titled?.[2] ?? '');
    const cells = cases[i].cells;
    out.push({ entry, upstream, cells: Object.fromEntries(projects.map((p) => [p, breakageCell(entry, cells[p], row.breakage.get(p))])) });
  }
  return out.sort((a, b) => a.entry.localeCompare(b.entry));
}

export class MatrixBuilder {
  private readonly startedAt = new Date();
  private projectOrder: string[] = [];
  private readonly rows = new Map<string, Row>();
  private readonly total = new Map<string, number>();
  private readonly done = new Map<string, number>();
  // Every distinct annotation text seen; one is picked deterministically at the end (they agree in practice).
  private readonly proxyFacts = new Map<string, Set<string>>();
  private readonly filterFacts = new Set<string>();
  // Candidate columns, from their project's metadata (set by playwright.config.ts; blob reports keep it).
  private candidates = new Set<string>();

  onBegin(config: FullConfig, suite: Suite): void {
    // merge-reports gives one project suite per shard under the same name: dedupe, keep config order.
    const inSuite = new Set(suite.suites.map((s) => s.project()?.name ?? s.title));
    const names = [...config.projects.map((p) => p.name), ...inSuite];
    this.projectOrder = [...new Set(names)].filter((n) => n !== SELFTEST_PROJECT && inSuite.has(n));
    this.candidates = new Set(config.projects.filter((p) => p.metadata?.candidate === true).map((p) => p.name));
    for (const test of suite.allTests()) {
      const project = projectOf(test);
      if (project === SELFTEST_PROJECT) continue;
      this.rowOf(test);
      this.total.set(project, (this.total.get(project) ?? 0) + 1);
    }
  }

  /** Records the final result of a case on a proxy; returns what the progress line needs, or undefined for selftests. */
  onTestEnd(test: TestCase, result: TestResult): { project: string; caseId: string; status: CellStatus; done: number; total: number } | undefined {
    const project = projectOf(test);
    if (project === SELFTEST_PROJECT) return undefined;
    const row = this.rowOf(test);
    const status = cellStatus(test, result);
    const annotations: Annotation[] = [...test.annotations, ...result.annotations];
    const cell: MatrixCell = { status, durationMs: result.duration, attachments: [] };
    if (status === 'failed' || status === 'flaky' || status === 'interrupted') {
      // A flaky case passed last; its story is in the attempt that failed.
      const failing = status === 'flaky' ? test.results.find((r) => r.status !== 'passed' && r.status !== 'skipped') ?? result : result;
      const error = errorText(failing);
      if (error) cell.error = error;
    }
    if (status === 'skipped') {
      const skip = annotations.find((a) => (a.type === 'skip' || a.type === 'fixme') && a.description);
      if (skip?.description) cell.skipReason = skip.description;
    }
    if (status !== 'skipped') cell.startedAt = result.startTime.toISOString();
    const spent = annotations.find((a) => a.type === TIME_SPENT_ANNOTATION && a.description);
    if (spent?.description) cell.timeSpent = JSON.parse(spent.description) as MatrixCell['timeSpent'];
    // Set last so the JSON reads status, error or reason, then the (long) attachments.
    cell.attachments = result.attachments.map(attachmentOf);
    const note = annotations.filter((a) => a.type === BREAKAGE_ANNOTATION && a.description).map((a) => parseBreakageNote(a.description!)).filter(Boolean).at(-1);
    if (note) row.breakage.set(project, note);
    else row.breakage.delete(project);
    for (const a of annotations) {
      if (a.type === PROXY_ANNOTATION && a.description) this.factsOf(project).add(a.description);
      if (a.type === FILTER_ANNOTATION && a.description) this.filterFacts.add(a.description);
    }
    // Retries call onTestEnd once per attempt: only the first one counts as progress.
    const first = !row.cells.has(project);
    row.cells.set(project, cell);
    if (first) this.done.set(project, (this.done.get(project) ?? 0) + 1);
    return { project, caseId: row.id, status, done: this.done.get(project) ?? 0, total: this.total.get(project) ?? 0 };
  }

  build(result: Pick<FullResult, 'status'>, runId: string | null = settings.runId ?? null): Matrix {
    const proxies = this.projectOrder.map((id) => this.proxy(id));
    const counts = emptyCounts();
    const rows = [...this.rows.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.id.localeCompare(b.id));
    const cases = rows.map((row) => {
      const cells: Record<string, MatrixCell> = {};
      for (const p of this.projectOrder) {
        const cell = row.cells.get(p) ?? { status: 'not run' as const, durationMs: 0, attachments: [] };
        counts[countKey[cell.status]]++;
        cells[p] = cell;
      }
      return { id: row.id, file: row.file, cells };
    });
    const filterText = [...this.filterFacts].sort()[0];
    const breakages = breakagesOf(rows, cases, this.projectOrder);
    return {
      schemaVersion: SCHEMA_VERSION,
      runId,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      status: result.status as RunStatus,
      filter: filterText ? parseFilter(filterText) : null,
      proxies,
      cases,
      counts,
      ...(breakages.length ? { breakages } : {}),
    };
  }

  private rowOf(test: TestCase): Row {
    const id = caseId(test);
    let row = this.rows.get(id);
    if (!row) {
      row = { id, title: test.title, file: path.basename(test.location.file), line: test.location.line, column: test.location.column, cells: new Map(), breakage: new Map() };
      this.rows.set(id, row);
    }
    return row;
  }

  private factsOf(project: string): Set<string> {
    let set = this.proxyFacts.get(project);
    if (!set) this.proxyFacts.set(project, (set = new Set()));
    return set;
  }

  private proxy(id: string): MatrixProxy {
    const text = [...(this.proxyFacts.get(id) ?? [])].sort()[0];
    const candidate = this.candidates.has(id) ? { candidate: true as const } : {};
    if (!text) return { id, available: null, ...candidate, reason: 'no case of this proxy reported its facts (none ran far enough)' };
    const f = JSON.parse(text) as Partial<MatrixProxy>;
    const out: MatrixProxy = { id, available: typeof f.available === 'boolean' ? f.available : null, ...candidate };
    if (f.id && f.id !== id) out.entryId = f.id;
    for (const k of ['image', 'imageId', 'source', 'versionLine', 'reason', 'delivery'] as const) if (typeof f[k] === 'string') out[k] = f[k];
    if (Array.isArray(f.wasmRuntimes)) out.wasmRuntimes = f.wasmRuntimes.map(String);
    return out;
  }
}

function parseFilter(text: string): MatrixFilter {
  const f = JSON.parse(text) as Partial<MatrixFilter>;
  return {
    implementation: f.implementation ?? 'assemblyscript',
    abiMarker: f.abiMarker ?? null,
    sha256: f.sha256 ?? null,
    size: f.size ?? null,
    variant: f.variant ?? 'none',
    differences: Array.isArray(f.differences) ? f.differences.map((d) => ({ what: String(d.what), why: String(d.why) })) : [],
  };
}
