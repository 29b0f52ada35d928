/**
 * The committed corpus (fuzz/corpus.json, issue 23), without Docker: it is what fuzz/make-corpus.ts
 * makes today; every entry's expected verdict is the oracle's; every class has one entry on every
 * column; the contract-corpus suite's groups cover every entry real Envoy can show; and both filter
 * builds, in the Node proxy-wasm host, give the oracle's verdict on every entry.
 */
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { CLASSES } from '../fuzz/answers';
import { ensureBuilds, loadBuilds, runCase, describe as describeCase } from '../fuzz/differential';
import { type Corpus, CORPUS_FILE, corpusText, EVERY_COLUMN_EDGES, expectedOf, makeCorpus } from '../fuzz/make-corpus';
import { readVariantsCatalogue } from '../implementations/variants-catalogue';
import { CORPUS_GROUPS, corpusSteps } from '../vocabulary/corpus';

const committed = (): Corpus => JSON.parse(fs.readFileSync(CORPUS_FILE, 'utf8')) as Corpus;
const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

test('fuzz/corpus.json is what fuzz/make-corpus.ts makes today (npx tsx fuzz/make-corpus.ts)', () => {
  expect(fs.readFileSync(CORPUS_FILE, 'utf8') === corpusText(makeCorpus()), 'fuzz/corpus.json is stale: run npx tsx fuzz/make-corpus.ts').toBe(true);
});

test("every entry's expected verdict is the oracle's; the open ones are listed with their questions", () => {
  const corpus = committed();
  expect(corpus.entries.length).toBeGreaterThan(100);
  expect(corpus.entries.length).toBeLessThan(400);
  for (const e of corpus.entries) expect(e.expected, e.id).toEqual(expectedOf(e.status, bytes(e.bodyBase64)));
  const open = corpus.entries.filter((e) => e.expected.verdict === 'open');
  expect(Object.keys(corpus.open).sort()).toEqual(open.map((e) => e.id).sort());
  // The edges are there: a forbidden name in several letter cases, multi-byte sizes on both sides of the limit.
  const refused = (id: string): string | undefined => {
    const x = corpus.entries.find((e) => e.id === id)?.expected;
    return x?.verdict === 'exact' && 'refused' in x.is && 'exact' in x.is.refused ? x.is.refused.exact : undefined;
  };
  for (const id of ['name/edge-Host', 'name/edge-HOST', 'name/edge-hOsT', 'name/edge-escaped-Host']) expect(refused(id), id).toBe('callout failed: invalid body: forbidden header "host"');
  for (const id of ['name/edge-Content-Length', 'name/edge-CONTENT-LENGTH', 'name/edge-content-LENGTH']) expect(refused(id), id).toBe('callout failed: invalid body: forbidden header "content-length"');
  for (const u of ['2', '3', '4']) {
    expect(refused(`size/edge-headers-8193-${u}byte`)).toBe('callout failed: invalid body: headers too large: over 8192 bytes at "x-e"');
    expect(corpus.entries.find((e) => e.id === `size/edge-headers-8192-${u}byte`)?.expected).toMatchObject({ verdict: 'exact', is: { injected: [['x-e', expect.any(String)]] } });
  }
});

test('every class has exactly one entry on every column, one real Envoy can show; the groups cover every such entry once', () => {
  const corpus = committed();
  for (const cls of CLASSES) {
    const every = corpus.entries.filter((e) => e.class === cls && e.everyColumn);
    expect(every.map((e) => e.id), cls).toHaveLength(1);
    expect(every[0].notInEnvoy, every[0].id).toBeUndefined();
  }
  const inEnvoy = corpus.entries.filter((e) => !e.notInEnvoy).map((e) => e.id).sort();
  const full = CORPUS_GROUPS.flatMap((g) => corpusSteps(g.classes, 'full').map((s) => s.id)).sort();
  expect(full).toEqual(inEnvoy);
  const subset = CORPUS_GROUPS.flatMap((g) => corpusSteps(g.classes, 'subset').map((s) => s.id)).sort();
  expect(subset).toEqual(corpus.entries.filter((e) => e.everyColumn).map((e) => e.id).sort());
});

test('the answers the kill matrix names run on every column, in the case its killer names, with their exact lines', () => {
  const corpus = committed();
  const entry = (id: string) => corpus.entries.find((e) => e.id === id);
  for (const [cls, id] of Object.entries(EVERY_COLUMN_EDGES)) expect([entry(id)?.class, entry(id)?.everyColumn], id).toEqual([cls, true]);
  // A variant killed by a contract-corpus case names the corpus entry that kills it ("corpus entry <id>"); it must be served on every column by that case.
  const named: string[] = [];
  for (const v of readVariantsCatalogue())
    for (const k of v.killers.filter((x) => x.case.startsWith('contract-corpus › '))) {
      const group = CORPUS_GROUPS.find((g) => k.case === `contract-corpus › ${g.title}: each answer injected exactly as the contract says, or refused with its line and the last good set kept`);
      expect(group, `${v.name}: ${k.case}`).toBeDefined();
      const ids = [...k.why.matchAll(/corpus entry ([a-z0-9-]+\/[A-Za-z0-9-]+)/g)].map((m) => m[1]);
      expect(ids.length, `${v.name}: its why names the corpus entry that kills it`).toBeGreaterThan(0);
      for (const id of ids) {
        expect(entry(id)?.everyColumn, `${v.name}: ${id} on every column`).toBe(true);
        expect(group?.classes, `${v.name}: ${id} in the case's classes`).toContain(entry(id)?.class);
        named.push(id);
      }
    }
  expect(named.sort()).toEqual(Object.values(EVERY_COLUMN_EDGES).sort());
  const line = (id: string): unknown => entry(id)?.expected;
  const refusedWith = (why: string) => ({ verdict: 'exact', is: { refused: { exact: `callout failed: invalid body: ${why}` } } });
  expect(line('escape/edge-lone-high-then-end')).toEqual(refusedWith('not JSON (lone surrogate escape at offset 17)'));
  expect(line('value-type/edge-line-break-in-key')).toEqual(refusedWith('value of "x-key\\u000aforged" is not a string (number)'));
  expect(line('name/edge-kelvin-sign')).toEqual(refusedWith('invalid header name "\u212a-x"'));
});

test("both builds, in the Node proxy-wasm host, give the oracle's verdict on every corpus entry", async () => {
  test.setTimeout(600_000);
  // A fresh checkout: build what is missing (npm test's selftests run before the Rust stage builds it).
  ensureBuilds();
  const builds = await loadBuilds();
  expect(builds.map((b) => b.id).sort()).toEqual(['assemblyscript', 'rust']);
  const failures: string[] = [];
  for (const e of committed().entries) {
    for (const prior of [true, false]) {
      const r = await runCase({ cls: e.detail, status: e.status, body: Buffer.from(e.bodyBase64, 'base64').toString('latin1'), overwrite: true, onMissing: 'pass', prior, clientCopy: null }, builds);
      if (r.disagreements.length) failures.push(`${e.id}\n${describeCase(r)}`);
    }
  }
  expect(failures).toEqual([]);
});
