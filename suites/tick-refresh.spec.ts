/**
 * Tick refresh: the filter calls the header service right after start, then once per tick period,
 * with exactly the configured :method, :path and :authority, and picks up a changed value.
 *
 * What it pins, on every version: a changed value arrives within two tick periods; callouts are
 * `GET <path>` with the configured `:authority`, one per period (8..11 in 10 periods); the first
 * callout goes out right after start.
 */
import { CALLOUT_WINDOW_PERIODS, calloutsInWindow, echoThrough, expect, HEADER_SERVICE_AUTHORITY, HEADER_SERVICE_PATH, test, timing, unique, untilInjected, uniqueServicePath, valuesOf } from '../fixtures';

test('a value changed at the header service reaches the upstream within two tick periods', async ({ proxyRequest, headerService }) => {
  const first = unique('tok-a');
  await headerService.setHeaders({ 'x-idp-token': first });
  await untilInjected(proxyRequest, '/a', first);

  const second = unique('tok-b');
  await headerService.setHeaders({ 'x-idp-token': second });
  const deadline = 2 * timing.tickPeriodMs + timing.slackMs;
  await expect
    .poll(async () => valuesOf(await echoThrough(proxyRequest, '/b'), 'x-idp-token'), { timeout: deadline, intervals: [25] })
    .toEqual([second]);
});

test('callouts are GET with the configured :path and :authority, one per tick period', async ({ headerService }) => {
  // Bounds: one callout per period, at most one more for the window's edges, two fewer for timer jitter.
  const periods = CALLOUT_WINDOW_PERIODS;
  const calls = await calloutsInWindow(headerService);

  for (const c of calls)
    expect({ method: c.method, path: c.path, authority: c.authority, accept: c.headers.filter(([n]) => n === 'accept').map(([, v]) => v) }).toEqual({
      method: 'GET',
      path: HEADER_SERVICE_PATH,
      authority: HEADER_SERVICE_AUTHORITY,
      accept: ['application/json'],
    });
  expect(calls.length).toBeGreaterThanOrEqual(periods - 2);
  expect(calls.length).toBeLessThanOrEqual(periods + 1);
  // No burst: two callouts never come closer than half a period.
  const gaps = calls.slice(1).map((c, i) => c.at - calls[i].at);
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(timing.tickPeriodMs / 2);
});

test('the first callout goes out right after start, not one tick period later', async ({ configureFilter, headerService }) => {
  const longTickMs = 15 * timing.tickPeriodMs;
  const path = uniqueServicePath();
  const before = Date.now();
  expect(await configureFilter({ tick_period: `${longTickMs}ms`, header_providing_service_path: path })).toBe('accepted');

  await expect.poll(async () => (await headerService.calls()).filter((c) => c.path === path).length, { timeout: longTickMs }).toBeGreaterThan(0);
  const first = (await headerService.calls()).find((c) => c.path === path)!;
  expect(first.at - before).toBeLessThan(longTickMs / 3);
});
