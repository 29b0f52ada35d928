/**
 * Shards merge whole: two `--shard i/2 --reporter blob` runs merged with report/merge.config.ts give
 * the same matrix.json (but run id, times, durations) and the same JUnit test cases as one run. The
 * sample has its breakage cases (EWC_SAMPLE_BREAKAGES=1): the catalogue comes from annotations, so
 * the blobs carry it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { MERGE_CONFIG, playwright, readJson, runSample, stableContent, statuses } from './sample-run/run';
import { childrenNamed, parseXml } from './sample-run/xml';

const BREAKAGES = { EWC_SAMPLE_BREAKAGES: '1' };

const testcases = (file: string): string[] =>
  childrenNamed(parseXml(fs.readFileSync(file, 'utf8')), 'testsuite')
    .flatMap((s) => childrenNamed(s, 'testcase'))
    .map((c) => `${c.attrs.classname} | ${c.attrs.name} | ${c.children.map((e) => e.name).join(',')}`)
    .sort();

test('merge-reports of two shard blobs gives the matrix of an unsharded run', async ({}, testInfo) => {
  // Three child runs of Playwright at once, then a merge.
  test.setTimeout(90_000);
  const dir = testInfo.outputPath();
  const [whole, ...shards] = await Promise.all([
    runSample(path.join(dir, 'whole'), [], BREAKAGES),
    ...[1, 2].map((i) => runSample(path.join(dir, `shard-${i}`), [`--shard=${i}/2`, '--reporter=blob'], { ...BREAKAGES, PLAYWRIGHT_BLOB_OUTPUT_DIR: path.join(dir, `blob-${i}`) })),
  ]);
  expect(whole.code, whole.stdout + whole.stderr).toBe(1);
  // Each shard ran part of the cells; together, all twelve.
  const ran = shards.map((s) => Number(/Running (\d+) tests?/.exec(s.stdout)?.[1] ?? 0));
  expect(ran.every((n) => n > 0 && n < 12), shards.map((s) => s.stdout).join('\n')).toBe(true);
  expect(ran[0] + ran[1]).toBe(12);

  const blobs = path.join(dir, 'all-blobs');
  fs.mkdirSync(blobs);
  for (const i of [1, 2]) for (const f of fs.readdirSync(path.join(dir, `blob-${i}`))) fs.copyFileSync(path.join(dir, `blob-${i}`, f), path.join(blobs, f));
  expect(fs.readdirSync(blobs)).toHaveLength(2);

  const merged = await playwright(['merge-reports', '--config', MERGE_CONFIG, blobs], { EWC_RUN_ID: 'merged', EWC_REPORT_DIR: path.join(dir, 'merged', 'matrix') });
  expect(merged.code, merged.stdout + merged.stderr).toBe(0);
  expect(merged.stdout.trim().split('\n').at(-1)).toBe('matrix: 8 passed, 2 failed, 2 skipped');
  // merge.config.ts puts Playwright's own reports next to the matrix, as a single run does.
  expect(fs.readdirSync(path.join(dir, 'merged')).sort()).toEqual(['matrix', 'playwright-html', 'results.json']);

  const a = readJson(path.join(dir, 'whole', 'matrix', 'matrix.json'));
  const b = readJson(path.join(dir, 'merged', 'matrix', 'matrix.json'));
  expect(b.runId).toBe('merged');
  expect(statuses(b)).toEqual(statuses(a));
  expect(stableContent(b)).toEqual(stableContent(a));
  expect(b.breakages?.map((x) => [x.entry, ...Object.values(x.cells).map((c) => c.outcome)])).toEqual([
    ['abi-marker', 'reproduced', 'failed'],
    ['go-poll-oneoff', 'reproduced', 'not affected'],
    ['vendor-host-call', 'cannot run here', 'reproduced'],
  ]);
  expect(testcases(path.join(dir, 'merged', 'matrix', 'junit.xml'))).toEqual(testcases(path.join(dir, 'whole', 'matrix', 'junit.xml')));
});
