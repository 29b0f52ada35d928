/**
 * matrix.html as a user sees it: opened from disk in a real headless Chromium (Debian's), with no
 * network; one result cell per case x version; a failed cell opens to its error and its logs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from './system-browser';
import { FAKE_LOG } from './sample-run/sample-fixtures';
import { readJson, runSample } from './sample-run/run';

const FAILING = 'header-injection › a client-sent header is replaced';

test('matrix.html shows every cell, proxy facts, and a failed cell expands to its error and Envoy log', async ({ systemBrowser }, testInfo) => {
  const dir = testInfo.outputPath('run');
  const run = await runSample(dir);
  expect(run.code, run.stdout + run.stderr).toBe(1);
  const m = readJson(path.join(dir, 'matrix', 'matrix.json'));

  const page = await systemBrowser.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const url = pathToFileURL(path.join(dir, 'matrix', 'matrix.html')).href;
  expect(fs.existsSync(path.join(dir, 'matrix', 'matrix.html')), fs.readdirSync(path.join(dir, 'matrix')).join(',')).toBe(true);
  await page.goto(url);

  const table = page.locator('table.matrix');
  await expect(table).toBeVisible();
  await expect(table.locator('td.cell')).toHaveCount(m.cases.length * m.proxies.length);
  expect(m.cases.length * m.proxies.length).toBe(6);
  // One case title holds quotes, <value> and &: shown verbatim only if escaped.
  await expect(table.locator('tbody th[scope="row"]')).toHaveText(m.cases.map((c) => c.id));
  await expect(table.locator('thead th[data-proxy]')).toHaveText([/^envoy-9\.0\.0/, /^envoy-9\.1\.0/]);
  await expect(table.locator('thead th[data-proxy="envoy-9.1.0"]')).toContainText('ewc/envoy:9.1.0-fake');
  await expect(table.locator('thead th[data-proxy="envoy-9.1.0"]')).toContainText('envoy  version: def/9.1.0/Clean/RELEASE/BoringSSL'.replace(/ +/g, ' '));
  await expect(table.locator('td.status-passed')).toHaveCount(4);
  await expect(table.locator('td.status-skipped')).toContainText('fake: failure_policy deny needs envoy >= 9.1');

  const row = table.locator('tr', { has: page.locator('th', { hasText: FAILING }) });
  const failed = row.locator('td.status-failed');
  await expect(failed).toHaveCount(1);
  await expect(row.locator('td.cell').nth(1)).toHaveClass(/status-failed/);
  const error = failed.locator('pre.error');
  await expect(error).toBeHidden();
  await failed.locator('summary', { hasText: 'FAIL' }).click();
  await expect(error).toBeVisible();
  await expect(error).toContainText('Error: x-token at the upstream');

  const log = failed.locator('details.attachment', { hasText: 'envoy log (this case)' });
  await expect(log.locator('pre')).toBeHidden();
  await log.locator('summary').click();
  // The log has <, > and & in it: seeing it verbatim proves it was escaped, not interpreted.
  await expect(log.locator('pre')).toHaveText(FAKE_LOG);
  await expect(failed.locator('details.attachment', { hasText: 'envoy wasm log (this case)' })).toHaveCount(1);

  const shot = testInfo.outputPath('matrix-failure-expanded.png');
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('matrix.html (failure expanded)', { path: shot, contentType: 'image/png' });
  expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  await page.close();
});
