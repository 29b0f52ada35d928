/**
 * Plugin configuration errors: each bad configuration is refused at plugin start with exactly one
 * log line naming the key and the problem, Envoy rejects the listener update, and the running
 * listener keeps serving with its previous (valid) configuration. Never half a config.
 *
 * What it pins, on every version: 17 bad configurations, each refused with exactly one `config
 * error: <key>: <problem>` line (up to a log barrier) and a rejected listener update while the old
 * config keeps serving; only the required keys: every default in the exact `config ok` line; `ms`,
 * `s`, `m` read as such; a valid config over 1 KB works.
 */
import { echoThrough, expect, filterLogBetween, test, timing, unique, untilInjected, valuesOf, waitForFilterLog, type StartedEnvoyContainer } from '../fixtures';

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
  {
    name: 'a duplicate key',
    config: '{"header_providing_service_cluster":"header_service","header_providing_service_path":"/a","header_providing_service_path":"/b","header_providing_service_authority":"idp"}',
    line: 'config error: header_providing_service_path: duplicate key',
  },
  { name: 'an empty cluster name', config: { header_providing_service_cluster: '' }, line: 'config error: header_providing_service_cluster: must not be empty' },
  { name: 'a path with a space', config: { header_providing_service_path: '/v1/my headers' }, line: 'config error: header_providing_service_path: must not contain whitespace or control characters' },
  { name: 'an authority with a control character', config: { header_providing_service_authority: 'idp\tlocal' }, line: 'config error: header_providing_service_authority: must not contain whitespace or control characters' },
];

for (const bad of BAD_CONFIGS) {
  test(`${bad.name} is refused with one log line, and the running config keeps serving`, async ({ envoy, configureFilter, headerService, proxyRequest }) => {
    const token = unique('tok');
    await headerService.setHeaders({ 'x-idp-token': token });
    await untilInjected(proxyRequest, '/before', token);

    const mark = await envoy.logMark();
    expect(await configureFilter(bad.config)).toBe('rejected');
    await waitForFilterLog(envoy, 'config error:', { since: mark });
    // Up to a line written after the rejection: exactly this one error, and no config accepted.
    const logged = filterLogBetween(envoy, mark, await envoy.logBarrier());
    expect(logged.filter((m) => m.startsWith('config error:'))).toEqual([bad.line]);
    expect(logged.filter((m) => m.startsWith('config ok:'))).toEqual([]);

    // The previous listener, with its valid configuration, still injects.
    expect(valuesOf(await echoThrough(proxyRequest, '/after'), 'x-idp-token')).toEqual([token]);
  });
}

/** The `config ok` line of a configuration the filter accepted (every VM logs the same one). */
async function acceptedConfigLine(envoy: StartedEnvoyContainer, mark: number): Promise<string> {
  const [ok] = await waitForFilterLog(envoy, 'config ok:', { since: mark });
  return ok.message;
}

test('only the required keys: every default is in force (config ok line)', async ({ envoy, configureFilter, headerService, proxyRequest, pluginConfig }) => {
  const optional = { header_cache_expiry: undefined, tick_period: undefined, callout_timeout: undefined };
  const config = pluginConfig(optional);
  expect(Object.keys(config).sort()).toEqual(['header_providing_service_authority', 'header_providing_service_cluster', 'header_providing_service_path']);
  const token = unique('tok');
  await headerService.setHeaders({ 'x-idp-token': token });
  const mark = await envoy.logMark();
  expect(await configureFilter(optional)).toBe('accepted');
  expect(await acceptedConfigLine(envoy, mark)).toBe(
    `config ok: cluster=${config.header_providing_service_cluster} path=${config.header_providing_service_path} authority=${config.header_providing_service_authority} ` +
      'tick_period=5000ms header_cache_expiry=30000ms callout_timeout=1000ms on_missing_headers=pass overwrite=true',
  );
  // The first callout goes out right after start whatever the period, so the set arrives.
  await untilInjected(proxyRequest, '/defaults', token);
});

test('durations in ms, s and m are read as such (config ok line)', async ({ envoy, configureFilter, pluginConfig }) => {
  const config = pluginConfig({ tick_period: '250ms', callout_timeout: '2s', header_cache_expiry: '3m', on_missing_headers: 'deny', overwrite: false });
  const mark = await envoy.logMark();
  expect(await configureFilter(config)).toBe('accepted');
  expect(await acceptedConfigLine(envoy, mark)).toBe(
    `config ok: cluster=${config.header_providing_service_cluster} path=${config.header_providing_service_path} authority=${config.header_providing_service_authority} ` +
      'tick_period=250ms header_cache_expiry=180000ms callout_timeout=2000ms on_missing_headers=deny overwrite=false',
  );
});

test('a valid configuration larger than 1 KB is accepted and used', async ({ envoy, configureFilter, headerService, proxyRequest, pluginConfig }) => {
  // Padding in the authority: the runtime's base onConfigure would corrupt memory past ~1 KB (trap 3).
  const authority = `idp-${'a'.repeat(1100)}.example`;
  const config = pluginConfig({ header_providing_service_authority: authority });
  expect(JSON.stringify(config).length).toBeGreaterThan(1024);
  const token = unique('tok');
  await headerService.setHeaders({ 'x-idp-token': token });

  const mark = await envoy.logMark();
  expect(await configureFilter(config)).toBe('accepted');
  expect(await acceptedConfigLine(envoy, mark)).toContain(`authority=${authority} `);
  expect(filterLogBetween(envoy, mark, await envoy.logBarrier(), 'config error:')).toEqual([]);
  await expect.poll(async () => (await headerService.calls()).some((c) => c.authority === authority), { timeout: timing.pollDeadlineMs }).toBe(true);
  await untilInjected(proxyRequest, '/big-config', token);
});
