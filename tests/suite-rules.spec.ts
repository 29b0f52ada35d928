/**
 * Rules a suite cannot break without this failing: asynchronous evidence is only waited for, never
 * read once; a missing stat is never read as a default; no fixed sleeps; no `.only`; no sample
 * taken before the state it is about is in effect; no Envoy-wide state read on the shared Envoy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { FILTER_ROOT_ID } from '../proxy/plugin-config';

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

/** A change of state a case makes: a new answer at the header service, a new configuration or Envoy. */
const STATE_CHANGE = /\b(setHeaders|setBehaviour|startEnvoy|configureFilter|configureListeners|updateListener|updateExtensionConfigs)\(/;
/** A wait for a state: after one, samples see it (or the wait failed). */
const WAIT = /expect\s*\.poll|^\s*\.poll\(|\.toPass\(|\b(untilInjected|waitForFilterLog|waitForLog|calloutsInWindow|logMark|logBarrier|expectHealthy)\(/;
/** A request whose answer is a sample of the state. */
const SAMPLE = /\b(echoAt|echoThrough|statusThrough|statusAt|echoWithHeaderLines|exchange|exchangeOutcome)\(/;
/** A closure that is only defined here (called later, typically inside a wait), not a sample taken now. */
const DEFINITION = /^\s*const \w+ = async \(/;
/** An author's word that the state sampled is already in effect (a start-up state, one a wait above set up): `// in effect: <why>`. */
const IN_EFFECT = /\/\/ in effect: \S/;

/**
 * Lines that take a sample after a change of state with no wait between: the answer may still be
 * the old state's (the workers case once counted requests sent before the first fetch had landed).
 */
function samplesBeforeState(text: string): number[] {
  const lines = text.split('\n');
  const offences: number[] = [];
  let changedAt: number | undefined;
  let inDefinition = false;
  lines.forEach((line, i) => {
    if (inDefinition) {
      inDefinition = !/^\s*\};?$/.test(line);
      return;
    }
    if (DEFINITION.test(line) && /\{$/.test(line.trim())) {
      inDefinition = true;
      return;
    }
    if (/^\s*(test|test\.describe)\(|^\s*for \(.*\) \{$|^\s*for \(const .* of .*\) \{$/.test(line) && /\btest\(/.test(line)) changedAt = undefined;
    if (WAIT.test(line)) changedAt = undefined;
    if (changedAt !== undefined && SAMPLE.test(line) && !STATE_CHANGE.test(line) && !DEFINITION.test(line) && !IN_EFFECT.test(lines[i - 1] ?? '') && !IN_EFFECT.test(line)) offences.push(i + 1);
    if (STATE_CHANGE.test(line) && !WAIT.test(line)) changedAt = i;
  });
  return offences;
}

test('no sample is taken before the state it is about is in effect (a wait, or `// in effect: <why>`)', () => {
  const offences: string[] = [];
  for (const file of suites) {
    const text = fs.readFileSync(path.join(suitesDir, file), 'utf8');
    for (const n of samplesBeforeState(text)) offences.push(`suites/${file}:${n}: a request right after a change of state, with no wait for the state: ${text.split('\n')[n - 1].trim()}`);
  }
  expect(offences).toEqual([]);
});

test('the sample rule catches what it is written for', () => {
  // The workers case as it was: requests counted right after the Envoy started, before the first fetch.
  const before = [
    "test('x', async ({ startEnvoy }) => {",
    '  const envoy = await startEnvoy({ concurrency });',
    '  do {',
    "    const echo = await echoAt(envoy.url('/w'));",
    '  } while (more());',
  ].join('\n');
  expect(samplesBeforeState(before)).toEqual([4]);
  // The same after a wait for the set.
  const after = before.replace('  do {', "  await expect.poll(async () => valuesOf(await echoAt(envoy.url('/first')), 'x')).toEqual([token]);\n  do {");
  expect(samplesBeforeState(after)).toEqual([]);
  // A sample with the author's reason why the state is already in effect.
  expect(samplesBeforeState(before.replace('    const echo', '    // in effect: the listener refuses every request from its start\n    const echo'))).toEqual([]);
});

/**
 * State of the whole Envoy process, which every case on a shared Envoy moves: VM gauges, the
 * listener manager's (drains, updates), counters of every plugin of a name (`wasm.<plugin>.*`).
 */
const ENVOY_WIDE = new RegExp(`'(wasm\\.envoy\\.wasm\\.runtime\\.|listener_manager\\.|wasm\\.${FILTER_ROOT_ID}\\.)`);
/** Where such state is the case's alone: an Envoy of its own for the file (or a describe in it), or one it starts. */
const OWN_ENVOY = /test\.use\(\{ ownEnvoy: /;

/** Cases of `text` that read Envoy-wide state from the shared Envoy (the `envoy` fixture, no own Envoy in scope): their titles' lines. */
function sharedEnvoyWideReads(text: string): number[] {
  if (!ENVOY_WIDE.test(text)) return [];
  const lines = text.split('\n');
  // A describe (or the file) with test.use({ ownEnvoy }) covers the tests after it, up to the describe's end at column 0.
  const offences: number[] = [];
  let covered = false;
  let fileCovered = false;
  lines.forEach((line, i) => {
    if (OWN_ENVOY.test(line)) (/^\S/.test(line) ? (fileCovered = true) : (covered = true));
    if (/^\}\);/.test(line)) covered = false;
    if (!/^\s*test\(/.test(line) || fileCovered || covered) return;
    // The case's body up to the next test: does it read the shared `envoy` fixture's Envoy-wide stats?
    const end = lines.findIndex((l, j) => j > i && /^\s*(test|test\.describe)\(/.test(l));
    const body = lines.slice(i, end < 0 ? undefined : end).join('\n');
    if (/\{[^}]*\benvoy\b[^}]*\}\)\s*=>/.test(body) && /envoy\.stats?\(/.test(body) && readsEnvoyWide(text, body)) offences.push(i + 1);
  });
  return offences;
}

/** Whether `body` reads an Envoy-wide stat: named in it, or through a constant of the file that names one. */
function readsEnvoyWide(text: string, body: string): boolean {
  if (ENVOY_WIDE.test(body)) return true;
  return [...text.matchAll(/^const (\w+) = .*$/gm)].some((m) => ENVOY_WIDE.test(m[0]) && new RegExp(`\\b${m[1]}\\b`).test(body));
}

test('a case reading Envoy-wide state (VM gauges, drains, every plugin\'s counters) runs on an Envoy of its own, not the shared one', () => {
  const offences: string[] = [];
  for (const file of suites) {
    const text = fs.readFileSync(path.join(suitesDir, file), 'utf8');
    for (const n of sharedEnvoyWideReads(text)) offences.push(`suites/${file}:${n}: reads Envoy-wide state on the shared Envoy: add test.use({ ownEnvoy: true }) for it: ${text.split('\n')[n - 1].trim()}`);
  }
  expect(offences).toEqual([]);
});

test('the isolation rule catches what it is written for', () => {
  const shared = [
    "const ACTIVE_VMS = 'wasm.envoy.wasm.runtime.v8.active';",
    "test('leaks no VM', async ({ envoy, configureFilter }) => {",
    '  const before = await envoy.stat(ACTIVE_VMS);',
    '});',
  ].join('\n');
  expect(sharedEnvoyWideReads(shared)).toEqual([2]);
  expect(sharedEnvoyWideReads(`test.use({ ownEnvoy: true });\n${shared}`)).toEqual([]);
  const described = shared.replace("test('leaks", "test.describe(() => {\n  test.use({ ownEnvoy: true });\n  test('leaks").concat('\n});');
  expect(sharedEnvoyWideReads(described)).toEqual([]);
  // A stat of the case's own listener (its own stat prefix) is the case's alone.
  expect(sharedEnvoyWideReads(shared.replace("'wasm.envoy.wasm.runtime.v8.active'", "'http.rebuilt.downstream_rq_total'"))).toEqual([]);
});
