/**
 * Plugin configuration errors: each bad configuration is refused at plugin start with exactly one
 * log line naming the key and the problem, Envoy rejects the listener update, and the running
 * listener keeps serving with its previous (valid) configuration. Never half a config.
 */
import { randomBytes } from 'node:crypto';
import { echoThrough, expect, filterLogSince, test, timing, valuesOf } from '../fixtures';

interface BadConfig {
  name: string;
  /** Overrides of the default configuration, or the raw configuration string. */
  config: Record<string, unknown> | string;
  /** The one error line, after `header-augmenter: `. */
  line: string;
}

const BAD_CONFIGS: BadConfig[] = [
  { name: 'invalid JSON', config: '{"header_providing_service_cluster": "header_service",', line: 'config error: <json>: invalid JSON' },
  { name: 'empty configuration', config: '', line: 'config error: <json>: invalid JSON' },
  { name: 'a JSON array instead of an object', config: '["header_service"]', line: 'config error: <root>: must be a JSON object' },
  { name: 'an unknown key', config: { header_cache_expiry_seconds: 30 }, line: 'config error: header_cache_expiry_seconds: unknown key' },
  { name: 'a missing required key', config: { header_providing_service_cluster: undefined }, line: 'config error: header_providing_service_cluster: required' },
  { name: 'a number where a string is required', config: { header_providing_service_authority: 42 }, line: 'config error: header_providing_service_authority: must be a string' },
  { name: 'a path without a leading slash', config: { header_providing_service_path: 'v1/headers' }, line: 'config error: header_providing_service_path: must start with "/"' },
  { name: 'a zero duration', config: { tick_period: '0s' }, line: 'config error: tick_period: invalid duration "0s"' },
  { name: 'a negative duration', config: { header_cache_expiry: '-5s' }, line: 'config error: header_cache_expiry: invalid duration "-5s"' },
  { name: 'a duration without a unit', config: { callout_timeout: '500' }, line: 'config error: callout_timeout: invalid duration "500"' },
  { name: 'a duration as a number', config: { tick_period: 200 }, line: 'config error: tick_period: must be a string' },
  { name: 'an unknown on_missing_headers action', config: { on_missing_headers: 'block' }, line: 'config error: on_missing_headers: must be "pass" or "deny"' },
  { name: 'overwrite as a string', config: { overwrite: 'yes' }, line: 'config error: overwrite: must be a boolean' },
];

for (const bad of BAD_CONFIGS) {
  test(`${bad.name} is refused with one log line, and the running config keeps serving`, async ({ envoy, configureFilter, headerService, proxyRequest }) => {
    const token = `tok-${randomBytes(4).toString('hex')}`;
    await headerService.setHeaders({ 'x-idp-token': token });
    await expect.poll(async () => valuesOf(await echoThrough(proxyRequest, '/before'), 'x-idp-token'), { timeout: timing.pollDeadlineMs }).toEqual([token]);

    const mark = envoy.logMark();
    expect(await configureFilter(bad.config)).toBe('rejected');
    await expect.poll(() => filterLogSince(envoy, mark, 'config error:'), { timeout: timing.pollDeadlineMs }).toEqual([bad.line]);
    expect(filterLogSince(envoy, mark, 'config ok:')).toEqual([]);

    // The previous listener, with its valid configuration, still injects.
    expect(valuesOf(await echoThrough(proxyRequest, '/after'), 'x-idp-token')).toEqual([token]);
  });
}

test('a valid configuration larger than 1 KB is accepted and used', async ({ envoy, configureFilter, headerService, proxyRequest, pluginConfig }) => {
  // Padding in the authority: the runtime's base onConfigure would corrupt memory past ~1 KB (trap 3).
  const authority = `idp-${'a'.repeat(1100)}.example`;
  const config = pluginConfig({ header_providing_service_authority: authority });
  expect(JSON.stringify(config).length).toBeGreaterThan(1024);
  const token = `tok-${randomBytes(4).toString('hex')}`;
  await headerService.setHeaders({ 'x-idp-token': token });

  const mark = envoy.logMark();
  expect(await configureFilter(config)).toBe('accepted');
  expect(filterLogSince(envoy, mark, 'config error:')).toEqual([]);
  await expect.poll(async () => (await headerService.calls()).some((c) => c.authority === authority), { timeout: timing.pollDeadlineMs }).toBe(true);
  await expect.poll(async () => valuesOf(await echoThrough(proxyRequest, '/big-config'), 'x-idp-token'), { timeout: timing.pollDeadlineMs }).toEqual([token]);
});
