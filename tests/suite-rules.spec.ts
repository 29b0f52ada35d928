/**
 * Rules a suite cannot break without this failing: asynchronous evidence is only waited for, never
 * read once; a missing stat is never read as a default; no fixed sleeps; no `.only`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const suitesDir = path.join(__dirname, '..', 'suites');
const suites = fs.readdirSync(suitesDir).filter((f) => f.endsWith('.spec.ts'));

const FORBIDDEN: Array<{ pattern: RegExp; why: string }> = [
  { pattern: /\blogForDiagnostics\(|\blogPosition\(/, why: 'reads the log as delivered so far: wait with envoy.waitForLog / waitForFilterLog' },
  { pattern: /\.stats\([^)]*\)\)?\.get\(/, why: 'a stat read from the map reads a missing stat as undefined: use envoy.stat(name)' },
  { pattern: /\?\?\s*-?\d+\s*[;)]/, why: 'a default for a missing value makes a missing stat or line look like a number' },
  { pattern: /waitForTimeout\(|setTimeout\(|timers\/promises/, why: 'a fixed sleep: poll for the condition under a deadline' },
  { pattern: /\b(test|describe)\.only\(/, why: '.only left in a suite' },
];

test('suites wait for asynchronous evidence and never read it once', () => {
  expect(suites.length).toBeGreaterThan(5);
  const offences: string[] = [];
  for (const file of suites) {
    const lines = fs.readFileSync(path.join(suitesDir, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const rule of FORBIDDEN) if (rule.pattern.test(line)) offences.push(`suites/${file}:${i + 1}: ${rule.why}\n    ${line.trim()}`);
    });
  }
  expect(offences).toEqual([]);
});

test('suites import one module: the fixtures (and Node built-ins)', () => {
  const offences: string[] = [];
  for (const file of suites) {
    const text = fs.readFileSync(path.join(suitesDir, file), 'utf8');
    for (const m of text.matchAll(/^import[^;]*?from '([^']+)';/gms)) if (m[1] !== '../fixtures' && !m[1].startsWith('node:')) offences.push(`suites/${file}: imports ${m[1]}`);
  }
  expect(offences).toEqual([]);
});

test('the rules catch what they are written for', () => {
  const caught = (line: string): boolean => FORBIDDEN.some((r) => r.pattern.test(line));
  expect(caught('const n = (await envoy.stats(X)).get(X) ?? -1;')).toBe(true);
  expect(caught('expect(envoy.logForDiagnostics(mark).length).toBe(1);')).toBe(true);
  expect(caught('await new Promise((r) => setTimeout(r, 500));')).toBe(true);
  expect(caught('await waitForFilterLog(envoy, "config ok:", { since: mark });')).toBe(false);
});
