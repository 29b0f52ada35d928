/**
 * The differential run: generated answers (fuzz/answers.ts) through the oracle (fuzz/oracle.ts) and
 * both filter builds (fuzz/wasm-host.ts). A case disagrees when a build's verdict is none the
 * oracle allows, or the two builds' verdicts differ in any byte. Each disagreement is replayed by
 * fast-check (seed and path) and shrunk to the smallest input that still disagrees.
 *
 * A verdict: the filter's lines from the answer on (after `header-augmenter: `), the headers the
 * next request leaves with (sorted) or the local reply it got, and a trap if the module trapped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { IMPLEMENTATIONS, variantWasmPath } from '../implementations';
import { bodyBytes, type FuzzCase, fuzzCase, showBytes } from './answers';
import { acceptedLines, type AnswerVerdict, type ByteHeaders, expectAnswer, expectRequest, lineMatches, type PluginSettings, QUESTIONS, type QuestionId, type RequestOutcome, showRule } from './oracle';
import { FilterModule, type FilterVm } from './wasm-host';

const REPO_ROOT = join(__dirname, '..');

export const PRIOR_SET: ByteHeaders = [['x-fuzz-prior', 'kept']];
const PRIOR_BODY = '{"x-fuzz-prior":"kept"}';
const EXPIRY_MS = 30000;

export interface Verdict {
  lines: string[];
  headers: ByteHeaders | null;
  local: { status: number; body: string; contentType: string } | null;
  trap?: string;
}

export const settingsOf = (c: FuzzCase): PluginSettings => ({ overwrite: c.overwrite, onMissing: c.onMissing, expiryMs: EXPIRY_MS });
export const clientHeaders = (c: FuzzCase): ByteHeaders => [
  [':method', 'GET'],
  [':path', '/'],
  [':authority', 'svc'],
  ['x-fuzz-client', 'c'],
  ...(c.clientCopy ? [[c.clientCopy, 'client'] as [string, string]] : []),
];
export const pluginConfig = (s: PluginSettings): string =>
  JSON.stringify({ header_providing_service_cluster: 'header_service', header_providing_service_path: '/headers', header_providing_service_authority: 'idp.local', on_missing_headers: s.onMissing, overwrite: s.overwrite });

const sortPairs = (h: ByteHeaders): ByteHeaders => h.slice().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));

/** One build, one VM per plugin configuration, reused across cases (a trap replaces the VM). */
export class BuildRunner {
  private vms = new Map<string, FilterVm>();
  private constructor(
    readonly id: string,
    readonly module: FilterModule,
  ) {}
  static async load(id: string, file: string): Promise<BuildRunner> {
    return new BuildRunner(id, await FilterModule.load(file));
  }

  private async vm(s: PluginSettings): Promise<FilterVm> {
    const key = pluginConfig(s);
    let vm = this.vms.get(key);
    if (!vm) {
      vm = await this.module.instantiate();
      if (!vm.configure(key)) throw new Error(`${this.id}: configuration refused: ${vm.filterLines().join(' | ')}`);
      this.vms.set(key, vm);
    }
    return vm;
  }

  private static round(vm: FilterVm, status: number, body: Uint8Array): void {
    vm.nowMs += Math.max(vm.tickPeriodMs, 1);
    const calls = vm.tick();
    if (calls.length !== 1) throw new Error(`tick dispatched ${calls.length} callouts (lines: ${vm.filterLines().slice(-3).join(' | ')})`);
    vm.answer(calls[0], status, body);
  }

  async run(c: FuzzCase): Promise<Verdict> {
    const s = settingsOf(c);
    const vm = await this.vm(s);
    try {
      // A fresh cache: never fetched, or the prior good set.
      for (const k of [...vm.shared.keys()]) if (k.endsWith('/headers')) vm.shared.delete(k);
      if (c.prior) BuildRunner.round(vm, 200, new Uint8Array(Buffer.from(PRIOR_BODY)));
      const mark = vm.logs.length;
      BuildRunner.round(vm, c.status, bodyBytes(c));
      const r = vm.request(clientHeaders(c));
      const lines = vm.filterLines(mark).filter((l) => !l.startsWith('callout dispatched: '));
      const local = r.local ? { status: r.local.status, body: r.local.body, contentType: r.local.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '' } : null;
      return { lines, headers: r.headers ? sortPairs(r.headers) : null, local };
    } catch (e) {
      this.vms.delete(pluginConfig(s));
      return { lines: vm.filterLines(), headers: null, local: null, trap: (e as Error).message };
    }
  }
}

/** The whole verdict the oracle expects for one of its alternatives. */
function expectedFor(alt: AnswerVerdict, c: FuzzCase): { lines: Array<string | AnswerVerdict & { kind: 'refused' }>; request: RequestOutcome } {
  const s = settingsOf(c);
  const client = clientHeaders(c);
  if (alt.kind === 'accepted') return { lines: acceptedLines(alt.set, s), request: expectRequest(alt.set, client, s) };
  return { lines: [alt], request: expectRequest(c.prior ? PRIOR_SET : null, client, s) };
}

function matchesAlternative(v: Verdict, alt: AnswerVerdict, c: FuzzCase): boolean {
  if (v.trap) return false;
  const e = expectedFor(alt, c);
  const want = [...e.lines, e.request.line];
  if (v.lines.length !== want.length) return false;
  const linesOk = want.every((w, i) => (typeof w === 'string' ? w === v.lines[i] : lineMatches(w.line, v.lines[i])));
  return linesOk && JSON.stringify(v.headers) === JSON.stringify(e.request.headers) && JSON.stringify(v.local) === JSON.stringify(e.request.local);
}

export interface CaseResult {
  c: FuzzCase;
  verdicts: Record<string, Verdict>;
  /** Who disagrees: `oracle~<build>` or `<build>~<build>`. */
  disagreements: string[];
  questions: QuestionId[];
}

/** The builds the fuzzer runs: every implementation's production build. */
/** Builds what a fresh checkout lacks (the production build of each implementation; Rust may install Debian's rustc first). */
export function ensureBuilds(): void {
  for (const impl of IMPLEMENTATIONS) {
    if (!existsSync(variantWasmPath(impl, 'none'))) execFileSync(process.execPath, [join(REPO_ROOT, impl.buildScript)], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
}

export async function loadBuilds(): Promise<BuildRunner[]> {
  return Promise.all(IMPLEMENTATIONS.map((impl) => BuildRunner.load(impl.id, variantWasmPath(impl, 'none'))));
}

export async function runCase(c: FuzzCase, builds: BuildRunner[]): Promise<CaseResult> {
  const exp = expectAnswer({ status: c.status, body: bodyBytes(c) });
  const verdicts: Record<string, Verdict> = {};
  for (const b of builds) verdicts[b.id] = await b.run(c);
  const disagreements: string[] = [];
  for (const b of builds) if (!exp.alternatives.some((alt) => matchesAlternative(verdicts[b.id], alt, c))) disagreements.push(`oracle~${b.id}`);
  for (let i = 0; i < builds.length; i++)
    for (let j = i + 1; j < builds.length; j++)
      if (JSON.stringify(verdicts[builds[i].id]) !== JSON.stringify(verdicts[builds[j].id])) disagreements.push(`${builds[i].id}~${builds[j].id}`);
  return { c, verdicts, disagreements, questions: exp.questions };
}

const showHeaders = (h: ByteHeaders | null): string => (h === null ? '(answered locally)' : h.map(([n, v]) => `${n}: ${showBytes(v)}`).join(', '));
const showVerdict = (v: Verdict): string =>
  v.trap ? `TRAP ${v.trap}` : `${v.lines.map((l) => `"${showBytes(Buffer.from(l, 'utf8').toString('latin1'))}"`).join(' ')}; request: ${v.local ? `local ${v.local.status} ${JSON.stringify(v.local.body)} (${v.local.contentType})` : showHeaders(v.headers)}`;

/** A disagreement as text: the input, the oracle's verdicts, each build's, and the questions it leans on. */
export function describe(r: CaseResult): string {
  const c = r.c;
  const exp = expectAnswer({ status: c.status, body: bodyBytes(c) });
  const alts = exp.alternatives.map((a) => {
    const e = expectedFor(a, c);
    const lines = e.lines.map((l) => (typeof l === 'string' ? l : showRule(l.line)));
    return `${lines.concat(e.request.line).map((l) => `"${l}"`).join(' ')}; request: ${e.request.local ? `local ${e.request.local.status}` : showHeaders(e.request.headers)}`;
  });
  return [
    `disagreement (${r.disagreements.join(', ')}) class ${c.cls}`,
    `  input: status=${c.status} overwrite=${c.overwrite} on_missing_headers=${c.onMissing} prior=${c.prior} client=${c.clientCopy ?? '-'}`,
    `  body (${bodyBytes(c).length} bytes): ${showBytes(c.body).slice(0, 600)}${c.body.length > 600 ? '…' : ''}`,
    ...alts.map((a) => `  oracle: ${a}`),
    ...Object.entries(r.verdicts).map(([id, v]) => `  ${id}: ${showVerdict(v)}`),
    ...r.questions.map((q) => `  question ${q}: ${QUESTIONS[q]}`),
  ].join('\n');
}

export interface RunSummary {
  cases: number;
  disagreements: CaseResult[];
  /** The shrunk input of each disagreement, in the same order. */
  shrunk: CaseResult[];
  seconds: number;
  byClass: Map<string, number>;
}

/**
 * N cases from `seed`; every disagreeing one is replayed and shrunk (at most `shrinkLimit` of them,
 * the rest reported as found). `progress` is called about every `every` cases.
 */
export async function runDifferential(opts: {
  count: number;
  seed: number;
  shrinkLimit?: number;
  every?: number;
  progress?: (done: number, seconds: number) => void;
  /** Other builds than the production ones (a mutant, to see the run catch it). */
  builds?: Array<{ id: string; file: string }>;
}): Promise<RunSummary> {
  const builds = opts.builds ? await Promise.all(opts.builds.map((b) => BuildRunner.load(b.id, b.file))) : await loadBuilds();
  const arb = fuzzCase();
  const disagreements: CaseResult[] = [];
  const found: number[] = [];
  const byClass = new Map<string, number>();
  const start = performance.now();
  let index = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (c) => {
      const r = await runCase(c, builds);
      const top = c.cls.split('/')[0];
      byClass.set(top, (byClass.get(top) ?? 0) + 1);
      if (r.disagreements.length) {
        disagreements.push(r);
        found.push(index);
      }
      index++;
      if (opts.progress && index % (opts.every ?? 1000) === 0) opts.progress(index, (performance.now() - start) / 1000);
      return true;
    }),
    { seed: opts.seed, numRuns: opts.count },
  );
  const seconds = (performance.now() - start) / 1000;
  const shrunk: CaseResult[] = [];
  for (const [i, at] of found.slice(0, opts.shrinkLimit ?? 20).entries()) {
    const out = await fc.check(fc.asyncProperty(arb, async (c) => (await runCase(c, builds)).disagreements.length === 0), { seed: opts.seed, path: String(at) });
    shrunk.push(out.failed && out.counterexample ? await runCase(out.counterexample[0], builds) : disagreements[i]);
  }
  return { cases: opts.count, disagreements, shrunk, seconds, byClass };
}
