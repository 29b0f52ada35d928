/**
 * `npm run bisect`: the first release on which the chosen cases behave as on `--bad`, between a
 * `--good` and a `--bad` release, over every release the index offers (not only the matrix's).
 * The search is pure (`bisect`, given a step function); a real step (`playwrightStep`) runs the cases
 * on one release as a candidate column (or as its entry, when the matrix has it) and reads the
 * verdict from that run's matrix.json.
 *
 * Direction comes from the order of the two versions: `--good 1.36.2 --bad 1.40.0` finds the first
 * release that fails; `--good 1.40.0 --bad 1.36.2` (the old one is bad) the first that passes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compareReleases, entryOf, resolveCandidates, type ReleaseIndex } from '../envoy-versions/releases';
import type { ProxyEntry, ProxyKind } from '../envoy-versions/schema';
import { readMatrix } from '../report/diff';
import { firstLine } from '../report/render-terminal';
import { isFailing, type Matrix } from '../report/schema';
import { runPlaywright } from './run-playwright';
import { settings, type SettingsEnv } from './settings';

export type Verdict =
  | { kind: 'good' }
  | { kind: 'bad'; caseId: string; error: string }
  /** The release cannot run the cases here (no V8, a build or start that fails, every case skipped). */
  | { kind: 'unrunnable'; reason: string };

export interface Step {
  release: string;
  verdict: Verdict;
  /** What `envoy --version` printed for the release's image (setup records it in matrix.json). */
  versionLine?: string;
}

export type RunStep = (release: string) => Promise<Step>;

export class BisectRefusal extends Error {}

/** A release as the user names it: `1.39.1`, `envoy-1.39.1`, `istio-1.29.0`. */
export function parseRelease(arg: string): { kind: ProxyKind; version: string } {
  const m = /^(?:(envoy|istio)-)?(\d+\.\d+\.\d+(?:\.post\d+)?)$/.exec(arg.trim());
  if (!m) throw new BisectRefusal(`"${arg}" is not a release (x.y.z, x.y.z.postN, or envoy-/istio- before it)`);
  return { kind: (m[1] ?? 'envoy') as ProxyKind, version: m[2] };
}

/**
 * The releases to search, from `good` to `bad` both included, in that direction: every release of
 * the kind on the index between the two. Either end missing from the index is refused with what it has.
 */
export function bisectOrder(index: ReleaseIndex, kind: ProxyKind, good: string, bad: string): string[] {
  const versions = index.releases.filter((r) => r.kind === kind).map((r) => r.version);
  for (const [flag, v] of [['--good', good], ['--bad', bad]] as const)
    if (!versions.includes(v)) throw new BisectRefusal(`${flag} ${v}: no ${kind} release ${v} on the index (${index.sources.join('; ')}). It has: ${versions.join(', ') || 'nothing'}`);
  if (good === bad) throw new BisectRefusal(`--good and --bad are the same release (${good})`);
  const forward = compareReleases(good, bad) < 0;
  const [lo, hi] = forward ? [good, bad] : [bad, good];
  const between = versions.filter((v) => compareReleases(v, lo) >= 0 && compareReleases(v, hi) <= 0).sort(compareReleases);
  return forward ? between : between.reverse();
}

export interface BisectOutcome {
  steps: Step[];
  /** The last release (in the search direction) that behaves as --good, and the first that behaves as --bad. */
  lastGood: Step;
  firstBad: Step;
  /** Releases between the two that could not run: the change may be in any of them, or in firstBad. */
  unpinned: Step[];
  /** true: the bad behaviour is the newer one (the first bad release is the newer of the two). */
  forward: boolean;
}

/**
 * Halves the range until the last good and the first bad release are neighbours (releases that
 * cannot run stepped over, the one nearest the middle tried instead). Checks both ends first: a
 * `--good` that fails, a `--bad` that passes, or an end that cannot run is refused with its reason.
 */
export async function bisect(order: string[], runStep: RunStep, say: (line: string) => void = () => undefined): Promise<BisectOutcome> {
  const steps: Step[] = [];
  const at = async (i: number): Promise<Step> => {
    const s = await runStep(order[i]);
    steps.push(s);
    say(stepLine(steps.length, s));
    return s;
  };
  const [good, bad] = [order[0], order[order.length - 1]];
  const first = await at(0);
  if (first.verdict.kind === 'bad') throw new BisectRefusal(`--good ${good} fails: ${first.verdict.caseId}: ${firstLine(first.verdict.error)}; it is no good release for these cases`);
  if (first.verdict.kind === 'unrunnable') throw new BisectRefusal(`--good ${good} cannot run here: ${first.verdict.reason}; pick a good release that runs`);
  const last = await at(order.length - 1);
  if (last.verdict.kind === 'good') throw new BisectRefusal(`--bad ${bad} passes every chosen case; it is no bad release for these cases`);
  if (last.verdict.kind === 'unrunnable') throw new BisectRefusal(`--bad ${bad} cannot run here: ${last.verdict.reason}; pick a bad release that runs`);
  let lo = 0;
  let hi = order.length - 1;
  let [loStep, hiStep] = [first, last];
  const skipped = new Map<number, Step>();
  for (;;) {
    // The untried release between lo and hi nearest the middle.
    const mid = (lo + hi) / 2;
    const open = Array.from({ length: Math.max(0, hi - lo - 1) }, (_, k) => lo + 1 + k).filter((i) => !skipped.has(i));
    if (!open.length) break;
    const i = open.sort((a, b) => Math.abs(a - mid) - Math.abs(b - mid) || a - b)[0];
    const s = await at(i);
    if (s.verdict.kind === 'unrunnable') skipped.set(i, s);
    else if (s.verdict.kind === 'good') [lo, loStep] = [i, s];
    else [hi, hiStep] = [i, s];
  }
  const unpinned = [...skipped].filter(([i]) => i > lo && i < hi).sort(([a], [b]) => a - b).map(([, s]) => s);
  return { steps, lastGood: loStep, firstBad: hiStep, unpinned, forward: compareReleases(good, bad) < 0 };
}

export function stepLine(n: number, s: Step): string {
  const v = s.verdict;
  const what = v.kind === 'good' ? 'good (every chosen case passed)' : v.kind === 'bad' ? `BAD: ${v.caseId}: ${firstLine(v.error)}` : `stepped over, cannot run here: ${v.reason}`;
  return `[bisect] step ${n}: ${s.release.padEnd(13)} ${what}`;
}

/** The Envoy commit in an `envoy --version` line (`envoy  version: dc2d…/1.36.2/Clean/RELEASE/BoringSSL`). */
export const commitOf = (versionLine: string | undefined): string => /version:\s*([0-9a-f]{7,40})\//.exec(versionLine ?? '')?.[1] ?? 'unknown';

/** A shell word: single-quoted unless plain. */
const shellWord = (s: string): string => (/^[\w.,:/=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The `npm run repro` line for the failing case on a release (a candidate column when the matrix lacks it). */
export function reproLine(project: { id: string; candidateSpec?: string }, caseId: string, filter?: string): string {
  const title = caseId.split(' › ').pop() ?? caseId;
  const env = project.candidateSpec ? `EWC_CANDIDATES=${shellWord(project.candidateSpec)} ` : '';
  return `${env}npm run repro -- --version ${project.id} --grep ${shellWord(escapeRe(title))}${filter ? ` --filter ${filter}` : ''}`;
}

/** The closing lines: the boundary, the failing case's error, both Envoy commits, the repro line. */
export function outcomeLines(o: BisectOutcome, projectOf: (release: string) => { id: string; candidateSpec?: string }, filter?: string): string[] {
  const bad = o.firstBad.verdict as Extract<Verdict, { kind: 'bad' }>;
  const older = o.forward ? o.lastGood : o.firstBad;
  const newer = o.forward ? o.firstBad : o.lastGood;
  const out = [`[bisect] ${o.steps.length} steps over the releases between the two`];
  if (o.unpinned.length) out.push(`[bisect] not pinned: ${o.unpinned.map((s) => s.release).join(', ')} cannot run here, so the change is in one of them or in ${o.firstBad.release}`);
  out.push(
    o.forward
      ? `[bisect] first bad release: ${o.firstBad.release} (last good: ${o.lastGood.release})`
      : `[bisect] first release where it passes again: ${o.lastGood.release} (the last that fails: ${o.firstBad.release}; going down from --good, the first bad is ${o.firstBad.release})`,
    `[bisect] failing case on ${o.firstBad.release}: ${bad.caseId}`,
    ...bad.error.split('\n').slice(0, 8).map((l) => `[bisect]   ${l}`),
    `[bisect] Envoy commits: ${older.release} ${commitOf(older.versionLine)} -> ${newer.release} ${commitOf(newer.versionLine)}` +
      (commitOf(older.versionLine) !== 'unknown' && commitOf(newer.versionLine) !== 'unknown' ? ` (https://github.com/envoyproxy/envoy/compare/${commitOf(older.versionLine)}...${commitOf(newer.versionLine)})` : ''),
    `[bisect] reproduce: ${reproLine(projectOf(o.firstBad.release), bad.caseId, filter)}`,
  );
  return out;
}

/** The verdict of one release's run, from its matrix.json column. */
export function verdictOf(m: Matrix | undefined, project: string, why = 'the run wrote no matrix.json'): Pick<Step, 'verdict' | 'versionLine'> {
  const proxy = m?.proxies.find((p) => p.id === project);
  if (!m || !proxy) return { verdict: { kind: 'unrunnable', reason: why } };
  const cells = m.cases.map((c) => ({ id: c.id, cell: c.cells[project] })).filter((c) => c.cell);
  const failing = cells.find((c) => isFailing(c.cell.status));
  if (proxy.available !== true) {
    const err = failing?.cell.error ?? cells.find((c) => c.cell.error)?.cell.error;
    return { verdict: { kind: 'unrunnable', reason: firstLine(proxy.reason) || firstLine(err) || 'its image could not be resolved' } };
  }
  if (failing) return { versionLine: proxy.versionLine, verdict: { kind: 'bad', caseId: failing.id, error: failing.cell.error ?? 'failed without an error message' } };
  if (cells.some((c) => c.cell.status === 'passed')) return { versionLine: proxy.versionLine, verdict: { kind: 'good' } };
  const skip = cells.find((c) => c.cell.skipReason)?.cell.skipReason;
  return { versionLine: proxy.versionLine, verdict: { kind: 'unrunnable', reason: skip ? `every chosen case skipped: ${firstLine(skip)}` : 'no chosen case ran' } };
}

/** How a release runs: as its entry when the matrix has one, else as a candidate column (EWC_CANDIDATES). */
export function projectFor(index: ReleaseIndex, entries: ProxyEntry[], kind: ProxyKind, version: string): { id: string; candidateSpec?: string; resolved?: string } {
  const entry = entryOf(entries, { kind, version });
  if (entry) return { id: entry.id };
  const spec = kind === 'envoy' ? version : `${kind}-${version}`;
  const r = resolveCandidates(spec, entries, index);
  return { id: r.entries[0].id, candidateSpec: spec, resolved: JSON.stringify({ spec, entries: r.entries }) };
}

/**
 * A real step: the chosen cases on one release, its own run (one Playwright project, no selftests),
 * reports under `<reports root>/bisect/<release>/`, the run's output in its `run.log`.
 */
export function playwrightStep(opts: { index: ReleaseIndex; entries: ProxyEntry[]; kind: ProxyKind; grep?: string; filter?: string }): RunStep {
  return async (release) => {
    const project = projectFor(opts.index, opts.entries, opts.kind, release);
    const root = path.join(settings.reportsRoot, 'bisect', release);
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    const env: SettingsEnv = { EWC_REPORTS_ROOT: root, EWC_SELFTESTS: '0', ...(opts.filter ? { EWC_FILTER: opts.filter } : {}) };
    // The candidate is resolved here, so the run asks the index no more.
    if (project.candidateSpec) Object.assign(env, { EWC_CANDIDATES: project.candidateSpec, EWC_CANDIDATES_RESOLVED: project.resolved });
    const log = path.join(root, 'run.log');
    const code = await runPlaywright(['--project', project.id, ...(opts.grep ? ['--grep', opts.grep] : []), '--reporter', './report/matrix-reporter.ts'], env, undefined, log);
    const file = path.join(root, 'matrix', 'matrix.json');
    const m = fs.existsSync(file) ? readMatrix(file) : undefined;
    const tail = fs.existsSync(log) ? firstLine(fs.readFileSync(log, 'utf8').split('\n').filter((l) => /error|failed/i.test(l)).slice(-1)[0]) : '';
    return { release, ...verdictOf(m, project.id, `its run exited ${code} and wrote no matrix.json${tail ? `: ${tail}` : ''} (log: ${log})`) };
  };
}
