/**
 * Header injection: what the header service hands out reaches the upstream, exactly.
 * Each case polls until the filter's next tick has fetched the new set, then asserts exact values.
 *
 * What it pins, on every version: headers from the header service reach the upstream with exact
 * names and values; several at once, each exactly once; mixed-case names (`Authorization`,
 * `X-AnotherSecretHeader`, as the sidecar served them) arrive lowercased; a client-sent header is
 * replaced (no spoofing), or with `overwrite: false` kept while the others are added (`injected
 * headers=1`); each step logs its exact line (`callout dispatched`, `callout ok`, `cache updated`,
 * `injected`).
 */
import { addedHeaders, echoThrough, echoWithHeaderLines, expect, filterLogBetween, HEADER_SERVICE_AUTHORITY, HEADER_SERVICE_PATH, test, timing, unique, uniqueServicePath, valuesOf, waitForFilterLog } from '../fixtures';


test('a header set at the header service arrives at the upstream with its exact name and value', async ({ proxyRequest: request, headerService }) => {
  const token = unique('idp-token');
  await headerService.setHeaders({ 'x-idp-token': token });

  await expect
    .poll(async () => valuesOf(await echoThrough(request, '/orders/1'), 'x-idp-token'), { timeout: timing.pollDeadlineMs })
    .toEqual([token]);

  const echo = await echoThrough(request, '/orders/2?q=1');
  expect(echo.path).toBe('/orders/2?q=1');
  expect(addedHeaders(echo)).toEqual([['x-idp-token', token]]);
  // The callout itself: exactly what the plugin configuration says.
  const callouts = await headerService.calls();
  expect(callouts.length).toBeGreaterThan(0);
  for (const call of callouts) {
    expect({ method: call.method, path: call.path, authority: call.authority, accept: call.headers.filter(([n]) => n === 'accept').map(([, v]) => v) }).toEqual({
      method: 'GET',
      path: HEADER_SERVICE_PATH,
      authority: HEADER_SERVICE_AUTHORITY,
      accept: ['application/json'],
    });
  }
});

test('several headers at once arrive each exactly once, and nothing else is added', async ({ proxyRequest: request, headerService }) => {
  const set = {
    'x-idp-token': unique('tok'),
    'x-tenant-id': unique('tenant'),
    'x-request-scope': 'orders:read orders:write',
  };
  await headerService.setHeaders(set);

  const expected = Object.entries(set).sort(([a], [b]) => a.localeCompare(b));
  await expect.poll(async () => addedHeaders(await echoThrough(request, '/multi')), { timeout: timing.pollDeadlineMs }).toEqual(expected);

  // Stable across requests, not a one-off.
  for (let i = 0; i < 5; i++) expect(addedHeaders(await echoThrough(request, `/multi/${i}`))).toEqual(expected);
});

test('a header the client already sent is replaced by the header service value, other client headers untouched', async ({ envoy, proxyRequest: request, headerService }) => {
  const token = unique('real-token');
  await headerService.setHeaders({ 'x-idp-token': token });
  const clientHeaders = { 'x-idp-token': 'spoofed-by-client', 'x-client-trace': 'trace-123' };

  await expect
    .poll(async () => valuesOf(await echoThrough(request, '/spoof', clientHeaders), 'x-idp-token'), { timeout: timing.pollDeadlineMs })
    .toEqual([token]);

  const echo = await echoThrough(request, '/spoof', clientHeaders);
  expect(valuesOf(echo, 'x-idp-token')).toEqual([token]);
  expect(valuesOf(echo, 'x-client-trace')).toEqual(['trace-123']);
  // Sent on two lines, the client's value is still gone entirely.
  const twice = await echoWithHeaderLines(envoy.url('/spoof/twice'), [
    ['x-idp-token', 'spoofed-1'],
    ['x-idp-token', 'spoofed-2'],
    ['x-client-trace', 'trace-456'],
  ]);
  expect(valuesOf(twice, 'x-idp-token')).toEqual([token]);
  expect(valuesOf(twice, 'x-client-trace')).toEqual(['trace-456']);
});

test('mixed-case names from the header service arrive lowercased', async ({ proxyRequest: request, headerService }) => {
  // As the replaced sidecar served them.
  const token = `Bearer ${unique('jwt')}`;
  const traceId = '80f198ee56343ba864fe8b2a57d3eff7';
  // Every kind of token character: letters of both cases, digits, and !#$%&'*+-.^_`|~.
  await headerService.setHeaders({ Authorization: token, 'X-AnotherSecretHeader': 'Hiya Pal', 'X-B3-TraceId': traceId, "X-Tok!#$%&'*+-.^_`|~9": 'all token chars' });
  const expected = [
    ['authorization', token],
    ['x-anothersecretheader', 'Hiya Pal'],
    ['x-b3-traceid', traceId],
    ["x-tok!#$%&'*+-.^_`|~9", 'all token chars'],
  ];
  await expect.poll(async () => addedHeaders(await echoThrough(request, '/mixed-case')), { timeout: timing.pollDeadlineMs }).toEqual(expected);
});

test('overwrite false: a header the client sent is kept, the others are added', async ({ envoy, proxyRequest: request, headerService, configureFilter }) => {
  const set = { 'x-idp-token': unique('tok'), 'x-tenant-id': unique('tenant') };
  await headerService.setHeaders(set);
  expect(await configureFilter({ header_providing_service_path: uniqueServicePath(), overwrite: false })).toBe('accepted');
  const client = { 'x-idp-token': 'sent-by-client' };
  await expect.poll(async () => valuesOf(await echoThrough(request, '/keep', client), 'x-tenant-id'), { timeout: timing.pollDeadlineMs }).toEqual([set['x-tenant-id']]);

  const mark = await envoy.logMark();
  const echo = await echoThrough(request, '/keep/once', client);
  expect(valuesOf(echo, 'x-idp-token')).toEqual(['sent-by-client']);
  expect(valuesOf(echo, 'x-tenant-id')).toEqual([set['x-tenant-id']]);
  // The one request since the mark: it logs what it really added.
  await waitForFilterLog(envoy, 'injected headers=', { since: mark });
  expect(filterLogBetween(envoy, mark, await envoy.logBarrier(), 'injected headers=')).toEqual(['injected headers=1']);

  // A header the client did not send is still added with overwrite false.
  expect(valuesOf(await echoThrough(request, '/keep/none'), 'x-idp-token')).toEqual([set['x-idp-token']]);
});

test('each step logs its exact line: dispatched, callout ok, cache updated, injected', async ({ envoy, proxyRequest: request, headerService, configureFilter, pluginConfig }) => {
  const set = { 'x-idp-token': unique('tok'), 'x-tenant-id': unique('tenant') };
  await headerService.setHeaders(set);
  const config = pluginConfig({ header_providing_service_path: uniqueServicePath() });
  const vmId = unique('steps');
  const start = await envoy.logMark();
  expect(await configureFilter(config, { vmId })).toBe('accepted');

  const exactly = (line: string) => (m: string) => m === line;
  const [dispatched] = await waitForFilterLog(envoy, exactly(`callout dispatched: cluster=${config.header_providing_service_cluster} path=${config.header_providing_service_path}`), { since: start, vmId });
  const [ok] = await waitForFilterLog(envoy, exactly('callout ok: status=200 headers=2'), { since: dispatched.at + 1, vmId });
  await waitForFilterLog(envoy, exactly(`cache updated: headers=2 expires_in=${timing.cacheExpiryMs}ms`), { since: ok.at + 1, vmId });

  const mark = await envoy.logMark();
  expect(addedHeaders(await echoThrough(request, '/steps'))).toEqual(Object.entries(set).sort(([a], [b]) => a.localeCompare(b)));
  await waitForFilterLog(envoy, exactly('injected headers=2'), { since: mark, vmId });
});
