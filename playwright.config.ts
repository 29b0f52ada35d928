/**
 * One Playwright project per entry of envoy-versions/: the proxy under test is a worker option,
 * so suites never read the environment. Environment variables are read here, once.
 */
import { defineConfig } from '@playwright/test';
import { loadEntries, selectEntries } from './envoy-versions';
import type { ProxyWorkerFixtures } from './fixtures/proxy-fixtures';
import { ensureRunId } from './fixtures/labels';
import { SELFTEST_PROJECT } from './report/projects';

// Nothing may pull a helper image: there is no registry here, and a run must start only its own containers.
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
ensureRunId();

const entries = selectEntries(loadEntries(), process.env.EWC_VERSIONS);
const filterVariant = process.env.EWC_FILTER_VARIANT ?? 'none';
const workers = Number(process.env.EWC_WORKERS ?? 2);

export default defineConfig<object, Pick<ProxyWorkerFixtures, 'proxyEntry' | 'filterVariant'>>({
  outputDir: './test-results',
  globalSetup: './scripts/global-setup.ts',
  globalTeardown: './scripts/global-teardown.ts',
  // A flake is fixed at its cause, never retried away.
  retries: 0,
  workers,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [
    ['list'],
    ['json', { outputFile: 'reports/results.json' }],
    ['html', { outputFolder: 'reports/playwright-html', open: 'never' }],
    ['./report/matrix-reporter.ts'],
  ],
  projects: [
    // The suite's own tooling (reports, gate, ABI static checks): tests/, no proxy involved.
    { name: SELFTEST_PROJECT, testDir: './tests' },
    ...entries.map((entry) => ({ name: entry.id, testDir: './suites', use: { proxyEntry: entry, filterVariant } })),
  ],
});
