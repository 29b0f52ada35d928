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
import type { CellStatus, Matrix, MatrixAttachment, MatrixCell, MatrixCounts, MatrixFilter, MatrixProxy, RunStatus } from './schema';
import type { FullConfig, FullResult, Suite, TestCase, TestResult } from '@playwright/test/reporter';

export * from './schema';

export const PROXY_ANNOTATION = 'ewc.proxy';
export const FILTER_ANNOTATION = 'ewc.filter';
/** Where a case's time went (JSON of engine/time-spent.ts's record), kept per cell for `npm run bench:suite`. */
export const TIME_SPENT_ANNOTATION = 'ewc.time-spent';
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
  file: string;
  line: number;
  column: number;
  cells: Map<string, MatrixCell>;
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
    };
  }

  private rowOf(test: TestCase): Row {
    const id = caseId(test);
    let row = this.rows.get(id);
    if (!row) {
      row = { id, file: path.basename(test.location.file), line: test.location.line, column: test.location.column, cells: new Map() };
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
