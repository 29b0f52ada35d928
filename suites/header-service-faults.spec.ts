/**
 * A header service that lies or dies: every answer that is not a 200 with a JSON object of strings
 * is refused with one `callout failed: <reason>` line, and the last good header set keeps being
 * injected (until it expires, which cache-expiry covers). When the service recovers, its new set arrives.
 */
import { echoThrough, expect, filterLogSince, test, timing, unique, uniqueServicePath, valuesOf } from '../fixtures';
import type { HeaderServiceBehaviour } from '../fixtures/peer/protocol';

interface Fault {
  name: string;
  behaviour: HeaderServiceBehaviour;
  /** The filter's line for it, after `header-augmenter: ` (a prefix where the parser's detail follows). */
  line: string;
}

const FAULTS: Fault[] = [
  { name: 'a body that is not JSON', behaviour: { status: 200, headers: {}, rawBody: 'x-idp-token: stolen' }, line: 'callout failed: invalid body: not JSON (' },
  { name: 'a JSON array', behaviour: { status: 200, headers: {}, rawBody: '["x-idp-token", "stolen"]' }, line: 'callout failed: invalid body: not a JSON object (array)' },
  { name: 'a number as a header value', behaviour: { status: 200, headers: {}, rawBody: '{"x-idp-token": 42}' }, line: 'callout failed: invalid body: value of "x-idp-token" is not a string (number)' },
  { name: 'a header name with a space', behaviour: { status: 200, headers: {}, rawBody: '{"x idp token": "stolen"}' }, line: 'callout failed: invalid body: invalid header name "x idp token"' },
  { name: 'an empty body', behaviour: { status: 200, headers: {}, rawBody: '' }, line: 'callout failed: invalid body: empty body' },
  { name: 'a 500 whose body is a valid header set', behaviour: { status: 500, headers: { 'x-idp-token': 'stolen' } }, line: 'callout failed: status=500' },
  { name: 'an answer slower than callout_timeout', behaviour: { status: 200, headers: { 'x-idp-token': 'stolen' }, delayMs: 4 * timing.calloutTimeoutMs }, line: 'callout failed: status=504' },
  { name: 'a connection dropped mid-request', behaviour: { status: 200, headers: {}, reset: true }, line: 'callout failed: status=503' },
];

const EXPIRY_MS = 60_000;

for (const fault of FAULTS) {
  test(`${fault.name}: refused with its reason, the last good set stays`, async ({ envoy, configureFilter, headerService, proxyRequest }) => {
    const good = unique('good');
    await headerService.setHeaders({ 'x-idp-token': good });
    // A long expiry: this case is about refusing the answer, not about expiry.
    expect(await configureFilter({ header_providing_service_path: uniqueServicePath(), header_cache_expiry: `${EXPIRY_MS}ms` })).toBe('accepted');
    await expect.poll(async () => valuesOf(await echoThrough(proxyRequest, '/faults'), 'x-idp-token'), { timeout: timing.pollDeadlineMs }).toEqual([good]);

    const mark = envoy.logMark();
    await headerService.setBehaviour(fault.behaviour);
    await expect.poll(() => filterLogSince(envoy, mark, 'callout failed:').some((l) => l.startsWith(fault.line)), { timeout: timing.pollDeadlineMs }).toBe(true);
    // Only this configuration's cache (the replaced listener may still be draining, with its own).
    expect(filterLogSince(envoy, mark, 'cache updated:').filter((l) => l.endsWith(`expires_in=${EXPIRY_MS}ms`))).toEqual([]);
    for (let i = 0; i < 3; i++) expect(valuesOf(await echoThrough(proxyRequest, `/faults/${i}`), 'x-idp-token')).toEqual([good]);

    const recovered = unique('recovered');
    await headerService.setHeaders({ 'x-idp-token': recovered });
    await expect.poll(async () => valuesOf(await echoThrough(proxyRequest, '/faults/recovered'), 'x-idp-token'), { timeout: timing.pollDeadlineMs }).toEqual([recovered]);
  });
}
