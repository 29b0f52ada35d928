/**
 * Delivery over ECDS, as Istio's WasmPlugin delivers the filter: the HTTP filter names an extension
 * config (`config_discovery`), and its TypedExtensionConfig arrives from a watched file. An update
 * takes effect in place (no listener change, so no drain) and keeps the cache where the vm_id and
 * configuration allow; a bad update is refused and the last good config keeps serving; a listener
 * whose extension config has not arrived answers as Envoy documents.
 *
 * What it pins, on every version: the HTTP filter declared with `config_discovery`, its
 * TypedExtensionConfig from a watched file: swapping the module to a variant and back applies in
 * place (no listener added, modified, removed or drained) and the set survives the swap (the
 * service fails from before it); a configuration update applies in place (callouts move to the new
 * path); a module that fails to link and a configuration the filter refuses are each rejected
 * (`update_rejected` 2) while the last good one serves; a listener whose config has not arrived
 * answers 500 until it does; with `default_config` and `apply_default_config_without_warming` it
 * serves the default, then the arrived config.
 */
import path from 'node:path';
import { echoAt, expect, probesDir, statusAt, test, timing, unique, uniqueServicePath, valuesOf, waitForFilterLog, type StartedEnvoyContainer } from '../fixtures';

/** Every stat that moves when a listener is added, changed, removed or drained. */
// (Not lds.update_success: Envoy rereads the LDS file on any change in its watched directory, an ECDS file's included, and counts the unchanged listeners as an update.)
const LISTENER_CHANGES = 'listener_manager.(listener_(added|modified|removed|in_place_updated)|total_filter_chains_draining|total_listeners_draining)$';

const tokenAt = async (envoy: StartedEnvoyContainer, path: string): Promise<string[]> => valuesOf(await echoAt(envoy.url(path)), 'x-idp-token');

test('ecds: swapping the module to a variant and back applies in place, with no listener change, and the cache survives the swap', async ({ startEnvoy, headerService, pluginConfig, filterBuild }) => {
  const token = unique('tok');
  await headerService.setHeaders({ 'x-idp-token': token });
  // Same vm_id and configuration all along, and an expiry far beyond the case: only the cache can explain a header once the service fails.
  const config = pluginConfig({ header_providing_service_path: uniqueServicePath(), header_cache_expiry: '60s' });
  const envoy = await startEnvoy({ delivery: 'ecds', pluginConfig: config });
  const name = envoy.extensionConfigNameOf();
  await expect.poll(() => tokenAt(envoy, '/before'), { timeout: timing.pollDeadlineMs }).toEqual([token]);
  await headerService.setBehaviour({ status: 500, headers: {} });
  const listeners = await envoy.stats(LISTENER_CHANGES);

  expect(await envoy.updateExtensionConfigs([{ name, pluginConfig: config, codePath: filterBuild('no-inject') }])).toBe('accepted');
  await expect.poll(() => tokenAt(envoy, '/variant'), { timeout: timing.pollDeadlineMs }).toEqual([]);
  expect(await envoy.updateExtensionConfigs([{ name, pluginConfig: config }])).toBe('accepted');
  // The service has failed since before the first swap: the header can only come from the shared-data cache.
  await expect.poll(() => tokenAt(envoy, '/back'), { timeout: timing.pollDeadlineMs }).toEqual([token]);
  expect(await envoy.stats(LISTENER_CHANGES)).toEqual(listeners);
});

test('ecds: a configuration update applies in place: callouts move to the new path, with no listener change', async ({ startEnvoy, headerService, pluginConfig }) => {
  const [first, second] = [unique('first'), unique('second')];
  const [firstPath, secondPath] = [uniqueServicePath(), uniqueServicePath()];
  await headerService.setHeaders({ 'x-idp-token': first }, firstPath);
  await headerService.setHeaders({ 'x-idp-token': second }, secondPath);
  const envoy = await startEnvoy({ delivery: 'ecds', pluginConfig: pluginConfig({ header_providing_service_path: firstPath }) });
  const name = envoy.extensionConfigNameOf();
  await expect.poll(() => tokenAt(envoy, '/first'), { timeout: timing.pollDeadlineMs }).toEqual([first]);
  const listeners = await envoy.stats(LISTENER_CHANGES);

  expect(await envoy.updateExtensionConfigs([{ name, pluginConfig: pluginConfig({ header_providing_service_path: secondPath }) }])).toBe('accepted');
  await expect.poll(() => tokenAt(envoy, '/second'), { timeout: timing.pollDeadlineMs }).toEqual([second]);
  await expect.poll(async () => (await headerService.calls()).some((c) => c.path === secondPath), { timeout: timing.pollDeadlineMs }).toBe(true);
  expect(await envoy.stats(LISTENER_CHANGES)).toEqual(listeners);
});

test('ecds: a module that fails to load and a configuration the filter refuses are each rejected, and the last good config keeps serving', async ({ startEnvoy, headerService, pluginConfig }) => {
  const token = unique('tok');
  await headerService.setHeaders({ 'x-idp-token': token });
  const config = pluginConfig({ header_providing_service_path: uniqueServicePath() });
  const envoy = await startEnvoy({ delivery: 'ecds', pluginConfig: config });
  const name = envoy.extensionConfigNameOf();
  await expect.poll(() => tokenAt(envoy, '/good'), { timeout: timing.pollDeadlineMs }).toEqual([token]);

  // An ABI probe that imports a function no host provides: it fails at link time.
  const unloadable = path.join(probesDir, 'missing-import.wasm');
  expect(await envoy.updateExtensionConfigs([{ name, pluginConfig: config, codePath: unloadable }])).toBe('rejected');
  expect(await tokenAt(envoy, '/after-unloadable')).toEqual([token]);

  const mark = await envoy.logMark();
  expect(await envoy.updateExtensionConfigs([{ name, pluginConfig: pluginConfig({ bogus_key: 1 }) }])).toBe('rejected');
  await waitForFilterLog(envoy, 'config error: bogus_key: unknown key', { since: mark });
  expect(await tokenAt(envoy, '/after-bogus')).toEqual([token]);
  expect(await envoy.stat(`extension_config_discovery.http_filter.${name}.update_rejected`)).toBe(2);
});

test('ecds: before its extension config arrives a listener answers 500 (no filter config found); once it arrives the filter injects', async ({ startEnvoy, headerService, pluginConfig }) => {
  const token = unique('tok');
  await headerService.setHeaders({ 'x-idp-token': token });
  const name = 'late.header-augmenter';
  const envoy = await startEnvoy({ delivery: 'local', configDiscovery: { name } });
  // Asked again and again under a deadline: the answer must stay 500 while nothing arrived.
  // in effect: from Envoy's start: no extension config is ever delivered to this listener.
  for (let i = 0; i < 3; i++) expect(await statusAt(envoy.url(`/early/${i}`))).toBe(500);

  expect(await envoy.updateExtensionConfigs([{ name, pluginConfig: pluginConfig({ header_providing_service_path: uniqueServicePath() }) }])).toBe('accepted');
  await expect.poll(() => tokenAt(envoy, '/arrived'), { timeout: timing.pollDeadlineMs }).toEqual([token]);
});

test('ecds: with a default config applied without warming, the listener serves the default until the extension config arrives, then the new one', async ({ startEnvoy, headerService, pluginConfig }) => {
  const [fallback, arrived] = [unique('default'), unique('arrived')];
  const [defaultPath, arrivedPath] = [uniqueServicePath(), uniqueServicePath()];
  await headerService.setHeaders({ 'x-idp-token': fallback }, defaultPath);
  await headerService.setHeaders({ 'x-idp-token': arrived }, arrivedPath);
  const name = 'late.header-augmenter';
  const envoy = await startEnvoy({
    delivery: 'local',
    configDiscovery: { name, defaultConfig: { pluginConfig: pluginConfig({ header_providing_service_path: defaultPath }) }, applyDefaultConfigWithoutWarming: true },
  });
  await expect.poll(() => tokenAt(envoy, '/default'), { timeout: timing.pollDeadlineMs }).toEqual([fallback]);

  expect(await envoy.updateExtensionConfigs([{ name, pluginConfig: pluginConfig({ header_providing_service_path: arrivedPath }) }])).toBe('accepted');
  await expect.poll(() => tokenAt(envoy, '/arrived'), { timeout: timing.pollDeadlineMs }).toEqual([arrived]);
});
