/**
 * `npm run bench:suite [-- --project=<id> ...] [--workers 2,1] [--no-slope] [--cold] [--smoke] [suites/<file> ...]`
 *
 * How long the matrix takes and where its time goes: setup (warm; cold with --cold, in a fresh
 * cache dir), then the matrix (no selftests) once per worker count, each in its own reports root;
 * per column the Envoy start-to-ready and the column's wall time; the 10 slowest cases with their
 * time split by kind of wait (engine/time-spent.ts); and the slope in seconds per added column, from
 * a second run of the first column alone. Every run must pass: a time of a failing matrix is not a
 * figure. CPU-seconds are split by who spent them (Envoy, peers, Playwright, Docker daemons).
 * --smoke: one column, one suite file, two workers, no slope (seconds: npm test runs it).
 * Not a timed test.
 */
import { DEFAULT_WORKERS } from '../runner/settings';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, reportsDir } from '../engine/paths';
import { SPENDS } from '../engine/time-spent';
import { commandArgs, proxyProjectIds, unknownProjectMessage, usageError } from '../runner/cli';
import { runPlaywright } from '../runner/run-playwright';
import type { Matrix } from '../report/schema';
import { type CpuSeconds, describeCpu, startCpuAccounting } from './cpu-accounting';

const USAGE = 'npm run bench:suite -- [--project=<id> ...] [--workers 2,1] [--no-slope] [--cold] [--smoke] [suites/<file> ...]';
const SMOKE_SUITE = 'suites/header-injection.spec.ts';
const log = (m: string): void => console.log(`[bench:suite] ${m}`);
const s1 = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const { values: args, positionals: suiteFiles } = commandArgs(
  'bench:suite',
  USAGE,
  process.argv.slice(2),
  {
    project: { type: 'string', multiple: true },
    workers: { type: 'string' },
    'no-slope': { type: 'boolean' },
    cold: { type: 'boolean' },
    smoke: { type: 'boolean' },
  },
  // Suite files: what one family of cases costs (CPU-seconds by who spent them).
  { positionals: true },
);
for (const f of suiteFiles) if (!/^suites\/[\w.-]+\.spec\.ts$/.test(f) || !fs.existsSync(path.join(repoRoot, f))) usageError('bench:suite', USAGE, `no suite file ${f} (suites/<name>.spec.ts)`);
const smoke = args.smoke ?? false;
const projects = args.project ?? [];
for (const p of projects) {
  const unknown = unknownProjectMessage(p);
  if (unknown) usageError('bench:suite', USAGE, unknown);
}
// The default is the matrix's own (DEFAULT_WORKERS): the figure a nightly run gets.
const workerCounts = (args.workers ?? (smoke ? '2' : String(DEFAULT_WORKERS.matrix))).split(',').map(Number);
if (workerCounts.some((w) => !Number.isInteger(w) || w < 1 || w > 16)) usageError('bench:suite', USAGE, `--workers takes counts 1..16, got ${args.workers}`);

interface Column {
  id: string;
  cases: number;
  wallMs: number;
  caseMs: number;
  envoyStartMs: number[];
}

interface MatrixRun {
  workers: number;
  projects: string[];
  wallMs: number;
  /** Share of the machine's CPU time busy during the run (all cores): how much room more workers would have. */
  cpuBusy: number;
  /** CPU-seconds by who spent them (bench/cpu-accounting.ts). */
  cpu: CpuSeconds | undefined;
  matrix: Matrix;
}

/** Busy and total jiffies of all CPUs so far (/proc/stat: idle and iowait are not busy). */
function cpuTimes(): { busy: number; total: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3] - f[4], total };
}

function timedSetup(env: NodeJS.ProcessEnv): number {
  const t = Date.now();
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(repoRoot, 'scripts', 'setup.ts')], { cwd: repoRoot, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`setup failed:\n${r.stdout}\n${r.stderr}`);
  return Date.now() - t;
}

async function runMatrix(workers: number, projectIds: string[], files: string[], tag: string): Promise<MatrixRun> {
  const root = path.join(os.tmpdir(), `ewc-bench-suite-${process.pid}-${tag}`);
  fs.rmSync(root, { recursive: true, force: true });
  const args = [...projectIds.map((p) => `--project=${p}`), ...files];
  const t = Date.now();
  const cpu0 = cpuTimes();
  const accounting = await startCpuAccounting();
  const code = await runPlaywright(args, { EWC_SELFTESTS: '0', EWC_WORKERS: String(workers), EWC_REPORTS_ROOT: root }, undefined, path.join(root, 'run.log'));
  const wallMs = Date.now() - t;
  const cpu1 = cpuTimes();
  const cpuBusy = (cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total);
  const cpu = await accounting.stop();
  let keep = false;
  try {
    if (code === 130) process.exit(130);
    const matrixFile = path.join(root, 'matrix', 'matrix.json');
    if (!fs.existsSync(matrixFile)) throw new Error(`the ${tag} run wrote no matrix (exit ${code}); its log:\n${fs.readFileSync(path.join(root, 'run.log'), 'utf8').split('\n').slice(-30).join('\n')}`);
    const matrix = JSON.parse(fs.readFileSync(matrixFile, 'utf8')) as Matrix;
    if (code !== 0 || matrix.counts.failed || matrix.counts.interrupted || matrix.counts.flaky) {
      // Kept: a failed run is evidence (its report says which cases failed and why).
      keep = true;
      throw new Error(`the ${tag} run did not pass (exit ${code}, counts ${JSON.stringify(matrix.counts)}): its time is not a figure; its reports: ${root}`);
    }
    return { workers, projects: matrix.proxies.map((p) => p.id), wallMs, cpuBusy, cpu, matrix };
  } finally {
    if (!keep) fs.rmSync(root, { recursive: true, force: true });
  }
}

function columnsOf(run: MatrixRun): Column[] {
  const columns = new Map<string, Column>();
  const spans = new Map<string, [number, number]>();
  for (const c of run.matrix.cases) {
    for (const [id, cell] of Object.entries(c.cells)) {
      if (cell.status === 'skipped' || !cell.startedAt) continue;
      const col = columns.get(id) ?? { id, cases: 0, wallMs: 0, caseMs: 0, envoyStartMs: [] };
      col.cases++;
      col.caseMs += cell.durationMs;
      col.envoyStartMs.push(...(cell.timeSpent?.envoyStarts ?? []));
      columns.set(id, col);
      const start = Date.parse(cell.startedAt);
      const [a, b] = spans.get(id) ?? [start, start + cell.durationMs];
      spans.set(id, [Math.min(a, start), Math.max(b, start + cell.durationMs)]);
    }
  }
  for (const col of columns.values()) col.wallMs = spans.get(col.id)![1] - spans.get(col.id)![0];
  return [...columns.values()];
}

const median = (xs: number[]): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function report(run: MatrixRun, lines: string[]): void {
  const say = (l: string): void => {
    lines.push(l);
    console.log(l);
  };
  const cols = columnsOf(run);
  say(`matrix with ${run.workers} worker${run.workers > 1 ? 's' : ''}: ${s1(run.wallMs)} wall for ${cols.length} runnable columns, ${run.matrix.counts.passed} passed, ${run.matrix.counts.skipped} skipped; CPU ${(run.cpuBusy * 100).toFixed(0)}% busy (${os.cpus().length} cores)`);
  say(`  ${describeCpu(run.cpu, cols.length)}`);
  say(`  ${'column'.padEnd(22)}${'cases'.padStart(6)}${'case time'.padStart(11)}${'wall'.padStart(9)}${'Envoy start-to-ready (median, n)'.padStart(34)}`);
  for (const c of cols) say(`  ${c.id.padEnd(22)}${String(c.cases).padStart(6)}${s1(c.caseMs).padStart(11)}${s1(c.wallMs).padStart(9)}${`${Math.round(median(c.envoyStartMs))} ms, ${c.envoyStartMs.length}`.padStart(34)}`);
  // Where all case time went, by kind; "other" is requests, expect.poll and the cases' own work.
  const byKind = new Map<string, number>();
  let total = 0;
  const cells = run.matrix.cases.flatMap((c) => Object.entries(c.cells).filter(([, cell]) => cell.status !== 'skipped').map(([col, cell]) => ({ id: c.id, col, cell })));
  for (const { cell } of cells) {
    total += cell.durationMs;
    for (const [k, v] of Object.entries(cell.timeSpent?.spent ?? {})) byKind.set(k, (byKind.get(k) ?? 0) + v);
  }
  const counted = [...byKind.values()].reduce((a, b) => a + b, 0);
  const share = (ms: number): string => `${s1(ms)} (${((ms / total) * 100).toFixed(0)}%)`;
  say(`  all case time ${s1(total)}: ${SPENDS.map((k) => `${k} ${share(byKind.get(k) ?? 0)}`).join(', ')}, other ${share(Math.max(0, total - counted))}`);
  say('  slowest 10 cases:');
  for (const { id, col, cell } of cells.sort((a, b) => b.cell.durationMs - a.cell.durationMs).slice(0, 10)) {
    const parts = Object.entries(cell.timeSpent?.spent ?? {}).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${s1(v)}`);
    const other = cell.durationMs - Object.values(cell.timeSpent?.spent ?? {}).reduce((a, b) => a + b, 0);
    say(`    ${s1(cell.durationMs).padStart(7)}  ${col}  ${id.length > 90 ? `${id.slice(0, 89)}…` : id}`);
    say(`             ${[...parts, `other ${s1(Math.max(0, other))}`].join(', ')}`);
  }
}

async function main(): Promise<number> {
  const lines: string[] = [];
  const out: Record<string, unknown> = { at: new Date().toISOString(), cpus: os.cpus().length };
  const selected = smoke ? [projects[0] ?? proxyProjectIds().filter((p) => p.startsWith('envoy-')).at(-1)!] : projects;
  const files = smoke ? [SMOKE_SUITE] : suiteFiles;
  const versions = selected.length ? { EWC_VERSIONS: [...new Set(selected.map((p) => p.replace(/-wiring$/, '')))].join(',') } : {};
  if (args.cold) {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'ewc-cold-cache-'));
    try {
      out.coldSetupMs = timedSetup({ ...process.env, ...versions, EWC_CACHE_DIR: fresh });
      log(`cold setup (fresh cache dir: every wheel downloaded, every image built): ${s1(out.coldSetupMs as number)}`);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  } else log('cold setup: not measured (add --cold: a fresh cache dir, every wheel downloaded again)');
  out.warmSetupMs = timedSetup({ ...process.env, ...versions });
  log(`warm setup (everything cached): ${s1(out.warmSetupMs as number)}`);
  const runs: MatrixRun[] = [];
  for (const w of workerCounts) {
    log(`matrix with ${w} worker(s)${selected.length ? ` on ${selected.join(', ')}` : ''}${files.length ? `, ${files.join(' ')}` : ''}...`);
    const r = await runMatrix(w, selected, files, `w${w}`);
    runs.push(r);
    report(r, lines);
  }
  out.runs = runs.map((r) => ({ workers: r.workers, wallMs: r.wallMs, cpuBusy: r.cpuBusy, cpuSeconds: r.cpu, columns: columnsOf(r) }));
  const first = runs[0];
  const columns = columnsOf(first);
  if (!smoke && !args['no-slope'] && !files.length && columns.length > 1) {
    const one = columns[0].id;
    log(`slope: the matrix with ${first.workers} worker(s) on ${one} alone...`);
    const single = await runMatrix(first.workers, [one], [], 'single');
    const slope = (first.wallMs - single.wallMs) / (columns.length - 1);
    out.slope = { singleColumnMs: single.wallMs, columns: columns.length, allColumnsMs: first.wallMs, msPerColumn: slope };
    const l = `slope: ${s1(single.wallMs)} for 1 column, ${s1(first.wallMs)} for ${columns.length}: ${s1(slope)} per added column (${first.workers} workers)`;
    lines.push(l);
    console.log(l);
  }
  const file = path.join(reportsDir, 'bench', smoke ? 'suite-smoke.json' : 'suite.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ ...out, lines }, null, 2)}\n`);
  log(`written to ${path.relative(process.cwd(), file)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`[bench:suite] ${e.message}`);
    process.exit(1);
  },
);
