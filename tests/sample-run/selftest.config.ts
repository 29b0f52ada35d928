/**
 * Runs the selftests that need no Docker engine (reports, matrix.html and history.html in Debian's
 * Chromium, `npm run history`, engine errors, version entries, ABI static checks) without the main
 * config's global setup, which needs one: `npx playwright test -c tests/sample-run/selftest.config.ts --project selftest`.
 * The main config runs the same specs in its `selftest` project.
 */
import { defineConfig } from '@playwright/test';
import { SELFTEST_PROJECT } from '../../report/projects';

export default defineConfig({
  testDir: '..',
  testMatch: ['report-*.spec.ts', 'engine.spec.ts', 'version-entries.spec.ts', 'abi-static.spec.ts', 'flake.spec.ts', 'mutants.spec.ts', 'suite-rules.spec.ts', 'layout.spec.ts', 'ownership.spec.ts', 'implementations.spec.ts', 'delivery.spec.ts', 'fuzz.spec.ts', 'corpus.spec.ts', 'versions-discover.spec.ts', 'bisect.spec.ts', 'breakages.spec.ts'],
  outputDir: '../../reports/test-results/selftest-docker-free',
  workers: 2,
  reporter: [['list']],
  projects: [{ name: SELFTEST_PROJECT }],
});
