/**
 * Config for `npx playwright merge-reports --config report/merge.config.ts <blob dir>`: turns the
 * blob reports of shards (`npx playwright test --shard i/n --reporter blob`) into the same reports a
 * single run writes. Paths are resolved against the working directory, like playwright.config.ts's.
 */
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { settings } from '../runner/settings';

const matrixDir = settings.matrixDir;
// Playwright's own reports go next to the matrix directory, as in a single run (reports/).
const reportsDir = path.dirname(matrixDir);

export default defineConfig({
  reporter: [
    ['./matrix-reporter.ts', { outputDir: matrixDir }],
    ['json', { outputFile: path.join(reportsDir, 'results.json') }],
    ['html', { outputFolder: path.join(reportsDir, 'playwright-html'), open: 'never' }],
  ],
});
