/**
 * A header service that lies or dies: every answer that is not a 200 with a JSON object of strings
 * (valid header names and values, no duplicates) is refused with one `callout failed: <reason>` line,
 * and the last good header set keeps being injected (until it expires, which cache-expiry covers).
 * When the service recovers, its new set arrives.
 */
import {
  echoThrough,
  expect,
  filterLogBetween,
  test,
  timing,
  unique,
  uniqueServicePath,
  valuesOf,
  waitForFilterLog,
  type HeaderServiceBehaviour,
} from '../fixtures';

interface Fault {
  name: string;
  behaviour: HeaderServiceBehaviour;
  /** The filter's line for it, after `header-augmenter: `; a prefix only where the parser's detail follows. */
  line: string;
  prefixOnly?: boolean;
  /** Plugin configuration the fault needs (beyond the long expiry). */
  config?: Record<string, unknown>;
}

/** A body that would be a valid set, sent with a status that is not 200: a filter that ignores the status would inject it. */
const validSetWithStatus = (status: number): HeaderServiceBehaviour => ({ status, headers: { 'x-idp-token': 'stolen' } });

// A timeout shorter than the filter's 1 s default and an answer in between: a filter that ignores
// the configured callout_timeout gets the answer in time and injects it.
const SHORT_TIMEOUT_MS = Math.round(timing.calloutTimeoutMs / 2);

const FAULTS: Fault[] = [
  { name: 'a body that is not JSON', behaviour: { status: 200, headers: {}, rawBody: 'x-idp-token: stolen' }, line: 'callout failed: invalid body: not JSON (', prefixOnly: true },
  { name: 'a JSON array', behaviour: { status: 200, headers: {}, rawBody: '["x-idp-token", "stolen"]' }, line: 'callout failed: invalid body: not a JSON object (array)' },
  { name: 'a number as a header value', behaviour: { status: 200, headers: {}, rawBody: '{"x-idp-token": 42}' }, line: 'callout failed: invalid body: value of "x-idp-token" is not a string (number)' },
  { name: 'a header name with a space', behaviour: { status: 200, headers: {}, rawBody: '{"x idp token": "stolen"}' }, line: 'callout failed: invalid body: invalid header name "x idp token"' },
  {
    name: 'a value with CR LF and a second header line',
    behaviour: { status: 200, headers: {}, rawBody: '{"x-idp-token": "stolen\\r\\nx-smuggled: yes"}' },
    line: 'callout failed: invalid body: invalid value for header "x-idp-token"',
  },
  { name: 'a value with a NUL byte', behaviour: { status: 200, headers: {}, rawBody: '{"x-idp-token": "stolen\\u0000"}' }, line: 'callout failed: invalid body: invalid value for header "x-idp-token"' },
  {
    name: 'two names equal ignoring case',
    behaviour: { status: 200, headers: {}, rawBody: '{"X-Idp-Token": "stolen", "x-idp-token": "stolen-too"}' },
    line: 'callout failed: invalid body: duplicate header "x-idp-token"',
  },
  { name: 'an empty body', behaviour: { status: 200, headers: {}, rawBody: '' }, line: 'callout failed: invalid body: empty body' },
  { name: 'a 201 whose body is a valid header set', behaviour: validSetWithStatus(201), line: 'callout failed: status=201' },
  { name: 'a 302 whose body is a valid header set', behaviour: validSetWithStatus(302), line: 'callout failed: status=302' },
  { name: 'a 404 whose body is a valid header set', behaviour: validSetWithStatus(404), line: 'callout failed: status=404' },
  { name: 'a 500 whose body is a valid header set', behaviour: validSetWithStatus(500), line: 'callout failed: status=500' },
  {
    name: 'an answer slower than callout_timeout',
    behaviour: { ...validSetWithStatus(200), delayMs: 3 * SHORT_TIMEOUT_MS },
    config: { callout_timeout: `${SHORT_TIMEOUT_MS}ms` },
    line: 'callout failed: status=504',
  },
  { name: 'a connection dropped mid-request', behaviour: { status: 200, headers: {}, reset: true }, line: 'callout failed: status=503' },
];

const EXPIRY_MS = 60_000;

for (const fault of FAULTS) {
  test(`${fault.name}: refused with its reason, the last good set stays`, async ({ envoy, configureFilter, headerService, proxyRequest }) => {
    const good = unique('good');
    await headerService.setHeaders({ 'x-idp-token': good });
    // A long expiry: this case is about refusing the answer, not about expiry. Its own VM, so its
    // lines are told apart from those of the replaced listener's plugin while that one drains.
    const vmId = unique('faults');
    const config = { header_providing_service_path: uniqueServicePath(), header_cache_expiry: `${EXPIRY_MS}ms`, ...fault.config };
    expect(await configureFilter(config, { vmId })).toBe('accepted');
    const injected = async (path: string): Promise<string[]> => valuesOf(await echoThrough(proxyRequest, path), 'x-idp-token');
    await expect.poll(() => injected('/faults'), { timeout: timing.pollDeadlineMs }).toEqual([good]);

    const mark = await envoy.logMark();
    await headerService.setBehaviour(fault.behaviour);
    const isFault = (m: string): boolean => (fault.prefixOnly ? m.startsWith(fault.line) : m === fault.line);
    // The first refusal: from here on the fault is in effect (a good callout in flight before it may still have landed).
    const [first] = await waitForFilterLog(envoy, isFault, { since: mark, vmId });
    // Two more refusals, and between them no update of the cache.
    const more = await waitForFilterLog(envoy, isFault, { since: first.at + 1, count: 2, vmId });
    expect(filterLogBetween(envoy, first.at, more[1], 'cache updated:', vmId)).toEqual([]);
    for (let i = 0; i < 3; i++) expect(await injected(`/faults/${i}`)).toEqual([good]);

    const recovered = unique('recovered');
    await headerService.setHeaders({ 'x-idp-token': recovered });
    await expect.poll(() => injected('/faults/recovered'), { timeout: timing.pollDeadlineMs }).toEqual([recovered]);
  });
}
