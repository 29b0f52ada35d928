/**
 * The docker-free stand-in for `npm run flake` selftests: the sample run's two fake proxy projects
 * and matrix reporter, with flake.sample.ts alone. `npm run flake` sets EWC_REPORT_DIR per run.
 */
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const reportDir = process.env.EWC_REPORT_DIR ?? path.join(os.tmpdir(), 'ewc-flake-sample', 'matrix');

export default defineConfig({
  testDir: '.',
  testMatch: 'flake.sample.ts',
  outputDir: path.join(reportDir, '..', 'test-results'),
  retries: 0,
  workers: 2,
  timeout: 10_000,
  reporter: [['../../report/matrix-reporter.ts', { outputDir: reportDir }]],
  projects: [{ name: 'envoy-9.0.0' }, { name: 'envoy-9.1.0' }],
});
