/**
 * A docker-free stand-in for the conformance run, used by the report selftests: two fake "proxy"
 * projects, cases that pass, fail and skip, and the real matrix reporter. Its specs are `*.sample.ts`
 * so the selftest project (testDir tests/) never runs them itself.
 */
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const reportDir = process.env.EWC_REPORT_DIR ?? path.join(os.tmpdir(), 'ewc-sample-run', 'matrix');

export default defineConfig({
  testDir: '.',
  testMatch: '*.sample.ts',
  // Next to the reports, never the repository's test-results/ (a real run may be using it).
  outputDir: path.join(reportDir, '..', 'test-results'),
  retries: 0,
  workers: 2,
  timeout: 10_000,
  reporter: [['../../report/matrix-reporter.ts', { outputDir: reportDir }]],
  // EWC_SAMPLE_UNAVAILABLE=1 adds a column no case can run on (an image that cannot be had), as istio columns are here.
  // EWC_SAMPLE_CANDIDATE=1 makes envoy-9.1.0 a candidate column, marked as playwright.config.ts marks one (project metadata).
  projects: [
    { name: 'envoy-9.0.0' },
    { name: 'envoy-9.1.0', ...(process.env.EWC_SAMPLE_CANDIDATE === '1' ? { metadata: { candidate: true } } : {}) },
    ...(process.env.EWC_SAMPLE_UNAVAILABLE === '1' ? [{ name: 'istio-9.9.0' }] : []),
  ],
});
