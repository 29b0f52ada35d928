/**
 * Header injection: what the header service hands out reaches the upstream, exactly.
 * Each case polls until the filter's next tick has fetched the new set, then asserts exact values.
 */
import { addedHeaders, echoThrough, expect, HEADER_SERVICE_AUTHORITY, HEADER_SERVICE_PATH, test, timing, unique, valuesOf } from '../fixtures';


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
    expect({ method: call.method, path: call.path, authority: call.authority }).toEqual({
      method: 'GET',
      path: HEADER_SERVICE_PATH,
      authority: HEADER_SERVICE_AUTHORITY,
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

test('a header the client already sent is replaced by the header service value, other client headers untouched', async ({ proxyRequest: request, headerService }) => {
  const token = unique('real-token');
  await headerService.setHeaders({ 'x-idp-token': token });
  const clientHeaders = { 'x-idp-token': 'spoofed-by-client', 'x-client-trace': 'trace-123' };

  await expect
    .poll(async () => valuesOf(await echoThrough(request, '/spoof', clientHeaders), 'x-idp-token'), { timeout: timing.pollDeadlineMs })
    .toEqual([token]);

  const echo = await echoThrough(request, '/spoof', clientHeaders);
  expect(valuesOf(echo, 'x-idp-token')).toEqual([token]);
  expect(valuesOf(echo, 'x-client-trace')).toEqual(['trace-123']);
});
