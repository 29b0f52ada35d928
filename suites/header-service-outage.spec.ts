/**
 * A header service that is not there: stopped (connection refused) and back, a cluster Envoy does
 * not have, a name that does not resolve. The proxy keeps serving, the filter says why each tick
 * and keeps the last good set, and no stale answer crosses configurations.
 *
 * What it pins, on every version: the service stops (connection refused) and comes back: `callout
 * failed: status=503` each tick with no cache update between, the last good set on every request,
 * the new set picked up within two tick periods of the return (the service's own call log); in one
 * configuration, two listeners: a `header_providing_service_cluster` Envoy does not have (`callout
 * failed: dispatch failed: 2` each tick) and a STRICT_DNS cluster whose name does not resolve,
 * asked only of the run's own DNS server (the header-service peer answers NXDOMAIN; Docker's
 * resolver would forward an unknown name off the machine): `callout failed: dispatch failed: 10`
 * each tick (with no host Envoy fails the call inline: InternalFailure, on every version), the name
 * asked again (`update_attempt` grows; Envoy counts an NXDOMAIN as a successful update with no
 * member, not as `update_failure`); requests on both pass (200, no header), the service never
 * called. Each ends with admin `/ready` = `LIVE` and no wasm VM failure in the log up to a barrier.
 * (A callout in flight when its listener is replaced: listener-replacement.spec.ts.)
 */
import {
  durationString,
  echoAt,
  echoThrough,
  expect,
  expectHealthy,
  filterLogBetween,
  SECOND_LISTENER_PORT,
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
/** Cases that wait for a failure line per tick and assert nothing about the ticks' timing use a short period. */
const FAST = durationString(timing.fastTickPeriodMs);
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

// Both "no host to call" faults at once, one listener each (their own plugin and VM): one
// configuration change instead of two.
test('a cluster Envoy does not have, and a STRICT_DNS cluster whose name does not resolve: each refusal logged each tick, the name asked again, requests pass without headers, nothing crashes', async ({
  envoy,
  configureListeners,
  pluginConfig,
  headerService,
  proxyRequest,
}) => {
  await headerService.setHeaders({ 'x-idp-token': unique('unreachable') });
  const unknown = { vmId: unique('nocluster'), path: uniqueServicePath() };
  const nxdomain = { vmId: unique('nxdomain'), path: uniqueServicePath() };
  const mark = await envoy.logMark();
  expect(
    await configureListeners([
      { vmId: unknown.vmId, pluginConfig: pluginConfig({ header_providing_service_cluster: 'no_such_cluster', header_providing_service_path: unknown.path, tick_period: FAST }) },
      {
        vmId: nxdomain.vmId,
        pluginName: 'header-augmenter-nxdomain',
        // The run's own DNS server answers NXDOMAIN for every name: the cluster never has a host.
        pluginConfig: pluginConfig({ header_providing_service_cluster: UNRESOLVABLE_CLUSTER, header_providing_service_path: nxdomain.path, tick_period: FAST }),
        port: SECOND_LISTENER_PORT,
        name: 'nxdomain',
        statPrefix: 'nxdomain',
      },
    ]),
  ).toBe('accepted');
  // proxy_http_call refuses an unknown cluster with BadArgument (2); a cluster with no host fails the
  // call inline, InternalFailure (10): on every version. Either way the filter tries again every tick.
  for (const [vmId, line] of [
    [unknown.vmId, 'callout failed: dispatch failed: 2'],
    [nxdomain.vmId, 'callout failed: dispatch failed: 10'],
  ]) {
    const [first] = await waitForFilterLog(envoy, (m) => m === line, { since: mark, vmId, what: line });
    await waitForFilterLog(envoy, (m) => m === line, { since: first.at + 1, count: 3, vmId, what: line });
  }
  // The name was asked of the run's resolver (never Docker's), and Envoy keeps asking (every
  // UNRESOLVABLE_REFRESH_MS). An NXDOMAIN counts as a successful update with no host, not a failure.
  const queries = async (): Promise<number> => (await headerService.dnsQueries()).filter((q) => q.name === UNRESOLVABLE_HOST).length;
  await expect.poll(queries, { timeout: timing.pollDeadlineMs, message: `queries for ${UNRESOLVABLE_HOST}` }).toBeGreaterThan(0);
  const attempts = (): Promise<number> => envoy.stat(`cluster.${UNRESOLVABLE_CLUSTER}.update_attempt`);
  const before = await attempts();
  await expect.poll(attempts, { timeout: UNRESOLVABLE_REFRESH_MS + timing.pollDeadlineMs, message: 'a new resolution attempt' }).toBeGreaterThan(before);
  expect(await envoy.stat(`cluster.${UNRESOLVABLE_CLUSTER}.membership_total`)).toBe(0);

  for (let i = 0; i < 3; i++) {
    const r = await statusThrough(proxyRequest, `/nocluster/${i}`);
    expect([r.status, valuesOf(r.echo!, 'x-idp-token')]).toEqual([200, []]);
    expect(valuesOf(await echoAt(envoy.url(`/nxdomain/${i}`, SECOND_LISTENER_PORT)), 'x-idp-token')).toEqual([]);
  }
  // The real service never saw these configurations' paths (the replaced default listener may still have called it).
  expect((await headerService.calls()).filter((c) => c.path === unknown.path || c.path === nxdomain.path)).toEqual([]);
  await expectHealthy(envoy, mark);
});

