/**
 * Real-Envoy sample runs for the lifecycle selftests (tests/runs.spec.ts): the conformance fixtures,
 * one proxy entry (EWC_VERSIONS, default envoy-1.40.0), sample cases `*.lifecycle.ts` that do
 * what a suite never should (kill the Envoy under them), and the JSON report under EWC_REPORTS_ROOT.
 */
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { loadEntries, selectEntries } from '../../envoy-versions';
import type { ProxyWorkerFixtures } from '../../fixtures/proxy-fixtures';
import { ensureRunId } from '../../engine/ownership';
import { configureTestcontainers } from '../../engine/testcontainers-env';

configureTestcontainers();
ensureRunId();

const [entry] = selectEntries(loadEntries(), process.env.EWC_VERSIONS ?? 'envoy-1.40.0');
const reportsRoot = process.env.EWC_REPORTS_ROOT ?? path.join(__dirname, '..', '..', 'reports', 'lifecycle');

export default defineConfig<object, Pick<ProxyWorkerFixtures, 'proxyEntry'>>({
  testDir: '.',
  testMatch: '*.lifecycle.ts',
  outputDir: path.join(reportsRoot, 'test-results'),
  globalSetup: '../../scripts/global-setup.ts',
  globalTeardown: '../../scripts/global-teardown.ts',
  retries: 0,
  workers: 1,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: path.join(reportsRoot, 'results.json') }]],
  projects: [{ name: entry.id, use: { proxyEntry: entry } }],
});
