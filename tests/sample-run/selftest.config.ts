/**
 * Runs the report selftests (tests/report-*.spec.ts) without the main config's global setup, which
 * needs a Docker engine: `npx playwright test -c tests/sample-run/selftest.config.ts --project selftest`.
 * The main config runs the same specs in its `selftest` project.
 */
import { defineConfig } from '@playwright/test';
import { SELFTEST_PROJECT } from '../../report/projects';

export default defineConfig({
  testDir: '..',
  testMatch: 'report-*.spec.ts',
  outputDir: '../../test-results/selftest-reports',
  workers: 2,
  reporter: [['list']],
  projects: [{ name: SELFTEST_PROJECT }],
});
