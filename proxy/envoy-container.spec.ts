/**
 * EnvoyContainer on its own, in the testcontainers module shape: the constructor stores (nothing
 * on disk or in Docker), start() brings up a ready Envoy, the helpers answer, stop() leaves nothing.
 * Runs in the selftest project, on the newest Envoy of the matrix.
 */
import fs from 'node:fs';
import os from 'node:os';
import { expect, test } from '@playwright/test';
import { request } from 'undici';
import { loadEntries } from '../envoy-versions';
import { resolveProxy } from '../engine/images';
import { startRunNetwork } from '../engine/network';
import { containerState } from '../engine/docker-logs';
import { ensureRunId } from '../engine/ownership';
import { filterWasmPath } from '../engine/paths';
import '../engine/testcontainers-env';
import { buildBootstrap, renderYaml } from './bootstrap';
import { EnvoyContainer, EnvoyStartError } from './envoy-container';
import { defaultListener, HEADER_SERVICE_ALIAS, UPSTREAM_ALIAS } from './launch';

const VERSION = 'envoy-1.40.0';
const scratchDirs = (): string[] => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`ewc-run-${ensureRunId()}-`));

test.describe.configure({ timeout: 120_000 });

test('constructor stores, start() works, the helpers answer, stop() leaves nothing', async () => {
  const entry = loadEntries().find((e) => e.id === VERSION)!;
  const proxy = await resolveProxy(entry, () => undefined);
  if (!proxy.available) throw new Error(`${VERSION} is not runnable here: ${proxy.reason}`);
  const network = await startRunNetwork();
  try {
    const before = scratchDirs();
    const container = new EnvoyContainer(proxy.image, entry)
      .withNetwork(network)
      .withBootstrap(renderYaml(buildBootstrap({ headerService: { host: HEADER_SERVICE_ALIAS, port: 8080 }, upstream: { host: UPSTREAM_ALIAS, port: 8080 } })))
      .withListener(defaultListener())
      .withFilter(filterWasmPath);
    expect(scratchDirs()).toEqual(before); // nothing made before start()

    const envoy = await container.start();
    expect(scratchDirs().length).toBe(before.length + 1); // the watched LDS dir
    const ready = await request(envoy.adminUrl('/ready'));
    expect([ready.statusCode, (await ready.body.text()).trim()]).toEqual([200, 'LIVE']);
    expect(await envoy.stat('server.state')).toBe(0); // 0 = LIVE
    await expect(envoy.stat('server.no_such_stat')).rejects.toThrow(`${VERSION} has no stat "server.no_such_stat" in /stats`);
    const barrier = await envoy.logBarrier();
    expect(barrier.text).toContain("change log level: name='wasm' level='debug'");
    expect((await envoy.logBarrier()).at).toBeGreaterThan(barrier.at);
    await envoy.waitForLog('header-augmenter: config ok:', { since: 0 });
    // No peers on this network: the upstream cluster has no host, and Envoy says so.
    const res = await request(envoy.url('/anything'));
    expect(res.statusCode).toBe(503);
    await res.body.dump();
    await expect(envoy.updateListener(defaultListener(), { mustChange: true })).rejects.toThrow('the new listeners equal the running ones');
    expect(await envoy.exited()).toBeUndefined();

    await envoy.stop({ timeout: 0 });
    await expect(containerState(envoy.getId())).rejects.toMatchObject({ statusCode: 404 });
    expect(scratchDirs()).toEqual(before);
  } finally {
    await network.stop();
  }
});

test('start() of an Envoy that refuses its bootstrap: EnvoyStartError with the exit code and log; nothing left', async () => {
  const entry = loadEntries().find((e) => e.id === VERSION)!;
  const proxy = await resolveProxy(entry, () => undefined);
  if (!proxy.available) throw new Error(`${VERSION} is not runnable here: ${proxy.reason}`);
  const before = scratchDirs();
  const error = await new EnvoyContainer(proxy.image, entry)
    .withBootstrap('static_resources: { clusters: [ { name: x, type: NOT_A_TYPE } ] }\n')
    .start()
    .then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(EnvoyStartError);
  expect((error as EnvoyStartError).exitCode).toBe(1);
  expect((error as EnvoyStartError).message).toContain(`Envoy ${VERSION} exited with code 1 before it was ready`);
  expect((error as EnvoyStartError).log.join('\n')).toContain('NOT_A_TYPE');
  expect(scratchDirs()).toEqual(before);
});
