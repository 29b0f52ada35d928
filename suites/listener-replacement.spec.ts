/**
 * A callout still in flight when its listener is replaced (LDS): the draining listener keeps ticking,
 * its slow stale answers land after the new configuration fetched its set, and never reach it. About
 * LDS whatever the column's delivery: under ECDS an update replaces the plugin in place and no
 * listener is replaced (delivery-ecds covers that), so this file's Envoy names its module locally.
 *
 * What it pins, on every version: a callout in flight when its listener is replaced through LDS
 * (same vm_id): the draining listener's slow stale answers land after the new configuration fetched
 * its set and never reach it (always LDS, whatever the column's delivery).
 */
import { durationString, echoThrough, expect, expectHealthy, test, timing, unique, untilInjected, uniqueServicePath, valuesOf, waitForFilterLog } from '../fixtures';

// Reads Envoy-wide drain gauges: an Envoy of its own, which names its module locally.
test.use({ ownEnvoy: { delivery: 'local' } });

const LONG = '60000ms';
const FAST = durationString(timing.fastTickPeriodMs);

test('a callout in flight when its listener is replaced: nothing crashes, and its answer never reaches the new configuration', async ({
  envoy,
  configureFilter,
  headerService,
  proxyRequest,
}) => {
  // The first configuration's service answers slowly with a stale set of two headers; the second's at once.
  const oldPath = uniqueServicePath();
  const newPath = uniqueServicePath();
  const stale = { 'x-idp-token': unique('stale'), 'x-stale': 'yes' };
  const fresh = unique('fresh');
  // Slower than one (short) tick period: while the old listener drains, a stale answer is always in flight.
  const slowMs = timing.fastTickPeriodMs + Math.round(timing.fastTickPeriodMs / 2);
  await headerService.setBehaviour({ status: 200, headers: stale, delayMs: slowMs }, oldPath);
  await headerService.setHeaders({ 'x-idp-token': fresh }, newPath);
  const vmId = unique('inflight');
  const mark = await envoy.logMark();
  expect(await configureFilter({ header_providing_service_path: oldPath, header_cache_expiry: LONG, callout_timeout: '3000ms', tick_period: FAST }, { vmId })).toBe('accepted');
  await untilInjected(proxyRequest, '/inflight/old', stale['x-idp-token']);
  // A stale callout is in flight (arrived, not answered) when the listener is replaced.
  await expect.poll(async () => (await headerService.calls()).some((c) => c.path === oldPath && c.status === undefined), { timeout: timing.pollDeadlineMs }).toBe(true);
  // The same vm_id, so both configurations share the VM's shared data: only the key keeps them apart.
  // One fetch only (a long tick): a stale write into this cache would stay there.
  expect(await configureFilter({ header_providing_service_path: newPath, header_cache_expiry: LONG, tick_period: LONG }, { vmId })).toBe('accepted');
  await untilInjected(proxyRequest, '/inflight/new', fresh);

  // The old listener keeps ticking while it drains, and its slow answers land meanwhile.
  const replaced = await envoy.logMark();
  await waitForFilterLog(envoy, (m) => m === 'callout ok: status=200 headers=2', { since: replaced, vmId, what: 'a stale answer handled after the replacement' });
  const draining = async (): Promise<number[]> => Promise.all(['listener_manager.total_listeners_draining', 'listener_manager.total_filter_chains_draining'].map((n) => envoy.stat(n)));
  await expect.poll(draining, { timeout: timing.pollDeadlineMs, message: 'old listener and filter chains drained' }).toEqual([0, 0]);
  for (let i = 0; i < 3; i++) {
    const echo = await echoThrough(proxyRequest, `/inflight/new/${i}`);
    expect([valuesOf(echo, 'x-idp-token'), valuesOf(echo, 'x-stale')]).toEqual([[fresh], []]);
  }
  await expectHealthy(envoy, mark);
});
