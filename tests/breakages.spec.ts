/**
 * The breakage catalogue without Docker: every entry's probe builds (a missing Go toolchain is a
 * skip with the way to get one, never a pass), its imports and exports are what the entry says,
 * and every entry names its upstream references and has an outcome for every matrix entry.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWasmModule } from '../abi/wasm-module';
import { BREAKAGES, breakageModules, breakageOutcome, buildBreakageProbes, GO_MISSING, type BuiltBreakageProbe } from '../breakages';
import { loadEntries } from '../envoy-versions';

let dir: string;
let built: BuiltBreakageProbe[];
test.beforeAll(async () => {
  // A cold Go build takes seconds to a minute on a busy 2-core machine; later ones hit the cache.
  test.setTimeout(300_000);
  dir = mkdtempSync(join(tmpdir(), 'ewc-breakages-'));
  built = await buildBreakageProbes(dir);
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the catalogue holds the measured entries of issue 30 (more may be added)', () => {
  const traps = ['vm-start', 'configure', 'tick', 'http-call-response', 'request-headers'].flatMap((cb) => [`trap-in-${cb}-fail-closed`, `trap-in-${cb}-fail-open`]);
  expect(BREAKAGES.map((e) => e.id)).toEqual(expect.arrayContaining(['abi-marker', 'go-poll-oneoff', 'vendor-host-call', 'wasm-call-ctors', 'wasi-surface', 'wasi-go-os', 'http-call-map-types', ...traps]));
});

test('a trap in each callback: both failure policies, one probe per callback', () => {
  for (const cb of ['vm-start', 'configure', 'tick', 'http-call-response', 'request-headers']) {
    const pair = BREAKAGES.filter((e) => e.id.startsWith(`trap-in-${cb}-fail-`));
    expect(pair.map((e) => e.failurePolicy).sort(), cb).toEqual(['FAIL_CLOSED', 'FAIL_OPEN']);
    expect(pair.map((e) => e.probe), cb).toEqual([{ kind: 'wat', name: `trap-in-${cb}` }, { kind: 'wat', name: `trap-in-${cb}` }]);
  }
});

test('the WASI surface imports every WASI function the Go probe imports (the toolchains\' union)', () => {
  const surface = BREAKAGES.find((e) => e.id === 'wasi-surface')!;
  const goWasi = BREAKAGES.find((e) => e.id === 'go-poll-oneoff')!.imports.filter((i) => i.startsWith('wasi_'));
  expect(surface.imports).toEqual(expect.arrayContaining(goWasi));
});

test('an entry configured with the header-service cluster makes HTTP calls, and bounds its requests', () => {
  const calling = BREAKAGES.filter((e) => e.pluginConfiguration === 'header-service-cluster');
  expect(calling.map((e) => e.id).sort()).toEqual(['http-call-map-types', 'trap-in-http-call-response-fail-closed', 'trap-in-http-call-response-fail-open']);
  for (const e of calling) {
    expect(e.imports, e.id).toContain('env.proxy_http_call');
    expect(e.trigger.kind === 'requests' && e.trigger.timeoutMs, `${e.id}: a paused request must not hold the case`).toBeGreaterThan(0);
  }
});

for (const entry of BREAKAGES) {
  test(`${entry.id}: the probe builds, and imports and exports what the entry says`, () => {
    const modules = breakageModules(entry, dir);
    for (const mod of modules) {
      const result = built.find((b) => b.entry === entry.id && b.name === mod.name);
      expect(result, `${entry.id}/${mod.name} in the build's results`).toBeDefined();
      test.skip(result!.skip !== undefined, result!.skip);
      expect(result!.path).toBe(mod.path);
      const info = readWasmModule(readFileSync(mod.path));
      const imports = [...new Set(info.imports.map((i) => `${i.module}.${i.name}`))].sort();
      expect(imports, mod.name).toEqual([...entry.imports].sort());
      const exports = info.exports.map((e) => e.name);
      for (const name of entry.exports) expect(exports, `${mod.name} exports ${name}`).toContain(name);
      for (const name of entry.lacksExports ?? []) expect(exports, `${mod.name} must not export ${name}`).not.toContain(name);
    }
  });
}

test('abi-marker refers to abi/probes.ts modules: one without a marker, one with an unknown marker', () => {
  const markers = (name: string): string[] =>
    readWasmModule(readFileSync(join(dir, 'abi-probes', `${name}.wasm`))).exports.map((e) => e.name).filter((n) => n.startsWith('proxy_abi_version_'));
  expect(markers('no-marker')).toEqual([]);
  expect(markers('unknown-marker')).toEqual(['proxy_abi_version_0_9_9']);
});

test('a second build rebuilds nothing (cached by source hash)', async () => {
  const again = await buildBreakageProbes(dir);
  expect(again.filter((b) => b.built).map((b) => b.name)).toEqual([]);
  expect(again.map((b) => b.path)).toEqual(built.map((b) => b.path));
});

test('without a Go toolchain the Go probe is a skip naming how to get one, never a module', async () => {
  const goEntries = BREAKAGES.filter((e) => e.probe.kind === 'go');
  expect(goEntries.length).toBeGreaterThan(0);
  const results = await buildBreakageProbes(join(dir, 'no-go'), goEntries, { goCandidates: ['/nonexistent/bin/go'] });
  expect(results.map((r) => ({ path: r.path, skip: r.skip }))).toEqual(goEntries.map(() => ({ path: undefined, skip: GO_MISSING })));
  expect(GO_MISSING).toContain('install Go');
  // The suite learns why from the build directory and skips with that reason.
  for (const entry of goEntries) expect(breakageModules(entry, join(dir, 'no-go')).map((m) => m.skip)).toEqual([GO_MISSING]);
});

test('every entry names upstream references and has an outcome for every envoy-versions entry', () => {
  const versions = [...new Set(loadEntries().map((e) => e.envoyVersion))];
  for (const entry of BREAKAGES) {
    expect(entry.upstream.length, entry.id).toBeGreaterThan(0);
    for (const ref of entry.upstream) expect(ref, entry.id).toMatch(/^[\w.-]+\/[\w.-]+#\d+$/);
    expect(entry.symptom.length, entry.id).toBeGreaterThan(20);
    for (const version of versions) {
      const outcome = breakageOutcome(entry, version);
      if (outcome.outcome === 'cannot run here') {
        expect(outcome.reason.length, `${entry.id} on ${version}`).toBeGreaterThan(10);
        continue;
      }
      const seen = outcome.observed;
      expect(seen.logLines.length, `${entry.id} on ${version}: lines to look for`).toBeGreaterThan(0);
      if (entry.trigger.kind === 'requests') {
        expect(seen.envoy, `${entry.id} on ${version}`).toBe('serves');
        const answered = Object.values(seen.statuses ?? {}).reduce((a: number, b) => a + (b ?? 0), 0);
        expect(answered, `${entry.id} on ${version}: statuses of every request`).toBe(entry.trigger.count);
      }
    }
  }
  // Measured for every entry's version, not derived.
  for (const entry of BREAKAGES) expect(Object.keys(entry.outcomes), entry.id).toEqual(expect.arrayContaining(versions));
  // A release no entry names (a candidate column): as measured on the nearest release of its minor, said so.
  const go = BREAKAGES.find((e) => e.id === 'go-poll-oneoff')!;
  expect(breakageOutcome(go, '1.39.1')).toMatchObject({ outcome: 'not affected', asMeasuredOn: '1.39.3' });
  expect(breakageOutcome(go, '1.36.3')).toMatchObject({ outcome: 'reproduced', asMeasuredOn: '1.36.4' });
  // No release of its minor measured: cannot run here, naming where to add it.
  expect(breakageOutcome(BREAKAGES[0], '9.9.9')).toMatchObject({ outcome: 'cannot run here', reason: expect.stringContaining(`not measured for Envoy 9.9.9`) });
});

test('1.38.3 (a wheel without V8) is never counted as reproduced or not affected', () => {
  for (const entry of BREAKAGES) {
    const outcome = breakageOutcome(entry, '1.38.3');
    expect(outcome.outcome, entry.id).toBe('cannot run here');
  }
});
