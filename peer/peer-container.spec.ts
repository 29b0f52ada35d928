/**
 * PeerContainer on its own: start() brings up a ready peer, its control client scripts the header
 * service and reads the call log, stop() leaves nothing. Runs in the selftest project.
 */
import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { request } from 'undici';
import { containerState } from '../engine/docker-logs';
import { startRunNetwork } from '../engine/network';
import '../engine/testcontainers-env';
import { ensurePeerImage } from './image';
import { PeerContainer } from './peer-container';
import { ECHO_RAW_HEADER } from './protocol';

test('constructor stores, start() works, the control client scripts answers and logs calls, stop() leaves nothing', async () => {
  const network = await startRunNetwork();
  try {
    const peer = await new PeerContainer(await ensurePeerImage(), 'header-service').onNetwork(network, 'headers').start();
    const service = peer.headerService();
    await service.reset();
    await service.setHeaders({ 'x-idp-token': 'peer-selftest' });
    const res = await request(`${peer.serviceUrl()}/v1/headers`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ 'x-idp-token': 'peer-selftest' });
    const calls = await service.calls();
    expect(calls.map((c) => c.path)).toEqual(['/v1/headers']);
    expect(() => peer.client() && peer.headerService()).not.toThrow();
    // A behaviour for one path leaves the others as they were.
    await service.setBehaviour({ status: 503, headers: {} }, '/v1/other');
    expect((await request(`${peer.serviceUrl()}/v1/other`)).statusCode).toBe(503);
    expect(await (await request(`${peer.serviceUrl()}/v1/headers`)).body.json()).toEqual({ 'x-idp-token': 'peer-selftest' });
    expect(calls[0]).toMatchObject({ method: 'GET', bodyBytes: 0, chunked: false, trailers: [] });

    // A stopped service refuses (behind Docker's port proxy: the connection is cut), a started one answers again.
    const stoppedAt = await service.stopService();
    expect(stoppedAt).toBeLessThanOrEqual(Date.now());
    await expect(request(`${peer.serviceUrl()}/v1/headers`, { reset: true })).rejects.toThrow();
    await service.startService();
    expect((await request(`${peer.serviceUrl()}/v1/headers`, { reset: true })).statusCode).toBe(200);
    await service.stopService();
    await service.reset(); // reset reopens it, so a case that failed mid-outage leaves a serving peer
    expect((await request(`${peer.serviceUrl()}/v1/headers`, { reset: true })).statusCode).toBe(200);

    // The wasm code server beside it: stored modules by name, a behaviour, a fetch log; modules survive a reset.
    const code = peer.codeServer();
    const module = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    const digestOf = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    expect(await code.storeModule('m.wasm', module)).toEqual({ name: 'm.wasm', size: 8, sha256: digestOf(module) });
    const fetched = await request(`${peer.codeUrl()}/modules/m.wasm`);
    expect([fetched.statusCode, Buffer.from(await fetched.body.arrayBuffer()).equals(module)]).toEqual([200, true]);
    expect((await request(`${peer.codeUrl()}/modules/other.wasm`)).statusCode).toBe(404);
    await code.setCodeBehaviour({ status: 503 });
    expect((await request(`${peer.codeUrl()}/modules/m.wasm`)).statusCode).toBe(503);
    expect((await code.codeFetches()).map((f) => [f.path, f.status, f.sha256])).toEqual([
      ['/modules/m.wasm', 200, digestOf(module)],
      ['/modules/other.wasm', 404, undefined],
      ['/modules/m.wasm', 503, undefined],
    ]);
    await code.stopCodeServer();
    await expect(request(`${peer.codeUrl()}/modules/m.wasm`, { reset: true })).rejects.toThrow();
    await code.reset();
    expect(await code.codeFetches()).toEqual([]);
    expect((await request(`${peer.codeUrl()}/modules/m.wasm`, { reset: true })).statusCode).toBe(200);

    const upstream = await new PeerContainer(await ensurePeerImage(), 'upstream').onNetwork(network, 'upstream').start();
    expect(() => upstream.codeServer()).toThrow('this peer is the upstream, not the header service (which serves the wasm code)');
    expect(() => upstream.headerService()).toThrow('this peer is the upstream, not the header service');
    // Raw echo: the body comes back byte for byte, with its digest; the call log records it.
    const body = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    const raw = await request(`${upstream.serviceUrl()}/raw`, { method: 'POST', body, headers: { [ECHO_RAW_HEADER]: '1' } });
    const digest = createHash('sha256').update(body).digest('hex');
    expect(raw.headers['x-echo-request-sha256']).toBe(digest);
    expect(Buffer.from(await raw.body.arrayBuffer()).equals(body)).toBe(true);
    expect((await upstream.client().calls()).map((c) => [c.method, c.bodyBytes, c.bodySha256])).toEqual([['POST', body.length, digest]]);
    await Promise.all([peer.stop({ timeout: 0 }), upstream.stop({ timeout: 0 })]);
    for (const id of [peer.getId(), upstream.getId()]) await expect(containerState(id)).rejects.toMatchObject({ statusCode: 404 });
  } finally {
    await network.stop();
  }
});

test('a reset with a case tag keeps callouts of another case out of the call log: they are answered alike and logged as strays', async () => {
  const network = await startRunNetwork();
  try {
    const peer = await new PeerContainer(await ensurePeerImage(), 'header-service').onNetwork(network, 'headers').start();
    try {
      const service = peer.headerService();
      const callout = async (path: string): Promise<unknown> => {
        const res = await request(`${peer.serviceUrl()}${path}`);
        expect(res.statusCode).toBe(200);
        return res.body.json();
      };
      const paths = (calls: Array<{ path: string }>): string[] => calls.map((c) => c.path);

      await service.reset('aaaa');
      await service.setHeaders({ 'x-idp-token': 'case-a' });
      expect(await callout('/v1/headers?case=aaaa.x')).toEqual({ 'x-idp-token': 'case-a' });
      expect(paths(await service.calls())).toEqual(['/v1/headers?case=aaaa.x']);
      expect(await service.strayCalls()).toEqual([]);

      // Case B begins; a plugin of case A calls out still: answered as any callout, logged apart.
      await service.reset('bbbb');
      await service.setHeaders({ 'x-idp-token': 'case-b' });
      expect(await callout('/v1/headers?case=aaaa.x')).toEqual({ 'x-idp-token': 'case-b' });
      expect(await callout('/v1/headers')).toEqual({ 'x-idp-token': 'case-b' });
      expect(await callout('/v1/headers?case=bbbb.y')).toEqual({ 'x-idp-token': 'case-b' });
      expect(paths(await service.calls())).toEqual(['/v1/headers', '/v1/headers?case=bbbb.y']);
      const strays = await service.strayCalls();
      expect(paths(strays)).toEqual(['/v1/headers?case=aaaa.x']);
      expect(strays[0]).toMatchObject({ method: 'GET', status: 200, bodyBytes: 0, chunked: false, trailers: [] });

      // A reset without a tag clears both logs and logs every callout, as before tags.
      await service.reset();
      expect(await callout('/v1/headers?case=aaaa.x')).toEqual({});
      expect(paths(await service.calls())).toEqual(['/v1/headers?case=aaaa.x']);
      expect(await service.strayCalls()).toEqual([]);
    } finally {
      await peer.stop({ timeout: 0 });
    }
  } finally {
    await network.stop();
  }
});
