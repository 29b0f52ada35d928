/**
 * The kill matrix's own rules: the catalogue (filter/variants.json) is complete and names real cases,
 * and a run against a mutant is judged killed only when every expected killer failed.
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { readVariantsCatalogue } from '../implementations/variants-catalogue';
import { formatResults, grepFor, judge, mutants, unknownKillers, type VariantEntry } from '../report/mutants';
import type { Matrix, MatrixCell } from '../report/schema';
import { listCases } from '../runner/list-cases';

const P = 'envoy-9.1.0';
const cell = (status: MatrixCell['status'], error?: string): MatrixCell => ({ status, durationMs: 1, attachments: [], ...(error ? { error } : {}) });
const matrix = (cells: Record<string, MatrixCell>): Matrix =>
  ({
    schemaVersion: 1,
    cases: Object.entries(cells).map(([id, c]) => ({ id, file: 'x', cells: { [P]: c } })),
    proxies: [{ id: P, available: true }],
  }) as unknown as Matrix;
const variant = (killers: string[]): VariantEntry => ({ name: 'v', kind: 'mutant', behaviour: 'b', rule: 'r', killers: killers.map((c) => ({ case: c, why: 'w' })) });

test('killed only when every expected killer failed; a passing or unrun expected killer says so', () => {
  const v = variant(['s › a', 's › b']);
  expect(judge(v, matrix({ 's › a': cell('failed', 'Error: a\nmore'), 's › b': cell('failed', 'Error: b'), 's › c': cell('passed') }), P)).toEqual({
    variant: 'v',
    expected: ['s › a', 's › b'],
    killers: ['s › a', 's › b'],
    missed: [],
    verdict: 'killed',
    errors: { 's › a': 'Error: a', 's › b': 'Error: b' },
  });
  expect(judge(v, matrix({ 's › a': cell('failed'), 's › b': cell('passed') }), P).verdict).toBe('partly killed');
  expect(judge(v, matrix({ 's › a': cell('passed'), 's › b': cell('passed') }), P).verdict).toBe('survived');
  const unrun = judge(v, matrix({ 's › a': cell('failed'), 's › b': cell('skipped') }), P);
  expect([unrun.verdict, unrun.missed]).toEqual(['not tested', [{ case: 's › b', status: 'skipped' }]]);
  expect(judge(v, matrix({ 's › a': cell('failed') }), P).missed).toEqual([{ case: 's › b', status: 'absent' }]);
  expect(formatResults([unrun], P).at(-1)).toBe('mutants: 1 variants, 0 killed, 1 not killed');
});

test('the catalogue has at least 25 mutants, each with killers and reasons, all naming cases the suites have', ({}, testInfo) => {
  const catalogue = readVariantsCatalogue();
  const ms = mutants(catalogue);
  expect(ms.length).toBeGreaterThanOrEqual(25);
  expect(new Set(catalogue.map((v) => v.name)).size).toBe(catalogue.length);
  for (const v of ms) {
    expect(v.killers.length, v.name).toBeGreaterThan(0);
    for (const k of v.killers) expect(k.why.length, `${v.name}: why ${k.case}`).toBeGreaterThan(10);
  }
  // The listing's reporters write nothing where the caller's reports live (npm test lists right after the matrix).
  const reports = testInfo.outputPath('reports');
  fs.mkdirSync(reports, { recursive: true });
  const saved = process.env.EWC_REPORTS_ROOT;
  process.env.EWC_REPORTS_ROOT = reports;
  let cases: Set<string>;
  try {
    cases = listCases('envoy-1.40.0');
  } finally {
    if (saved === undefined) delete process.env.EWC_REPORTS_ROOT;
    else process.env.EWC_REPORTS_ROOT = saved;
  }
  expect(fs.readdirSync(reports)).toEqual([]);
  expect(cases.size).toBeGreaterThan(50);
  expect(unknownKillers(catalogue, cases)).toEqual([]);
  expect(unknownKillers([variant(['header-injection › no such case'])], cases)).toEqual(['v: no case "header-injection › no such case"']);
});

test('the grep for killer cases selects a case inside a describe block, and only that one', () => {
  // Playwright matches --grep against project, file, describes and title joined with spaces.
  const grep = new RegExp(grepFor(['protocols › HTTP/2 › bodies pass (1 MiB)', 'header-injection › plain case']));
  expect(grep.test('envoy-1.40.0 protocols.spec.ts HTTP/2 bodies pass (1 MiB)')).toBe(true);
  expect(grep.test('envoy-1.40.0 protocols.spec.ts HTTP/1.1 bodies pass (1 MiB)')).toBe(false);
  expect(grep.test('envoy-1.40.0 header-injection.spec.ts plain case')).toBe(true);
  expect(grep.test('envoy-1.40.0 header-injection.spec.ts not the plain case either')).toBe(false);
});
