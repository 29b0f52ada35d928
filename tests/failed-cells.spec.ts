/** The closing lines of `npm test`: each cell a failed stage did not pass, with its error's first lines. */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { failedCellLines, failedCells, failedTestLines, type PlaywrightReport } from '../report/failed-cells';
import type { Matrix } from '../report/schema';

const load = (f: string): Matrix => JSON.parse(fs.readFileSync(path.join(__dirname, 'sample-run', 'diff', f), 'utf8')) as Matrix;

test('a failed cell is named by column and case with its error lines; passed and skipped cells are not', () => {
  expect(failedCellLines(load('new.json'))).toEqual(['failed envoy-9.1.0 header-injection › several headers at once: Error: x-a arrived twice | Expected: 1']);
  expect(failedCells(load('old.json'))).toEqual([{ column: 'envoy-9.1.0', caseId: 'cache-expiry › deny answers 503', status: 'failed', summary: 'Error: expected 503 | more' }]);
});

test('flaky and interrupted cells are named too, blank error lines dropped, at most four lines, cut at the width', () => {
  const m = load('new.json');
  const [row] = m.cases;
  row.cells['envoy-9.0.0'] = { status: 'flaky', durationMs: 1, error: '\nError: expect(received).toBeLessThanOrEqual(expected)\n\nExpected: <= 1800\nReceived:    1885\n    at x.ts:1\n    at y.ts:2', attachments: [] };
  row.cells['envoy-9.1.0'] = { status: 'interrupted', durationMs: 1, attachments: [] };
  expect(failedCellLines(m)).toEqual([
    'flaky envoy-9.0.0 header-injection › several headers at once: Error: expect(received).toBeLessThanOrEqual(expected) | Expected: <= 1800 | Received:    1885 | at x.ts:1',
    'interrupted envoy-9.1.0 header-injection › several headers at once',
  ]);
  // 40 characters with the ellipsis.
  expect(failedCellLines(m, 40)).toEqual(['flaky envoy-9.0.0 header-injection › se…', 'interrupted envoy-9.1.0 header-injectio…']);
});

test('a run with no matrix.json (the selftests): failed and flaky tests named from results.json, by project, file and titles, colours dropped', () => {
  const result = (status: string, message?: string): { status: string; errors: Array<{ message?: string }> } => ({ status, errors: message ? [{ message }] : [] });
  const report: PlaywrightReport = {
    suites: [
      {
        title: 'tests/layout.spec.ts',
        specs: [
          { title: 'rooms import only the rooms they may', tests: [{ projectName: 'selftest', status: 'unexpected', results: [result('failed', '\x1b[2mexpect(\x1b[22mreceived).toEqual(expected)\n\n- Expected  - 1\n+ Received  + 4')] }] },
          { title: 'passes', tests: [{ projectName: 'selftest', status: 'expected', results: [result('passed')] }] },
          { title: 'skipped', tests: [{ projectName: 'selftest', status: 'skipped', results: [result('skipped')] }] },
        ],
        suites: [
          {
            title: 'a group',
            specs: [
              { title: 'times out', tests: [{ projectName: 'selftest', status: 'unexpected', results: [result('timedOut', 'Test timeout of 30000ms exceeded.')] }] },
              { title: 'flips', tests: [{ projectName: 'selftest', status: 'flaky', results: [result('failed', 'Error: first'), result('passed')] }] },
            ],
          },
        ],
      },
    ],
  };
  expect(failedTestLines(report)).toEqual([
    'failed selftest tests/layout.spec.ts › rooms import only the rooms they may: expect(received).toEqual(expected) | - Expected  - 1 | + Received  + 4',
    'timedOut selftest tests/layout.spec.ts › a group › times out: Test timeout of 30000ms exceeded.',
    'flaky selftest tests/layout.spec.ts › a group › flips',
  ]);
});
