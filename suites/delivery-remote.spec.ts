/**
 * Remote code, as Envoy Gateway and Istio's WasmPlugin hand it to Envoy: `vm_config.code.remote`
 * fetched over HTTP from a code server (the header-service peer's code port: another container,
 * never a listener of the same Envoy) and checked against its sha256. The code server's fetch log is
 * the evidence of what Envoy fetched, when, and how often.
 *
 * What it pins, on every version: `vm_config.code.remote` from the code server (the header-service
 * peer's port 8082: another container): fetched once and sha256-checked; the server's bytes change
 * under the same sha256: nothing fetched again (`remote_load_cache_hits` 1), nothing changes; a
 * wrong sha256: fetched 1 + `num_retries` times, refused, and the listener that names it fails
 * closed (503, nothing reaches the upstream); a server slower than the fetch timeout: asked 1 +
 * `num_retries` times (0 and 2), then 503; a refused connection: two attempts in Envoy's `config`
 * log, `Retry limit exceeded…`, 503, and no new fetch once the server is back until a changed
 * listener names the module.
 */
import fs from 'node:fs';
import { CODE_PORT, distinctModule, echoAt, expect, moduleSha256, publishBytes, statusAt, test, timing, unique, uniqueServicePath, valuesOf, type CodeFetch, type StartedEnvoyContainer } from '../fixtures';

const tokenAt = async (envoy: StartedEnvoyContainer, path: string): Promise<string[]> => valuesOf(await echoAt(envoy.url(path)), 'x-idp-token');
const modulePath = (sha256: string): string => `/modules/${sha256}.wasm`;
const WRONG_SHA256 = '0'.repeat(64);
/** Envoy's warning when a remote fetch gave up (1.36 to 1.40 alike). */
const RETRIES_EXHAUSTED = 'Retry limit exceeded for fetching data from remote data source.';

test('remote: the module is fetched once from the code server, its sha256 checked, and the filter injects', async ({ startEnvoy, headerService, codeServer, pluginConfig, filterWasm }) => {
  const token = unique('tok');
  await headerService.setHeaders({ 'x-idp-token': token });
  const envoy = await startEnvoy({ delivery: 'remote', pluginConfig: pluginConfig({ header_providing_service_path: uniqueServicePath() }) });
  await expect.poll(() => tokenAt(envoy, '/remote'), { timeout: timing.pollDeadlineMs }).toEqual([token]);
  const sha256 = moduleSha256(filterWasm);
  const fetches = await codeServer.client.codeFetches();
  expect(fetches.map((f: CodeFetch) => [f.path, f.status, f.sha256])).toEqual([[modulePath(sha256), 200, sha256]]);
});

test('remote: the module changes at the code server but the sha256 does not: nothing is fetched again, nothing changes', async ({ startEnvoy, headerService, codeServer, pluginConfig, filterWasm, filterBuild }) => {
  const token = unique('tok');
  await headerService.setHeaders({ 'x-idp-token': token });
  const config = pluginConfig({ header_providing_service_path: uniqueServicePath() });
  const envoy = await startEnvoy({ delivery: 'remote', pluginConfig: config });
  await expect.poll(() => tokenAt(envoy, '/before'), { timeout: timing.pollDeadlineMs }).toEqual([token]);
  const sha256 = moduleSha256(filterWasm);
  // The same name now serves a build that never injects.
  const swapped = await codeServer.client.storeModule(`${sha256}.wasm`, fs.readFileSync(filterBuild('no-inject')));
  expect(swapped.sha256).not.toBe(sha256);

  // A listener rebuild naming the same module (another stat prefix): Envoy takes it from its cache by sha256.
  // (The remote_load counters belong to the plugin's scope: the rebuilt listener's start at zero.)
  expect(await envoy.updateListener({ pluginConfig: config, statPrefix: 'rebuilt' }, { mustChange: true })).toBe('accepted');
  await expect.poll(() => envoy.stat('wasm.remote_load_cache_hits'), { timeout: timing.pollDeadlineMs }).toBe(1);
  expect(await tokenAt(envoy, '/after')).toEqual([token]);
  expect((await codeServer.client.codeFetches()).map((f: CodeFetch) => f.path)).toEqual([modulePath(sha256)]);
});

test('remote: a wrong sha256 is fetched, refused, and the listener that names it fails closed (503); nothing reaches the upstream', async ({ startEnvoy, headerService, codeServer, upstream, pluginConfig, filterWasm }) => {
  await headerService.setHeaders({ 'x-idp-token': unique('tok') });
  const sha256 = moduleSha256(filterWasm);
  const envoy = await startEnvoy({ delivery: 'remote', pluginConfig: pluginConfig({ header_providing_service_path: uniqueServicePath() }) });
  await codeServer.client.reset();
  await upstream.reset();
  const uri = `http://${codeServer.host}:${CODE_PORT}${modulePath(sha256)}`;
  expect(await envoy.updateListener({ pluginConfig: pluginConfig(), remoteCode: { uri, sha256: WRONG_SHA256, numRetries: 1 } }, { drained: true })).toBe('accepted');
  // in effect: updateListener waited until the listener was accepted and the replaced one drained.
  for (let i = 0; i < 3; i++) expect(await statusAt(envoy.url(`/wrong/${i}`))).toBe(503);
  // One fetch and one retry, each served whole: the bytes were refused for their digest, not lost.
  expect((await codeServer.client.codeFetches()).map((f: CodeFetch) => [f.path, f.status, f.sha256])).toEqual([
    [modulePath(sha256), 200, sha256],
    [modulePath(sha256), 200, sha256],
  ]);
  expect(await upstream.calls()).toEqual([]);
});

test('remote: a code server slower than the fetch timeout is asked 1 + num_retries times, then the listener fails closed (503)', async ({ startEnvoy, headerService, codeServer, upstream, pluginConfig, filterWasm }) => {
  await headerService.setHeaders({ 'x-idp-token': unique('tok') });
  const envoy = await startEnvoy({ delivery: 'remote', pluginConfig: pluginConfig({ header_providing_service_path: uniqueServicePath() }) });
  for (const numRetries of [0, 2]) {
    // A module Envoy has never fetched (it caches fetches, failed ones too, by sha256).
    const remoteCode = await publishBytes(codeServer, distinctModule(filterWasm, `slow-${numRetries}-${unique('m')}`), { numRetries, timeoutMs: timing.calloutTimeoutMs });
    await codeServer.client.reset();
    await upstream.reset();
    await codeServer.client.setCodeBehaviour({ status: 200, delayMs: 3 * timing.calloutTimeoutMs });
    expect(await envoy.updateListener({ pluginConfig: pluginConfig(), statPrefix: `slow${numRetries}`, remoteCode }, { drained: true })).toBe('accepted');
    // in effect: updateListener waited until the listener was accepted and the replaced one drained.
    for (let i = 0; i < 3; i++) expect(await statusAt(envoy.url(`/slow/${numRetries}/${i}`))).toBe(503);
    // Every attempt reached the server and was given up on before its answer (status 0: the client left).
    const path = new URL(remoteCode.uri).pathname;
    await expect.poll(async () => (await codeServer.client.codeFetches()).map((f: CodeFetch) => [f.path, f.status]), { timeout: timing.pollDeadlineMs }).toEqual(
      Array.from({ length: 1 + numRetries }, () => [path, 0]),
    );
    expect(await upstream.calls()).toEqual([]);
  }
});

test('remote: an unreachable code server fails the fetch (retried), the listener fails closed (503); Envoy fetches again only for a changed listener', async ({ startEnvoy, headerService, codeServer, pluginConfig, filterWasm }) => {
  const config = pluginConfig({ header_providing_service_path: uniqueServicePath() });
  const envoy = await startEnvoy({ delivery: 'remote', pluginConfig: config });
  // From here on the fetch log holds only this case's module (the start fetched the worker's).
  await codeServer.client.reset();
  const token = unique('tok');
  await headerService.setHeaders({ 'x-idp-token': token });
  const remoteCode = await publishBytes(codeServer, distinctModule(filterWasm, unique('unreachable')), { numRetries: 1, timeoutMs: timing.calloutTimeoutMs });
  await codeServer.client.stopCodeServer();
  // Each attempt is a debug line of Envoy's `config` logger; the last one is followed by the give-up warning.
  await envoy.setLogLevel('config', 'debug');
  const mark = await envoy.logMark();
  expect(await envoy.updateListener({ pluginConfig: config, statPrefix: 'unreachable', remoteCode }, { drained: true })).toBe('accepted');
  const [gaveUp] = await envoy.waitForLog(RETRIES_EXHAUSTED, { since: mark });
  expect(envoy.logBetween(mark, gaveUp).filter((l) => l.includes(`fetch remote data from [uri = ${remoteCode.uri}]: start`))).toHaveLength(2);
  await envoy.waitForLog('Plugin header-augmenter failed to load', { since: gaveUp.at });
  for (let i = 0; i < 3; i++) expect(await statusAt(envoy.url(`/unreachable/${i}`))).toBe(503);
  expect(await codeServer.client.codeFetches()).toEqual([]);

  // Back, but the failed listener stays failed: nothing fetches by itself.
  await codeServer.client.startCodeServer();
  for (let i = 0; i < 3; i++) expect(await statusAt(envoy.url(`/back/${i}`))).toBe(503);
  expect(await codeServer.client.codeFetches()).toEqual([]);
  // A changed listener naming the same module fetches it, once, and serves.
  expect(await envoy.updateListener({ pluginConfig: config, statPrefix: 'refetched', remoteCode }, { drained: true })).toBe('accepted');
  await expect.poll(() => tokenAt(envoy, '/refetched'), { timeout: timing.pollDeadlineMs }).toEqual([token]);
  expect((await codeServer.client.codeFetches()).map((f: CodeFetch) => [f.path, f.status])).toEqual([[new URL(remoteCode.uri).pathname, 200]]);
});
