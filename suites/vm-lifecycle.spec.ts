/**
 * VM lifecycle: plugin configuration changes arrive as listener updates (LDS from a watched file)
 * and take effect without a restart; the cache follows the configuration (same config: kept, new
 * config: its own); ten reloads leak no VM; listeners sharing a vm_id share the cache and the
 * callout lease, listeners with different vm_ids do not.
 *
 * What it pins, on every version: config updates without restart, cache across reloads, no leaked
 * VMs after 10 reloads (the `wasm.envoy.wasm.runtime.v8.active` gauge, which must exist), `vm_id`
 * sharing proved by a listener added after the service failed that still injects only when it
 * shares the vm_id.
 */
import { CALLOUT_WINDOW_PERIODS, calloutsInWindow, echoAt, echoThrough, expect, SECOND_LISTENER_PORT, statusThrough, test, timing, unique, untilInjected, uniqueServicePath, valuesOf } from '../fixtures';

const ACTIVE_VMS = 'wasm.envoy.wasm.runtime.v8.active';

test.describe(() => {
  // Counts the VMs of the whole process: an Envoy of the case's own.
  test.use({ ownEnvoy: true });

  test('ten plugin configuration updates each take effect without a restart and leak no VM', async ({ envoy, configureFilter, headerService, proxyRequest }) => {
    const uptime = (): Promise<number> => envoy.stat('server.uptime');
    const activeVms = (): Promise<number> => envoy.stat(ACTIVE_VMS);
    const vmsBefore = await activeVms();
    const uptimeBefore = await uptime();

    for (let i = 1; i <= 10; i++) {
      const token = unique(`reload-${i}`);
      await headerService.setHeaders({ 'x-idp-token': token });
      const path = uniqueServicePath();
      expect(await configureFilter({ header_providing_service_path: path })).toBe('accepted');
      await untilInjected(proxyRequest, `/reload/${i}`, token);
      expect((await headerService.calls()).some((c) => c.path === path)).toBe(true);
    }
    // Same process all along: uptime kept growing, and the VM count is back where it was once the old listeners drained.
    expect(vmsBefore).toBeGreaterThan(0);
    expect(await uptime()).toBeGreaterThanOrEqual(uptimeBefore);
    await expect.poll(activeVms, { timeout: timing.pollDeadlineMs }).toBe(vmsBefore);
  });
});

test('a listener rebuild that keeps the plugin configuration keeps the cached headers', async ({ envoy, configureFilter, headerService, proxyRequest }) => {
  const path = uniqueServicePath();
  const token = unique('kept');
  await headerService.setHeaders({ 'x-idp-token': token });
  expect(await configureFilter({ header_providing_service_path: path, header_cache_expiry: '60s' })).toBe('accepted');
  await untilInjected(proxyRequest, '/keep', token);

  // The service now fails; a rebuilt listener (other stat prefix) with the same plugin config still has the set.
  await headerService.setBehaviour({ status: 503, headers: {} });
  expect(await configureFilter({ header_providing_service_path: path, header_cache_expiry: '60s' }, { statPrefix: 'rebuilt' })).toBe('accepted');
  // in effect: the rebuilt listener is accepted; the set was cached before (untilInjected above), which is what this pins.
  expect(valuesOf(await echoThrough(proxyRequest, '/keep/after'), 'x-idp-token')).toEqual([token]);
  // Served by the rebuilt listener, not a draining old one.
  expect(await envoy.stat('http.rebuilt.downstream_rq_total')).toBe(1);
});

test('a new plugin configuration starts with its own cache, not the previous configuration\'s', async ({ configureFilter, headerService, proxyRequest }) => {
  const token = unique('old-config');
  await headerService.setHeaders({ 'x-idp-token': token });
  expect(await configureFilter({ header_providing_service_path: uniqueServicePath(), header_cache_expiry: '60s' })).toBe('accepted');
  await untilInjected(proxyRequest, '/old', token);

  // The service fails from now on; a new configuration (same vm_id and root_id) has never fetched anything.
  await headerService.setBehaviour({ status: 503, headers: {} });
  const path = uniqueServicePath();
  expect(await configureFilter({ header_providing_service_path: path, header_cache_expiry: '60s', on_missing_headers: 'deny' })).toBe('accepted');
  await expect.poll(async () => (await headerService.calls()).some((c) => c.path === path && c.status === 503), { timeout: timing.pollDeadlineMs }).toBe(true);
  expect(await statusThrough(proxyRequest, '/new')).toEqual({ status: 503, contentType: 'text/plain', body: 'header-augmenter: no headers available (never fetched)\n', echo: undefined });
});

const VM_ID_CASES = [
  { name: 'the same vm_id share the cache and one callout lease', vmIds: ['shared-vm', 'shared-vm'], shared: true },
  { name: 'different vm_ids keep separate caches and leases', vmIds: ['vm-a', 'vm-b'], shared: false },
];

for (const c of VM_ID_CASES) {
  test(`two listeners with ${c.name}`, async ({ envoy, configureListeners, pluginConfig, headerService, proxyRequest }) => {
    const path = uniqueServicePath();
    const token = unique('vm');
    await headerService.setHeaders({ 'x-idp-token': token });
    const config = pluginConfig({ header_providing_service_path: path, header_cache_expiry: '60s' });
    const first = { vmId: c.vmIds[0], pluginConfig: config };
    // A plugin of its own name: its own root context, so what it shares with the first is the VM's shared data alone.
    const second = { vmId: c.vmIds[1], pluginName: 'header-augmenter-second', pluginConfig: config, port: SECOND_LISTENER_PORT, name: 'second', statPrefix: 'second' };
    const viaSecond = async (): Promise<string[]> => valuesOf(await echoAt(envoy.url('/second', SECOND_LISTENER_PORT)), 'x-idp-token');

    // The first listener alone fetches the set; then the service fails for good.
    expect(await configureListeners([first])).toBe('accepted');
    await untilInjected(proxyRequest, '/first', token);
    const failedSince = Date.now();
    await headerService.setBehaviour({ status: 503, headers: {} });
    await expect.poll(async () => (await headerService.calls()).some((call) => call.path === path && call.at >= failedSince && call.status === 503), { timeout: timing.pollDeadlineMs }).toBe(true);

    // The second listener comes up after the last good fetch: only a cache it shares with the first can give it the set.
    expect(await configureListeners([first, second])).toBe('accepted');
    if (c.shared) await expect.poll(viaSecond, { timeout: timing.pollDeadlineMs }).toEqual([token]);
    for (let i = 0; i < 3; i++) expect(await viaSecond()).toEqual(c.shared ? [token] : []);
    expect(valuesOf(await echoThrough(proxyRequest, '/first/again'), 'x-idp-token')).toEqual([token]);

    // Shared data (cache and lease) is per vm_id: one lease means one callout per period in total.
    await headerService.setHeaders({ 'x-idp-token': token });
    const leases = c.shared ? 1 : 2;
    const n = (await calloutsInWindow(headerService, { path })).length;
    expect(n).toBeGreaterThanOrEqual((CALLOUT_WINDOW_PERIODS - 2) * leases);
    expect(n).toBeLessThanOrEqual((CALLOUT_WINDOW_PERIODS + 1) * leases);
  });
}
