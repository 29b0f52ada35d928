/**
 * PeerContainer on its own: start() brings up a ready peer, its control client scripts the header
 * service and reads the call log, stop() leaves nothing. Runs in the selftest project.
 */
import { expect, test } from '@playwright/test';
import { request } from 'undici';
import { containerState } from '../engine/docker-logs';
import { startRunNetwork } from '../engine/network';
import '../engine/testcontainers-env';
import { ensurePeerImage } from './image';
import { PeerContainer } from './peer-container';

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

    const upstream = await new PeerContainer(await ensurePeerImage(), 'upstream').onNetwork(network, 'upstream').start();
    expect(() => upstream.headerService()).toThrow('this peer is the upstream, not the header service');
    await Promise.all([peer.stop({ timeout: 0 }), upstream.stop({ timeout: 0 })]);
    for (const id of [peer.getId(), upstream.getId()]) await expect(containerState(id)).rejects.toMatchObject({ statusCode: 404 });
  } finally {
    await network.stop();
  }
});
