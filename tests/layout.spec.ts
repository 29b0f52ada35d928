/**
 * The house's rooms and who may import whom, read from the tree: a module that reaches into a room
 * it should not (a script importing a Playwright fixture, the engine importing the proxy) fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const repoRoot = path.join(__dirname, '..');

/** Room -> the rooms its modules may import (besides itself, npm packages and node: built-ins). */
const MAY_IMPORT: Record<string, string[]> = {
  engine: ['envoy-versions'],
  peer: ['engine'],
  proxy: ['engine', 'peer', 'envoy-versions'],
  vocabulary: ['engine', 'proxy', 'peer', 'abi'],
  fixtures: ['engine', 'proxy', 'peer', 'vocabulary', 'envoy-versions', 'report', 'abi', 'implementations'],
  suites: ['fixtures'],
  report: [],
  abi: [],
  'envoy-versions': [],
  implementations: [],
  scripts: ['engine', 'proxy', 'peer', 'report', 'abi', 'envoy-versions', 'implementations'],
  // bench:suite times the runs scripts/ start and reads their matrix; bench:overhead loads an ABI probe.
  bench: ['engine', 'proxy', 'peer', 'envoy-versions', 'implementations', 'scripts', 'report', 'abi'],
};

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The room (top-level directory) a relative import of `file` lands in. */
function importedRooms(file: string): Array<{ room: string; spec: string }> {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => ({
    spec: m[1],
    room: path.relative(repoRoot, path.resolve(path.dirname(file), m[1])).split(path.sep)[0],
  }));
}

test('every room says in its README what lives there and who may import it', () => {
  const missing = ['engine', 'proxy', 'peer', 'fixtures', 'vocabulary', 'scripts', 'report', 'tests', 'filter', 'implementations'].filter((r) => !fs.existsSync(path.join(repoRoot, r, 'README.md')));
  expect(missing).toEqual([]);
});

test('rooms import only the rooms they may', () => {
  const offences: string[] = [];
  for (const [room, allowed] of Object.entries(MAY_IMPORT)) {
    for (const file of tsFiles(path.join(repoRoot, room))) {
      for (const { room: target, spec } of importedRooms(file)) {
        if (target !== room && !allowed.includes(target)) offences.push(`${path.relative(repoRoot, file)} imports ${spec} (room ${target})`);
      }
    }
  }
  expect(offences).toEqual([]);
});

test('the rule sees a forbidden import', () => {
  const probe = path.join(repoRoot, 'engine', 'paths.ts');
  expect(importedRooms(probe).every((i) => i.room === 'engine')).toBe(true);
  const fake = path.join(repoRoot, 'scripts', 'setup.ts');
  expect(importedRooms(fake).map((i) => i.room)).toContain('engine');
});
