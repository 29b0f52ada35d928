/**
 * Envoy's request header limit (the HTTP connection manager's max_request_headers_kb) against what
 * the filter adds: the limit is enforced where Envoy decodes the client's request, so a client
 * request over it is refused and reaches nobody, while one under it is forwarded with the injected
 * set even when the set takes the request past the limit (Envoy does not re-check headers filters add).
 * How it is refused depends on the protocol, as measured on every version of the matrix: HTTP/1.1
 * answers 431; HTTP/2 resets the stream, since the codec refuses the header block before any
 * response exists.
 *
 * What it pins, on every version: with the connection manager's `max_request_headers_kb: 8`, both
 * protocols in turn: a client request of about 6 KB is forwarded with a 7 KB injected set (over 8
 * KiB at the upstream, every header intact: Envoy enforces the limit on what the client sent, not
 * on what filters add); one over the limit reaches nobody and gets `status 431` on HTTP/1.1, a
 * stream reset (`NGHTTP2_INTERNAL_ERROR`) on HTTP/2, the same on every version.
 */
import { exchange, exchangeOutcome, expect, PROTOCOLS, type Protocol, test, unique, uniqueServicePath, untilInjected, valuesOf, type EchoResponse } from '../fixtures';

const LIMIT_KB = 8;
const REFUSED: Record<Protocol, string> = { 'HTTP/1.1': 'status 431', 'HTTP/2': 'reset NGHTTP2_INTERNAL_ERROR' };
/** Seven injected headers of 1,000-byte values: about 7 KB, under the filter's 8,192-byte cap on a set. */
const BIG_SET = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`x-big-${i}`, `${i}`.repeat(1000)]));

// One listener with the limit, both protocols in turn.
test(`with max_request_headers_kb ${LIMIT_KB}, on HTTP/1.1 and HTTP/2: a client request under it is forwarded with a set that takes it past the limit; one over it is refused (${PROTOCOLS.map((p) => `${p}: ${REFUSED[p]}`).join(', ')}) and reaches nobody`, async ({
  envoy,
  configureFilter,
  headerService,
  upstream,
  proxyRequest,
}) => {
  const token = unique('tok');
  await headerService.setHeaders({ 'x-idp-token': token, ...BIG_SET });
  expect(await configureFilter({ header_providing_service_path: uniqueServicePath() }, { maxRequestHeadersKb: LIMIT_KB })).toBe('accepted');
  await untilInjected(proxyRequest, '/limits', token);

  for (const protocol of PROTOCOLS) {
    // About 6 KB from the client: under the limit on its own, over it with the set added.
    const under = await exchange(protocol, envoy.url(''), { path: '/limits/under', headers: [['x-client-pad', 'p'.repeat(6000)]] });
    expect(under.status, protocol).toBe(200);
    const echo = JSON.parse(under.body.toString('utf8')) as EchoResponse;
    const arrived = echo.headers.reduce((n, [k, v]) => n + k.length + v.length, 0);
    expect(arrived, `${protocol}: header bytes at the upstream`).toBeGreaterThan(LIMIT_KB * 1024);
    for (const [name, value] of Object.entries({ 'x-idp-token': token, ...BIG_SET })) expect(valuesOf(echo, name), `${protocol}: ${name}`).toEqual([value]);

    const before = (await upstream.calls()).length;
    expect(await exchangeOutcome(protocol, envoy.url(''), { path: '/limits/over', headers: [['x-client-pad', 'p'.repeat(LIMIT_KB * 1024)]] }), protocol).toBe(REFUSED[protocol]);
    expect((await upstream.calls()).length, protocol).toBe(before);
  }
});
