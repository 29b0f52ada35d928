/**
 * One Playwright project per entry of envoy-versions/: the proxy under test is a worker option,
 * so suites never read the environment. Settings (runner/settings.ts) are read here, once.
 */
import { defineConfig, type Project } from '@playwright/test';
import { istioWiringProjects, loadEntries, selectEntries, type ProxyEntry } from './envoy-versions';
import { compareReleases } from './envoy-versions/releases';
import type { ProxyWorkerFixtures } from './fixtures/proxy-fixtures';
import type { CorpusWorkerOptions } from './fixtures';
import { ensureRunId } from './engine/ownership';
import { SELFTEST_PROJECT } from './report/projects';
import { selectImplementation } from './implementations';
import { selectDelivery } from './proxy/delivery';
import { configureTestcontainers } from './engine/testcontainers-env';
import { candidateEntriesSync } from './engine/release-index';
import { DEFAULT_WORKERS, settings } from './runner/settings';
import { lastRunnable } from './engine/resolved-proxies';

// Nothing may pull a helper image: there is no registry here, and a run must start only its own containers.
configureTestcontainers();
ensureRunId();

const allEntries = loadEntries();
const entries = selectEntries(allEntries, settings.versions);
// EWC_CANDIDATES: releases no entry names yet, as columns marked `candidate` (project metadata, so
// every report and a merge of shards see it). Asked once, here in the runner; workers read the result.
const candidates = candidateEntriesSync(allEntries);
const filterVariant = settings.filterVariant;
// Test-only (EWC_VARIANT_FROM): a regression from a release on, so a bisect has a real boundary to find.
const variantFrom = settings.variantFrom;
const variantOf = (entry: ProxyEntry): string => (variantFrom && compareReleases(entry.envoyVersion, variantFrom.release) >= 0 ? variantFrom.variant : filterVariant);
const filterImplementation = selectImplementation(settings.filter);
const delivery = selectDelivery(settings.delivery);
// EWC_CORPUS: the contract-corpus suite runs one answer per class (subset) or the whole corpus (full).
const corpus = settings.corpus;
// The Istio wiring delivers as Istio does (WasmPlugin: ECDS, the filter before the router) unless a mode is named.
const wiringDelivery = settings.delivery ? delivery : 'ecds';
const withSelftests = settings.selftests;
// Most of a case is waiting (ticks, expiry): on 2 cores the 10-column matrix took 315 s with 6
// workers (CPU 84% busy), 291 s with 8 and 280 s with 9 (92-93%), at 2 per column (npm run
// bench:suite); 10 at 1 per column overloaded it (timed cases failed); with the selftests, 2: they
// start nested runs under their own deadlines.
const workers = settings.workers ?? (withSelftests ? DEFAULT_WORKERS.withSelftests : DEFAULT_WORKERS.matrix);
// Everything a run writes lands under one root, so a run started by a test (gate, repro) never
// overwrites the reports of the run that started it.
const reportsRoot = settings.reportsRoot;
const reportDir = settings.matrixDir;

// A column that was not runnable at the last setup here only skips its cases: one worker is enough
// (a hint for speed only; this run's own resolution decides whether a case runs).
const runnableBefore = lastRunnable();
// A column's workers each start a network, two peers and an Envoy: with the workers spread over the
// columns that run (at least 2 each), a 10-column run starts about 20 workers instead of about 50
// and the CPU goes to the cases (npm run bench:suite); a run of one column still gets every worker.
const columnWorkers = settings.columnWorkers ?? (withSelftests ? undefined : Math.max(2, Math.floor(workers / Math.max(1, columnsNamed(process.argv) || entries.length))));
const workersFor = (entry: ProxyEntry): { workers?: number } => (runnableBefore[entry.id] === false ? { workers: 1 } : columnWorkers ? { workers: columnWorkers } : {});

type ProjectOptions = Pick<ProxyWorkerFixtures, 'proxyEntry' | 'filterVariant' | 'filterImplementation' | 'wiring' | 'delivery'> & CorpusWorkerOptions;

const matrixProjects: Array<Project<object, ProjectOptions>> = [
  // The suite's own tooling (reports, gate, repro, ABI static checks): tests/. `npm run matrix` leaves it out.
  // Container modules keep their focused test next to them (proxy/, peer/).
  ...(withSelftests ? [{ name: SELFTEST_PROJECT, testDir: '.', testMatch: /\/(tests|proxy|peer|engine)\/[^/]+\.spec\.ts$/ }] : []),
  ...entries.map((entry) => ({ name: entry.id, testDir: './suites', ...workersFor(entry), use: { proxyEntry: entry, filterVariant: variantOf(entry), filterImplementation, delivery, corpus } })),
  ...candidates.map((entry) => ({ name: entry.id, testDir: './suites', metadata: { candidate: true }, ...workersFor(entry), use: { proxyEntry: entry, filterVariant: variantOf(entry), filterImplementation, delivery, corpus } })),
  // Each istio entry also runs on the upstream Envoy it bundles, wired as an Istio EnvoyFilter
  // patch would wire it, so the Istio wiring is tested even where no istio/proxyv2 image exists.
  ...istioWiringProjects([...entries, ...candidates], allEntries).map(({ name, entry }) => ({ name, testDir: './suites', ...workersFor(entry), use: { proxyEntry: entry, filterVariant: variantOf(entry), filterImplementation, delivery: wiringDelivery, wiring: 'istio' as const, corpus } })),
];

export default defineConfig<object, ProjectOptions>({
  outputDir: `${reportsRoot}/test-results`,
  globalSetup: './scripts/global-setup.ts',
  globalTeardown: './scripts/global-teardown.ts',
  // A flake is fixed at its cause, never retried away.
  retries: 0,
  workers,
  // Files, not cases, are what workers take (measured: cases spread over workers cost 90 worker
  // processes instead of about 40 and 477 s instead of 442 s for the 10-column matrix).
  fullyParallel: false,
  forbidOnly: settings.ci,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [
    ['list'],
    ['json', { outputFile: `${reportsRoot}/results.json` }],
    ['html', { outputFolder: `${reportsRoot}/playwright-html`, open: 'never' }],
    ['./report/matrix-reporter.ts', { outputDir: reportDir }],
  ],
  projects: settings.mutantRun ? mutantProjects(settings.mutantRun) : matrixProjects,
});

/**
 * npm run mutants: one project per mutant (`<project>~<variant>`), the base project with that filter
 * variant and its killer cases, so every mutant runs in one run with the workers in parallel.
 */
function mutantProjects(run: NonNullable<typeof settings.mutantRun>): Array<Project<object, ProjectOptions>> {
  const base = matrixProjects.find((p) => p.name === run.project);
  if (!base) throw new Error(`EWC_MUTANT_RUN: no project ${run.project}. Known: ${matrixProjects.map((p) => p.name).join(', ')}`);
  return run.variants.map((v) => ({ ...base, name: `${run.project}~${v.name}`, ...(v.grep === undefined ? {} : { grep: new RegExp(v.grep) }), use: { ...base.use, filterVariant: v.name } }));
}

/** How many columns the command line names (`--project=<id>` or `--project <id>`): 0 when it names none (every column runs). */
function columnsNamed(argv: string[]): number {
  let n = 0;
  argv.forEach((a, i) => {
    if (a.startsWith('--project=')) n++;
    else if (a === '--project') for (let j = i + 1; j < argv.length && !argv[j].startsWith('-') && !argv[j].includes('/'); j++) n++;
  });
  return n;
}
