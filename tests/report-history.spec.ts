/**
 * `npm run history` as a user runs it (a child process), over three nights of the whole matrix
 * (tests/sample-run/nightly.ts: one night with a failure injected through the `no-overwrite` filter
 * variant): history.json exactly for a flipped and a flaky cell, what it prints, its bad-input exits,
 * and history.html in Debian's Chromium at 1280x800: the flipped cell's strip, and its changed run's
 * error one click away.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HistoryCell, HistoryReport } from '../report/history';
import { runCommand, type CommandOutput } from './commands';
import { NIGHTLY_CASE_IDS, NIGHTLY_PROXIES, OVERWRITE_CASE, OVERWRITE_ERROR, TICK_CASE, TICK_ERROR, WORKERS_CASE, WORKERS_ERROR, writeNightlies } from './sample-run/nightly';
import { LAPTOP, expect, saveScreenshot, test } from './system-browser';

const TIMEOUT_MS = 60_000;
const RUNS = ['nightly-20261127', 'nightly-20261128', 'nightly-20261129'];

let root: string;
let files: string[];
let run: CommandOutput;

const readHistory = (dir: string): HistoryReport => JSON.parse(fs.readFileSync(path.join(dir, 'history.json'), 'utf8')) as HistoryReport;
const cellOf = (h: HistoryReport, caseId: string, proxy: string): HistoryCell | undefined => h.cells.find((c) => c.caseId === caseId && c.proxy === proxy);

test.beforeAll(async ({}, testInfo) => {
  root = testInfo.outputPath('reports');
  files = writeNightlies(testInfo.outputPath('nights'));
  // Out of time order on purpose, and one night given as its directory: the command orders by start time.
  run = await runCommand('history.ts', [files[2], files[0], path.dirname(files[1])], root, TIMEOUT_MS);
});

test('three nights: runs in time order, a flipped cell and a flaky cell exactly, and the closing line last', () => {
  expect(run.stderr).toBe('');
  expect(run.code, run.stdout).toBe(0);
  const h = readHistory(path.join(root, 'history'));
  expect(h.historySchemaVersion).toBe(1);
  expect(h.runs.map((r) => [r.index, r.runId, r.filterVariant, r.failed])).toEqual([
    [1, RUNS[0], 'none', 1],
    [2, RUNS[1], 'no-overwrite', 10],
    [3, RUNS[2], 'none', 1],
  ]);
  expect(h.proxies.map((p) => p.id)).toEqual(NIGHTLY_PROXIES.map((p) => p.id));
  expect(h.cases).toEqual(NIGHTLY_CASE_IDS);

  // Flipped by the injected failure: passed, failed on the no-overwrite night, passed again.
  expect(cellOf(h, OVERWRITE_CASE, 'envoy-1.40.0')).toEqual({
    caseId: OVERWRITE_CASE,
    proxy: 'envoy-1.40.0',
    statuses: ['passed', 'failed', 'passed'],
    passed: 2,
    failed: 1,
    passRate: 0.667,
    flaky: true,
    changes: 2,
    firstChange: { run: 2, runId: RUNS[1], from: 'passed', to: 'failed', error: OVERWRITE_ERROR },
    errors: [null, 'Error: x-idp-token at the upstream', null],
  });
  // Flaky, first changed to passing (no error to show), then stable.
  expect(cellOf(h, TICK_CASE, 'envoy-1.37.0')).toEqual({
    caseId: TICK_CASE,
    proxy: 'envoy-1.37.0',
    statuses: ['failed', 'passed', 'passed'],
    passed: 2,
    failed: 1,
    passRate: 0.667,
    flaky: true,
    changes: 1,
    firstChange: { run: 2, runId: RUNS[1], from: 'failed', to: 'passed' },
    errors: [TICK_ERROR.split('\n')[0], null, null],
  });
  // Stable cells: a pass every night, and a column no night could run.
  expect(cellOf(h, TICK_CASE, 'envoy-1.36.2')).toEqual({ caseId: TICK_CASE, proxy: 'envoy-1.36.2', statuses: ['passed', 'passed', 'passed'], passed: 3, failed: 0, passRate: 1, flaky: false, changes: 0, firstChange: null });
  expect(cellOf(h, TICK_CASE, 'istio-1.28.0')).toMatchObject({ statuses: ['skipped', 'skipped', 'skipped'], passRate: null, flaky: false, changes: 0, firstChange: null });
  expect(cellOf(h, WORKERS_CASE, 'envoy-1.40.0')?.firstChange).toEqual({ run: 3, runId: RUNS[2], from: 'passed', to: 'failed', error: WORKERS_ERROR });
  // 51 cases x 10 runnable columns, less the 2 runtime cases skipped everywhere.
  expect(h.totals).toEqual({ runs: 3, cells: 490, changed: 12, flaky: 12, failingNow: 1 });

  const lines = run.stdout.trimEnd().split('\n');
  expect(lines.slice(0, 3)).toEqual([
    `[history] run 1/3: ${RUNS[0]} 2026-11-27T02:17:04.000Z failed: 489 passed, 1 failed, 275 skipped`,
    `[history] run 2/3: ${RUNS[1]} 2026-11-28T02:17:09.000Z failed, filter no-overwrite: 480 passed, 10 failed, 275 skipped`,
    `[history] run 3/3: ${RUNS[2]} 2026-11-29T02:17:02.000Z failed: 489 passed, 1 failed, 275 skipped`,
  ]);
  // Failing in the newest run first; a failure on every column is one line.
  expect(lines[3]).toBe(`failing: ${WORKERS_CASE} @ envoy-1.40.0: passed, passed, failed (pass rate 67%); first change in run 3 ${RUNS[2]}: passed -> failed (Error: 12 callouts in 10 periods at concurrency 4)`);
  expect(lines[4]).toBe(`flaky: ${OVERWRITE_CASE} @ envoy-1.36.2, envoy-1.36.4 and 8 more columns: passed, failed, passed (pass rate 67%); first change in run 2 ${RUNS[1]}: passed -> failed (Error: x-idp-token at the upstream)`);
  expect(lines[5]).toBe(`flaky: ${TICK_CASE} @ envoy-1.37.0: failed, passed, passed (pass rate 67%); first change in run 2 ${RUNS[1]}: failed -> passed`);
  expect(lines.at(-1)).toBe('history: 3 runs, 490 cells, 12 changed, 12 flaky, 1 failing in the newest run');
  expect(h.closingLine).toBe(lines.at(-1));
});

test('--last keeps the newest runs; --out writes where it is told', async ({}, testInfo) => {
  const out = testInfo.outputPath('last-two');
  const r = await runCommand('history.ts', ['--last', '2', '--out', out, ...files], root, TIMEOUT_MS);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const h = readHistory(out);
  expect(h.runs.map((x) => x.runId)).toEqual(RUNS.slice(1));
  expect(cellOf(h, OVERWRITE_CASE, 'envoy-1.40.0')).toMatchObject({ statuses: ['failed', 'passed'], firstChange: { run: 2, runId: RUNS[2], from: 'failed', to: 'passed' } });
  expect(fs.readdirSync(out).sort()).toEqual(['history.html', 'history.json']);
});

test('bad input exits 2 with the reason and the usage, and writes nothing', async ({}, testInfo) => {
  const out = testInfo.outputPath('bad');
  const empty = testInfo.outputPath('empty-dir');
  fs.mkdirSync(empty, { recursive: true });
  const notMatrix = path.join(__dirname, '..', 'package.json');
  const notJson = path.join(__dirname, 'sample-run', 'diff', 'not-json.json');
  const cases: Array<[string[], string]> = [
    [[], 'no matrix.json files or directories given'],
    [[files[0], notMatrix], `${notMatrix} is not a matrix.json (no "schemaVersion")`],
    [[notJson], `${notJson} is not valid JSON`],
    [[empty], `${empty}: no matrix.json in this directory or below it`],
    [[files[0], '--since', 'yesterday'], 'unknown option --since'],
    [[files[0], '--last', '0'], '--last takes a number of runs >= 1 (got "0")'],
  ];
  for (const [args, message] of cases) {
    const r = await runCommand('history.ts', [...args, '--out', out], root, TIMEOUT_MS);
    expect([r.code, r.stdout], args.join(' ')).toEqual([2, '']);
    expect(r.stderr).toContain(`[history] ${message}`);
    expect(r.stderr).toContain('usage: npm run history -- <matrix.json files or directories> [--out DIR] [--last N]');
  }
  expect(fs.existsSync(out)).toBe(false);
});

test('history.html at 1280x800: the flipped cell reads passed, failed, passed, and its changed run opens to its error', async ({ systemBrowser }, testInfo) => {
  const page = await systemBrowser.newPage({ viewport: LAPTOP });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(path.join(root, 'history', 'history.html')).href);

  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(LAPTOP.width);
  await expect(page.locator('details.runs tbody tr')).toHaveText([/nightly-20261127/, /nightly-20261128[^]*no-overwrite/, /nightly-20261129/]);
  // Each run links to its own matrix.html, kept next to its matrix.json.
  const href = await page.locator('details.runs tbody tr[data-run="2"] a').getAttribute('href');
  expect(path.resolve(root, 'history', href ?? '')).toBe(path.join(path.dirname(files[1]), 'matrix.html'));
  // What fails in the newest run leads the page; suites with nothing changed are folded.
  await expect(page.locator('tbody tr.case').first()).toHaveAttribute('data-case-id', WORKERS_CASE);
  await expect(page.locator('tbody.group[data-suite="cache-expiry"]')).toHaveClass(/collapsed/);

  const row = page.locator(`tbody tr.case[data-case-id="${OVERWRITE_CASE}"]`);
  await expect(row).toBeVisible();
  const cell = row.locator('td[data-proxy="envoy-1.40.0"]');
  const squares = cell.locator('.sq');
  await expect(squares).toHaveCount(3);
  expect(await squares.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual(['passed', 'failed', 'passed']);
  await expect(squares).toHaveText(['✓', '✗', '✓']);
  await expect(cell.locator('.sq.first-change')).toHaveAttribute('data-run', '2');
  await expect(cell.locator('.rate')).toHaveText('67%');

  const detail = page.locator(`#${await cell.locator('button').getAttribute('data-open')}`);
  await expect(detail).toBeHidden();
  await cell.locator('.sq[data-run="2"]').click();
  await expect(detail).toBeVisible();
  await expect(detail.locator('.change')).toHaveText(`First change: run 2 ${RUNS[1]} (2026-11-28 02:17 UTC, filter no-overwrite): passed → failed`);
  await expect(detail.locator('pre.error')).toHaveText(OVERWRITE_ERROR);
  await expect(detail.locator('ol.run-list li')).toHaveText([/run 1 .*\): passed · matrix\.html$/, /run 2 .*\): failed: Error: x-idp-token at the upstream · matrix\.html$/, /run 3 .*\): passed · matrix\.html$/]);
  await saveScreenshot(page, testInfo, 'history.png');

  // Changed, flaky or failing only: a stable row goes, the flipped one stays; and back.
  const stable = page.locator('tbody tr.case[data-case-id="header-injection › mixed-case names from the header service arrive lowercased"]');
  await expect(stable).toBeVisible();
  await page.getByLabel(/Changed, flaky or failing only/).check();
  await expect(stable).toBeHidden();
  await expect(row).toBeVisible();
  await page.getByLabel(/Changed, flaky or failing only/).uncheck();
  await expect(stable).toBeVisible();

  expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  await page.close();
});
