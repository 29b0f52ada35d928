/**
 * The house's rooms and who may import whom, read from the tree: a module that reaches into a room
 * it should not (a script importing a Playwright fixture, the engine importing the proxy) fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const repoRoot = path.join(__dirname, '..');

/** The settings module (every EWC_* variable, typed): a leaf every room may import. */
const SETTINGS = path.join(repoRoot, 'runner', 'settings.ts');

/** Room -> the rooms its modules may import (besides itself, npm packages, node: built-ins and runner/settings.ts). */
const MAY_IMPORT: Record<string, string[]> = {
  engine: ['envoy-versions'],
  peer: ['engine'],
  proxy: ['engine', 'peer', 'envoy-versions'],
  vocabulary: ['engine', 'proxy', 'peer', 'abi', 'breakages'],
  fixtures: ['engine', 'proxy', 'peer', 'vocabulary', 'envoy-versions', 'report', 'abi', 'implementations'],
  suites: ['fixtures'],
  // The kill matrix judges the catalogue's entries (implementations/variants-catalogue.ts).
  report: ['implementations'],
  abi: [],
  // The catalogue of upstream breakages: probes refer to abi/'s modules.
  breakages: ['abi'],
  'envoy-versions': [],
  implementations: [],
  // What commands share: runs, setup, the filter build, the command line.
  runner: ['engine', 'proxy', 'peer', 'report', 'abi', 'envoy-versions', 'implementations', 'breakages'],
  // The differential fuzzer: the oracle, the generator, the Node proxy-wasm host (loads the builds).
  fuzz: ['abi', 'implementations'],
  scripts: ['runner', 'engine', 'proxy', 'peer', 'report', 'abi', 'envoy-versions', 'implementations', 'fuzz', 'breakages'],
  // bench:suite times the runs runner/ starts and reads their matrix; bench:overhead loads an ABI probe.
  bench: ['runner', 'engine', 'proxy', 'peer', 'envoy-versions', 'implementations', 'report', 'abi'],
  tests: ['runner', 'engine', 'proxy', 'peer', 'report', 'abi', 'envoy-versions', 'implementations', 'fixtures', 'vocabulary', 'fuzz', 'breakages'],
};

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The room (top-level directory) a relative import of `file` lands in; `settings` when it is runner/settings.ts. */
function importedRooms(file: string): Array<{ room: string; spec: string; settings: boolean }> {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => {
    const target = path.resolve(path.dirname(file), m[1]);
    return { spec: m[1], room: path.relative(repoRoot, target).split(path.sep)[0], settings: `${target}.ts` === SETTINGS || target === SETTINGS };
  });
}

test('every room says in its README what lives there and who may import it', () => {
  const missing = ['engine', 'proxy', 'peer', 'fixtures', 'vocabulary', 'runner', 'scripts', 'report', 'tests', 'filter', 'implementations', 'fuzz', 'breakages'].filter((r) => !fs.existsSync(path.join(repoRoot, r, 'README.md')));
  expect(missing).toEqual([]);
});

test('rooms import only the rooms they may', () => {
  const offences: string[] = [];
  for (const [room, allowed] of Object.entries(MAY_IMPORT)) {
    for (const file of tsFiles(path.join(repoRoot, room))) {
      for (const { room: target, spec, settings } of importedRooms(file)) {
        if (target !== room && !settings && !allowed.includes(target)) offences.push(`${path.relative(repoRoot, file)} imports ${spec} (room ${target})`);
      }
    }
  }
  expect(offences).toEqual([]);
});

test('runner/settings.ts is a leaf: it imports nothing of the project', () => {
  expect(importedRooms(SETTINGS)).toEqual([]);
});

test('only runner/settings.ts reads EWC_* variables from the environment (tests aside)', () => {
  const readers = ['engine', 'proxy', 'peer', 'fixtures', 'vocabulary', 'suites', 'report', 'abi', 'envoy-versions', 'implementations', 'runner', 'scripts', 'bench', 'fuzz', 'breakages']
    .flatMap((room) => tsFiles(path.join(repoRoot, room)))
    .concat(path.join(repoRoot, 'playwright.config.ts'))
    .filter((f) => f !== SETTINGS && !f.endsWith('.spec.ts'))
    .filter((f) => /process\.env(\.|\[['"])EWC_/.test(fs.readFileSync(f, 'utf8')))
    .map((f) => path.relative(repoRoot, f));
  expect(readers).toEqual([]);
});

test('the rule sees a forbidden import', () => {
  const probe = path.join(repoRoot, 'engine', 'paths.ts');
  // engine/paths.ts reads the settings, the one module of runner/ the engine may import.
  expect(importedRooms(probe).filter((i) => i.room !== 'engine')).toEqual([{ room: 'runner', spec: '../runner/settings', settings: true }]);
  const fake = path.join(repoRoot, 'scripts', 'setup.ts');
  expect(importedRooms(fake).filter((i) => i.room === 'runner' && !i.settings).length).toBeGreaterThan(0);
  expect(MAY_IMPORT.engine).not.toContain('runner');
});
