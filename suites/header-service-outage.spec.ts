/**
 * A header service that is not there: stopped (connection refused) and back, a cluster Envoy does
 * not have, a name that does not resolve, and a callout still in flight when its listener is replaced. The proxy keeps serving, the
 * filter says why each tick and keeps the last good set, and no stale answer crosses configurations.
 */
import {
  echoThrough,
  expect,
  expectHealthy,
  filterLogBetween,
  statusThrough,
  test,
  timing,
  unique,
  uniqueServicePath,
  UNRESOLVABLE_CLUSTER,
  UNRESOLVABLE_HOST,
  UNRESOLVABLE_REFRESH_MS,
  untilInjected,
  valuesOf,
  waitForFilterLog,
} from '../fixtures';

const LONG = '60000ms';
/** Envoy answers a callout whose connection is refused (or whose cluster has no host) itself, with 503. */
const REFUSED = 'callout failed: status=503';

test('the service stops (connection refused) and comes back: a failure logged each tick, the last good set kept, the new set picked up within two tick periods', async ({
  envoy,
  configureFilter,
  headerService,
  proxyRequest,
}) => {
  const good = unique('good');
  await headerService.setHeaders({ 'x-idp-token': good });
  const vmId = unique('outage');
  const path = uniqueServicePath();
  expect(await configureFilter({ header_providing_service_path: path, header_cache_expiry: LONG }, { vmId })).toBe('accepted');
  await untilInjected(proxyRequest, '/outage', good);

  const mark = await envoy.logMark();
  await headerService.stopService();
  // A callout that was answered before the stop may still land: from the first refusal on, the outage is in effect.
  const [first] = await waitForFilterLog(envoy, (m) => m === REFUSED, { since: mark, vmId, what: REFUSED });
  const more = await waitForFilterLog(envoy, (m) => m === REFUSED, { since: first.at + 1, count: 3, vmId, what: REFUSED });
  expect(filterLogBetween(envoy, first.at, more[2], 'cache updated:', vmId)).toEqual([]);
  for (let i = 0; i < 3; i++) expect(valuesOf(await echoThrough(proxyRequest, `/outage/${i}`), 'x-idp-token')).toEqual([good]);

  const back = unique('back');
  await headerService.setHeaders({ 'x-idp-token': back });
  const returnedAt = await headerService.startService();
  await untilInjected(proxyRequest, '/outage/back', back);
  // The first callout the returned service answered, by its own clock: within two periods of its return.
  const answered = (await headerService.calls()).filter((c) => c.path === path && c.at >= returnedAt && c.status === 200);
  expect(answered.length, 'callouts answered after the return').toBeGreaterThan(0);
  expect(answered[0].at - returnedAt, `first answered callout ${answered[0].at - returnedAt} ms after the return`).toBeLessThanOrEqual(2 * timing.tickPeriodMs);
  await expectHealthy(envoy, mark);
});

test('a cluster Envoy does not have: the refused dispatch is logged each tick, requests pass without headers, nothing crashes', async ({
  envoy,
  configureFilter,
  headerService,
  proxyRequest,
}) => {
  await headerService.setHeaders({ 'x-idp-token': unique('unreachable') });
  const vmId = unique('nocluster');
  const path = uniqueServicePath();
  const mark = await envoy.logMark();
  expect(await configureFilter({ header_providing_service_cluster: 'no_such_cluster', header_providing_service_path: path }, { vmId })).toBe('accepted');
  // proxy_http_call refuses an unknown cluster with BadArgument (2); the filter tries again every tick.
  const DISPATCH = 'callout failed: dispatch failed: 2';
  const [first] = await waitForFilterLog(envoy, (m) => m === DISPATCH, { since: mark, vmId, what: DISPATCH });
  await waitForFilterLog(envoy, (m) => m === DISPATCH, { since: first.at + 1, count: 3, vmId, what: DISPATCH });
  for (let i = 0; i < 3; i++) {
    const r = await statusThrough(proxyRequest, `/nocluster/${i}`);
    expect(r.status).toBe(200);
    expect(valuesOf(r.echo!, 'x-idp-token')).toEqual([]);
  }
  // The real service never saw this configuration's path (the replaced default listener may still have called it).
  expect((await headerService.calls()).filter((c) => c.path === path)).toEqual([]);
  await expectHealthy(envoy, mark);
});

test('a STRICT_DNS cluster whose name does not resolve: the host\'s refusal logged each tick, the name asked again, requests pass without headers, nothing crashes', async ({
  envoy,
  configureFilter,
  headerService,
  proxyRequest,
}) => {
  const vmId = unique('nxdomain');
  const path = uniqueServicePath();
  const mark = await envoy.logMark();
  // The run's own DNS server answers NXDOMAIN for every name: the cluster never has a host.
  expect(await configureFilter({ header_providing_service_cluster: UNRESOLVABLE_CLUSTER, header_providing_service_path: path }, { vmId })).toBe('accepted');
  // A cluster with no host fails the call inline: proxy_http_call answers InternalFailure (10), on every version.
  const NO_HOST = 'callout failed: dispatch failed: 10';
  const [first] = await waitForFilterLog(envoy, (m) => m === NO_HOST, { since: mark, vmId, what: NO_HOST });
  await waitForFilterLog(envoy, (m) => m === NO_HOST, { since: first.at + 1, count: 3, vmId, what: NO_HOST });
  // The name was asked of the run's resolver (never Docker's), and Envoy keeps asking (every
  // UNRESOLVABLE_REFRESH_MS). An NXDOMAIN counts as a successful update with no host, not a failure.
  const queries = async (): Promise<number> => (await headerService.dnsQueries()).filter((q) => q.name === UNRESOLVABLE_HOST).length;
  await expect.poll(queries, { timeout: timing.pollDeadlineMs, message: `queries for ${UNRESOLVABLE_HOST}` }).toBeGreaterThan(0);
  const attempts = (): Promise<number> => envoy.stat(`cluster.${UNRESOLVABLE_CLUSTER}.update_attempt`);
  const before = await attempts();
  await expect.poll(attempts, { timeout: UNRESOLVABLE_REFRESH_MS + timing.pollDeadlineMs, message: 'a new resolution attempt' }).toBeGreaterThan(before);
  expect(await envoy.stat(`cluster.${UNRESOLVABLE_CLUSTER}.membership_total`)).toBe(0);
  for (let i = 0; i < 3; i++) {
    const r = await statusThrough(proxyRequest, `/nxdomain/${i}`);
    expect([r.status, valuesOf(r.echo!, 'x-idp-token')]).toEqual([200, []]);
  }
  expect((await headerService.calls()).filter((c) => c.path === path)).toEqual([]);
  await expectHealthy(envoy, mark);
});

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
  const slowMs = timing.tickPeriodMs + Math.round(timing.tickPeriodMs / 2);
  await headerService.setBehaviour({ status: 200, headers: stale, delayMs: slowMs }, oldPath);
  await headerService.setHeaders({ 'x-idp-token': fresh }, newPath);
  const vmId = unique('inflight');
  const mark = await envoy.logMark();
  expect(await configureFilter({ header_providing_service_path: oldPath, header_cache_expiry: LONG, callout_timeout: '3000ms' }, { vmId })).toBe('accepted');
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
