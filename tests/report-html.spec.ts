/**
 * matrix.html as a person sees it on a laptop (1280x800): opened from disk in a real headless
 * Chromium (Debian's), with no network. First the page the reporter writes for the docker-free sample
 * run (a failing case first, the summary row, the failures-only toggle, an unavailable column said
 * once, a failed cell opening to its error and Envoy log); then a nightly-sized matrix (15 columns,
 * 51 cases) that must fit the screen's width and keep its head and case column in view.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from '@playwright/test';
import { renderHtml } from '../report/render-html';
import { LAPTOP, expect, saveScreenshot, test } from './system-browser';
import { NIGHTS, NIGHTLY_PROXIES, OVERWRITE_CASE, OVERWRITE_ERROR, nightlyMatrix } from './sample-run/nightly';
import { FAKE_LOG, FAKE_UNAVAILABLE, NOT_MEASURED } from './sample-run/sample-fixtures';
import { readJson, runSample } from './sample-run/run';

const FAILING = 'header-injection › a client-sent header is replaced';
const PASSING = 'header-injection › "x-token: <value>" & friends reach the upstream';
const SKIPPED = 'cache-expiry › deny policy › answers 503 after expiry';
const UNAVAILABLE = 'istio-9.9.0';

/** Opens a page at laptop size and records every request it makes (there must be none but the file). */
async function openPage(browser: import('@playwright/test').Browser, file: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport: LAPTOP });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  return { page, requests };
}

const inFirstScreen = async (page: Page, selector: string): Promise<boolean> => {
  const box = await page.locator(selector).first().boundingBox();
  return !!box && box.y >= 0 && box.y + box.height <= LAPTOP.height && box.x + box.width <= LAPTOP.width;
};

test('matrix.html of a run: summary row, the failing case first, failures-only toggle, an unavailable column once, a failed cell opens to its error and Envoy log', async ({ systemBrowser }, testInfo) => {
  const dir = testInfo.outputPath('run');
  const run = await runSample(dir, [], { EWC_SAMPLE_UNAVAILABLE: '1' });
  expect(run.code, run.stdout + run.stderr).toBe(1);
  const m = readJson(path.join(dir, 'matrix', 'matrix.json'));
  expect(m.proxies.map((p) => [p.id, p.available])).toEqual([['envoy-9.0.0', true], ['envoy-9.1.0', true], [UNAVAILABLE, false]]);
  const file = path.join(dir, 'matrix', 'matrix.html');
  expect(fs.existsSync(file), fs.readdirSync(path.join(dir, 'matrix')).join(',')).toBe(true);
  const { page, requests } = await openPage(systemBrowser, file);

  const grid = page.locator('table.grid');
  await expect(grid.locator('td.cell')).toHaveCount(9);
  // Short heads: the version under its kind; image and version line on hover and in the column list.
  await expect(grid.locator('thead tr.versions th[data-proxy]')).toHaveText(['9.0.0', '9.1.0', '9.9.0']);
  await expect(grid.locator('thead tr.kinds th[scope="colgroup"]')).toHaveText(['envoy', 'istio']);
  await expect(grid.locator('thead th[data-proxy="envoy-9.1.0"]')).toHaveAttribute('title', /ewc\/envoy:9\.1\.0-fake[^]*envoy {2}version: def\/9\.1\.0\/Clean\/RELEASE\/BoringSSL/);
  await page.locator('details.columns > summary').click();
  await expect(page.locator('table.facts tr[data-proxy="envoy-9.1.0"]')).toContainText('ewc/envoy:9.1.0-fake');

  // The summary row: per column failed / passed / skipped, in the first screen.
  const summary = grid.locator('thead tr.summary');
  await expect(summary.locator('td[data-proxy="envoy-9.0.0"] span')).toHaveText(['✗ 0', '✓ 2', '– 1']);
  await expect(summary.locator('td[data-proxy="envoy-9.1.0"] span')).toHaveText(['✗ 1', '✓ 2', '– 0']);
  expect(await inFirstScreen(page, 'thead tr.summary')).toBe(true);

  // The unavailable column: marked in its head, "n/a" in the summary, blank cells, its reason in the page once.
  const reason = FAKE_UNAVAILABLE[UNAVAILABLE];
  await expect(grid.locator(`thead th[data-proxy="${UNAVAILABLE}"]`)).toHaveClass(/unavailable/);
  await expect(summary.locator(`td[data-proxy="${UNAVAILABLE}"]`)).toHaveText('n/a');
  await expect(grid.locator(`td.cell[data-proxy="${UNAVAILABLE}"]`)).toHaveCount(3);
  await expect(grid.locator(`td.cell.na[data-proxy="${UNAVAILABLE}"]`)).toHaveText(['', '', '']);
  await expect(page.getByText(reason)).toHaveCount(1);

  // Failing first: the failing case leads its suite, and its suite leads the page. Titles are escaped.
  const rows = grid.locator('tbody tr.case');
  await expect(rows).toHaveCount(3);
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case-id')))).toEqual([FAILING, PASSING, SKIPPED]);
  await expect(rows.first()).toBeVisible();
  await expect(grid.locator(`tr.case[data-case-id='${PASSING.replace(/'/g, "\\'")}'] th`)).toHaveText('"x-token: <value>" & friends reach the upstream');
  await expect(grid.locator('tbody.group').first().locator('tr.group-head')).toContainText('header-injection');
  // A suite with nothing failing is folded to its counts.
  await expect(grid.locator('tbody.group[data-suite="cache-expiry"]')).toHaveClass(/collapsed/);
  await expect(rows.nth(2)).toBeHidden();

  // Failures only: the passing row goes, the failing one stays; and back.
  const passing = rows.nth(1);
  await expect(passing).toBeVisible();
  await page.getByLabel(/Failures only/).check();
  await expect(passing).toBeHidden();
  await expect(rows.first()).toBeVisible();
  await expect(grid.locator('tbody.group[data-suite="cache-expiry"]')).toBeHidden();
  await page.getByLabel(/Failures only/).uncheck();
  await expect(passing).toBeVisible();

  // A failed cell opens to its error, then to the Envoy log (escaped: it holds <, > and &).
  const failed = rows.first().locator('td[data-proxy="envoy-9.1.0"]');
  await expect(failed).toHaveClass(/st-failed/);
  await expect(failed).toHaveText('✗');
  const detailId = await failed.locator('button').getAttribute('data-open');
  const detail = page.locator(`#${detailId}`);
  await expect(detail).toBeHidden();
  await failed.locator('button').click();
  await expect(detail.locator('pre.error')).toBeVisible();
  await expect(detail.locator('pre.error')).toContainText('Error: x-token at the upstream');
  const log = detail.locator('details.attachment', { hasText: 'envoy log (this case)' });
  await expect(log.locator('pre')).toBeHidden();
  await log.locator('summary').click();
  await expect(log.locator('pre')).toHaveText(FAKE_LOG);
  await expect(detail.locator('details.attachment', { hasText: 'envoy wasm log (this case)' })).toHaveCount(1);

  // A skipped cell says why when opened.
  await grid.locator('tbody.group[data-suite="cache-expiry"] .group-toggle').click();
  await rows.nth(2).locator('td[data-proxy="envoy-9.0.0"] button').click();
  await expect(page.getByText('fake: failure_policy deny needs envoy >= 9.1')).toBeVisible();

  await saveScreenshot(page, testInfo, 'matrix-sample-run.png');
  expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  await page.close();
});

test('matrix.html of a run with breakage cases: the catalogue as its own section, refs in the row head, a symbol per outcome, the reason on hover', async ({ systemBrowser }, testInfo) => {
  const dir = testInfo.outputPath('run');
  const run = await runSample(dir, [], { EWC_SAMPLE_BREAKAGES: '1', EWC_SAMPLE_UNAVAILABLE: '1' });
  expect(run.code, run.stdout + run.stderr).toBe(1);
  const { page, requests } = await openPage(systemBrowser, path.join(dir, 'matrix', 'matrix.html'));

  // The header leads to the section; the grid above is as before (the breakage cases are cases).
  await expect(page.locator('header.page a[href="#breakages"]')).toHaveText('Breakage catalogue');
  await expect(page.locator('header.page')).toContainText('3 entries, cells 3 reproduced, 1 not affected, 1 cannot run here, 1 failed');
  await expect(page.locator('table.grid tbody tr.case')).toHaveCount(6);
  const section = page.locator('section#breakages');
  await expect(section.locator('h2')).toContainText('Breakage catalogue');
  // Same short column heads as the grid; the corner says what a row is.
  await expect(section.locator('thead tr.versions th[data-proxy]')).toHaveText(['9.0.0', '9.1.0', '9.9.0']);
  await expect(section.locator('thead th.corner')).toHaveText('entry');

  const rows = section.locator('tbody tr.breakage');
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-entry')))).toEqual(['abi-marker', 'go-poll-oneoff', 'vendor-host-call']);
  // The row head names the entry and links its upstream issues.
  const go = section.locator('tr.breakage[data-entry="go-poll-oneoff"]');
  await expect(go.locator('th code')).toHaveText('go-poll-oneoff');
  await expect(go.locator('th .refs a')).toHaveText(['golang/go#78513', 'envoyproxy/envoy#44526']);
  await expect(go.locator('th .refs a').first()).toHaveAttribute('href', 'https://github.com/golang/go/issues/78513');
  await expect(go.locator('th .refs')).toBeVisible();

  // A symbol per outcome (greyscale-safe), a class for its colour; the unavailable column blank, as in the grid.
  const cells = async (entry: string): Promise<string[][]> =>
    section.locator(`tr.breakage[data-entry="${entry}"] td`).evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-outcome') ?? '', td.textContent ?? '', td.className]));
  expect(await cells('abi-marker')).toEqual([['reproduced', '●', 'cell bk-reproduced'], ['failed', '✗', 'cell st-failed'], ['cannot run here', '', 'cell na']]);
  expect(await cells('go-poll-oneoff')).toEqual([['reproduced', '●', 'cell bk-reproduced'], ['not affected', '○', 'cell bk-not-affected'], ['cannot run here', '', 'cell na']]);
  expect(await cells('vendor-host-call')).toEqual([['cannot run here', '–', 'cell st-skipped'], ['reproduced', '●', 'cell bk-reproduced'], ['cannot run here', '', 'cell na']]);
  // On hover: why it cannot run, why it failed, where an outcome was measured.
  const vendor = section.locator('tr.breakage[data-entry="vendor-host-call"]');
  await expect(vendor.locator('td[data-proxy="envoy-9.0.0"]')).toHaveAttribute('title', `vendor-host-call @ envoy-9.0.0: cannot run here: ${NOT_MEASURED}`);
  await expect(vendor.locator('td[data-proxy="envoy-9.1.0"]')).toHaveAttribute('title', 'vendor-host-call @ envoy-9.1.0: reproduced as measured on 9.1.2 (not measured on this release)');
  await expect(section.locator('tr.breakage[data-entry="abi-marker"] td[data-proxy="envoy-9.1.0"]')).toHaveAttribute('title', 'abi-marker @ envoy-9.1.0: failed: Error: no-marker: Envoy exits with code 1');
  await expect(section.locator(`td[data-proxy="${UNAVAILABLE}"]`).first()).toHaveAttribute('title', `${UNAVAILABLE}: not runnable here`);

  // It fits the laptop's width; the link scrolls to it.
  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(LAPTOP.width);
  await page.locator('header.page a[href="#breakages"]').click();
  await expect.poll(async () => inFirstScreen(page, 'section#breakages tr.breakage')).toBe(true);
  await saveScreenshot(page, testInfo, 'matrix-breakages.png');
  expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  await page.close();
});

test('a nightly-sized matrix.html (15 columns, 51 cases) fits 1280x800: summary row and the failing case in the first screen, sticky head and case column', async ({ systemBrowser }, testInfo) => {
  const m = nightlyMatrix(NIGHTS[1]);
  const file = testInfo.outputPath('matrix.html');
  fs.writeFileSync(file, renderHtml(m));
  const { page, requests } = await openPage(systemBrowser, file);

  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(LAPTOP.width);
  expect(await inFirstScreen(page, 'thead tr.summary')).toBe(true);
  const first = page.locator('tbody tr.case').first();
  await expect(first).toHaveAttribute('data-case-id', OVERWRITE_CASE);
  expect(await inFirstScreen(page, 'tbody tr.case')).toBe(true);
  const runnable = NIGHTLY_PROXIES.filter((p) => p.available).map((p) => p.id);
  await expect(first.locator('td.st-failed')).toHaveCount(runnable.length);
  await expect(page.locator('thead tr.summary td[data-proxy="envoy-1.40.0"] span').first()).toHaveText('✗ 1');
  // Five columns not runnable: blank, narrow, "n/a" once in the summary row.
  await expect(page.locator('thead tr.versions th.unavailable')).toHaveCount(5);
  await expect(page.locator('thead tr.summary td.na-sum')).toHaveText(['n/a', 'n/a', 'n/a', 'n/a', 'n/a']);
  await expect(page.locator('td.cell[data-proxy="istio-1.28.0"]:not(.na)')).toHaveCount(0);
  await saveScreenshot(page, testInfo, 'matrix.png');

  await first.locator('td[data-proxy="envoy-1.40.0"] button').click();
  await expect(page.locator('tr.detail:not([hidden]) pre.error')).toHaveText(OVERWRITE_ERROR);

  // Scrolled down through every case, the column heads stay at the top of the screen.
  await page.getByRole('button', { name: 'Expand all' }).click();
  await page.mouse.wheel(0, 1500);
  await expect.poll(async () => Number(await page.evaluate('window.scrollY'))).toBeGreaterThan(1000);
  const head = await page.locator('table.grid thead').boundingBox();
  expect(head && Math.abs(head.y)).toBeLessThanOrEqual(1);
  // On a narrower window the grid scrolls sideways, and the case titles stay at the left edge.
  await page.setViewportSize({ width: 800, height: LAPTOP.height });
  await page.evaluate('window.scrollBy(400, 0)');
  await expect.poll(async () => Number(await page.evaluate('window.scrollX'))).toBeGreaterThan(300);
  const visibleCase = page.locator('tbody tr.case th.case-col').nth(20);
  const box = await visibleCase.boundingBox();
  expect(box && Math.abs(box.x)).toBeLessThanOrEqual(1);

  expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  await page.close();
});
