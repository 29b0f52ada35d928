/**
 * A header service that lies or dies: every answer that is not a 200 with a JSON object of strings
 * (valid header names and values, no duplicates) is refused with one `callout failed: <reason>` line,
 * and the last good header set keeps being injected (until it expires, which cache-expiry covers).
 * When the service recovers, its new set arrives.
 *
 * What it pins, on every version: a service that lies or dies (not JSON, an array, a non-string
 * value, a bad header name, CR LF or NUL in a value, two names equal ignoring case, an empty body,
 * a valid-looking body with 201, 302, 404 or 500, an answer slower than `callout_timeout`, a
 * dropped connection): each refused with its exact `callout failed:` reason, no cache update
 * between refusals, the last good set stays, the recovered set arrives. Hostile answers by rule
 * (filter/README.md, "Hostile answers"), each answer served in turn under one configuration (two in
 * a row never share a reason, so each refusal line is that answer's own): names it must never set
 * (`host`, framing and hop-by-hop headers, pseudo-headers, empty, `:` or `/`), then control bytes,
 * DEL, bytes that are not UTF-8, a 16 KiB value, 1,000 headers and a 1 MiB body: each refused
 * naming its reason, and the upstream request stays exactly as it was, one per client request, then
 * the next good set arrives; UTF-8 text, a tab and every visible ASCII character arrive byte for
 * byte.
 */
import {
  durationString,
  echoThrough,
  expect,
  expectHealthy,
  filterLogBetween,
  test,
  timing,
  unique,
  uniqueServicePath,
  untilInjected,
  valuesOf,
  waitForFilterLog,
  type EchoResponse,
  type HeaderServiceBehaviour,
  type LogLine,
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
    await expectHealthy(envoy, mark);
  });
}

// Hostile answers, grouped by rule: each answer of a group is served in turn under one plugin
// configuration, and each must be refused with its own line. Between the first refusal and the
// last, nothing is cached; afterwards the upstream sees exactly what it saw before the first one.
interface Hostile {
  what: string;
  behaviour: HeaderServiceBehaviour;
  /** The whole `callout failed: invalid body: …` reason; a prefix where the parser's offset follows. */
  reason: string;
  prefixOnly?: boolean;
}

const named = (name: string): HeaderServiceBehaviour => ({ status: 200, headers: {}, rawBody: JSON.stringify({ 'x-idp-token': 'stolen', [name]: 'evil' }) });
const valued = (value: string): HeaderServiceBehaviour => ({ status: 200, headers: {}, rawBody: JSON.stringify({ 'x-idp-token': value }) });
const bytes = (b: Buffer): HeaderServiceBehaviour => ({ status: 200, headers: {}, rawBodyBase64: b.toString('base64') });

const HOSTILE: Record<string, { title: string; answers: Hostile[] }> = {
  names: {
    title: 'names it must never set (routing, framing, hop-by-hop, pseudo-headers, empty, with ":" or "/"): each answer refused naming the header; the upstream request is unchanged, one per client request',
    answers: [
      ...['host', 'connection', 'transfer-encoding', 'content-length', 'te', 'upgrade', 'keep-alive', 'proxy-connection', 'trailer'].map((n) => ({ what: n, behaviour: named(n), reason: `forbidden header "${n}"` })),
      ...[':path', ':authority', ':method', '', 'x-a:b', 'x-a/b'].map((n) => ({ what: JSON.stringify(n), behaviour: named(n), reason: `invalid header name "${n}"` })),
    ],
  },
  values: {
    title: 'values with control bytes, DEL or bytes that are not UTF-8, and oversized answers (a 16 KiB value, 1,000 headers, a 1 MiB body): each answer refused with its reason; the upstream request is unchanged',
    answers: [
      // Ordered so that two answers in a row never share a reason.
      { what: 'ESC', behaviour: valued('stolen\u001b[31m'), reason: 'invalid value for header "x-idp-token"' },
      { what: 'bytes 0xff 0xfe', behaviour: bytes(Buffer.concat([Buffer.from('{"x-idp-token": "stolen'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])), reason: 'not JSON (invalid UTF-8 in string', prefixOnly: true },
      { what: 'BEL', behaviour: valued('stolen\u0007'), reason: 'invalid value for header "x-idp-token"' },
      { what: 'an overlong "/"', behaviour: bytes(Buffer.concat([Buffer.from('{"x-idp-token": "stolen'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])), reason: 'not JSON (invalid UTF-8 in string', prefixOnly: true },
      { what: 'DEL', behaviour: valued('stolen\u007f'), reason: 'invalid value for header "x-idp-token"' },
      { what: '16 KiB value', behaviour: valued('v'.repeat(16 * 1024)), reason: 'headers too large: over 8192 bytes at "x-idp-token"' },
      { what: 'CR alone', behaviour: valued('stolen\rx-smuggled: yes'), reason: 'invalid value for header "x-idp-token"' },
      { what: '1,000 headers', behaviour: { status: 200, headers: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`x-h-${i}`, 'v'])) }, reason: 'too many headers: 1000 (limit 64)' },
      { what: '1 MiB body', behaviour: valued('v'.repeat(1024 * 1024)), reason: `body too large: ${JSON.stringify({ 'x-idp-token': 'v'.repeat(1024 * 1024) }).length} bytes (limit 65536)` },
    ],
  },
};

// The order the hostile cases rely on: no two answers in a row share a reason.
for (const { title, answers } of Object.values(HOSTILE)) {
  const repeated = answers.findIndex((a, i) => i > 0 && a.reason === answers[i - 1].reason);
  if (repeated > 0) throw new Error(`${title}: answers ${repeated - 1} and ${repeated} share the reason "${answers[repeated].reason}"`);
}

for (const { title, answers } of Object.values(HOSTILE)) {
  test(title, async ({ envoy, configureFilter, headerService, upstream, proxyRequest }) => {
    const good = unique('good');
    await headerService.setHeaders({ 'x-idp-token': good });
    const vmId = unique('hostile');
    // Each answer only waits for its refusal line: a short tick period serves them faster.
    const fast = { tick_period: durationString(timing.fastTickPeriodMs) };
    expect(await configureFilter({ header_providing_service_path: uniqueServicePath(), header_cache_expiry: `${EXPIRY_MS}ms`, ...fast }, { vmId })).toBe('accepted');
    await untilInjected(proxyRequest, '/hostile', good);
    // The request as the upstream sees it with the good set: every later one must look the same.
    const shape = (e: EchoResponse): unknown => ({ method: e.method, path: e.path, authority: e.authority, body: e.body, headers: e.headers.filter(([n]) => n !== 'x-request-id') });
    const before = shape(await echoThrough(proxyRequest, '/hostile'));

    const mark = await envoy.logMark();
    let first: LogLine | undefined;
    let since = mark;
    for (const answer of answers) {
      await headerService.setBehaviour(answer.behaviour);
      // Two answers in a row never share a reason (checked when the file loads), so a line with this
      // reason past the previous answer's refusal is this answer's own.
      const line = `callout failed: invalid body: ${answer.reason}`;
      const [refused] = await waitForFilterLog(envoy, (m) => (answer.prefixOnly ? m.startsWith(line) : m === line), { since, vmId, what: `${JSON.stringify(line)} for ${answer.what}` });
      first ??= refused;
      since = refused.at + 1;
    }
    // Nothing of any refused answer was cached, up to a line written after the last refusal.
    expect(filterLogBetween(envoy, first!.at, await envoy.logBarrier(), 'cache updated:', vmId)).toEqual([]);
    const calls = (await upstream.calls()).length;
    for (let i = 0; i < 3; i++) expect(shape(await echoThrough(proxyRequest, '/hostile'))).toEqual(before);
    expect((await upstream.calls()).length).toBe(calls + 3);

    // The fault cleared: the next good set is injected, and Envoy and the VM are fine.
    const recovered = unique('recovered');
    await headerService.setHeaders({ 'x-idp-token': recovered });
    await untilInjected(proxyRequest, '/hostile/recovered', recovered);
    await expectHealthy(envoy, mark);
  });
}

test('values with UTF-8 text, a tab and every visible ASCII character are accepted and arrive byte for byte', async ({ headerService, proxyRequest }) => {
  const visible = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('');
  const set = { 'x-idp-token': unique('token'), 'x-user-name': 'Zoë Ångström 名前 🚀', 'x-tabbed': 'a\tb', 'x-visible': visible };
  await headerService.setHeaders(set);
  await untilInjected(proxyRequest, '/utf8', set['x-idp-token']);
  const echo = await echoThrough(proxyRequest, '/utf8');
  // Node's parser hands header values over as latin1: compare the bytes.
  const received = (name: string): Buffer => Buffer.from(valuesOf(echo, name).join(','), 'latin1');
  for (const [name, value] of Object.entries(set)) expect(received(name).equals(Buffer.from(value, 'utf8')), `${name}: ${received(name).toString('hex')}`).toBe(true);
});
