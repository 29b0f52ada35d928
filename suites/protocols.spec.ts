/**
 * Real downstream protocols: HTTP/1.1 and HTTP/2 (h2c, prior knowledge) give the same injection,
 * replacement of a client-sent header and deny reply; bodies pass byte for byte both ways (empty,
 * 1 MiB, streamed); HTTP/2 trailers survive. Exactly one upstream request per client request.
 *
 * What it pins, on every version: HTTP/1.1 (undici) and HTTP/2 over cleartext with prior knowledge
 * (`node:http2`): per protocol, the set injected and a client copy sent on two lines (mixed-case
 * name) replaced by exactly one line, and request and response bodies byte for byte (sha256 at the
 * upstream and at the client) with framing kept (no body, 1 MiB with its length, 2 MiB streamed in
 * 32 chunks), one upstream request per client request; under one configuration, both protocols in
 * turn: `overwrite: false` keeps the client's two lines in order and adds none of ours, and the
 * deny reply (503, `text/plain`, exact body) with nothing sent upstream; HTTP/2 request trailers
 * reach the upstream and its response trailers reach the client.
 */
import { createHash } from 'node:crypto';
import {
  ECHO_RAW_HEADER,
  exchange,
  expect,
  PROTOCOLS,
  test,
  unique,
  uniqueServicePath,
  untilInjected,
  valuesOf,
  type EchoResponse,
  type Exchange,
  type Protocol,
  type Reply,
} from '../fixtures';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const echoOf = (r: Reply): EchoResponse => {
  if (r.status !== 200) throw new Error(`status ${r.status}: ${r.body.toString('utf8').slice(0, 300)}`);
  return JSON.parse(r.body.toString('utf8')) as EchoResponse;
};

/** 1 MiB that is not one repeated byte: a reordered or dropped chunk changes the digest. */
const MIB = Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7 + (i >> 10)) & 0xff));
const BODIES: Array<{ what: string; body?: Buffer | Buffer[]; bytes: Buffer }> = [
  { what: 'no body', bytes: Buffer.alloc(0) },
  { what: '1 MiB with its length', body: MIB, bytes: MIB },
  // Over Envoy's default buffer limit (1 MiB per stream): a filter that buffered bodies would get a 413 here.
  { what: '2 MiB streamed in 32 chunks', body: [...Array.from({ length: 32 }, (_, i) => MIB.subarray((i % 16) * 65536, ((i % 16) + 1) * 65536))], bytes: Buffer.concat([MIB, MIB]) },
];

for (const protocol of PROTOCOLS) {
  test.describe(protocol, () => {
    test('the set is injected, and a client copy sent on two lines (mixed-case name) is replaced by exactly one line', async ({ envoy, headerService, upstream, proxyRequest }) => {
      const set = { 'x-idp-token': unique('tok'), 'x-tenant-id': unique('tenant') };
      await headerService.setHeaders(set);
      await untilInjected(proxyRequest, '/proto', set['x-idp-token']);
      const before = (await upstream.calls()).length;
      const echo = echoOf(
        await exchange(protocol, envoy.url(''), {
          path: '/proto/replace',
          headers: [
            ['X-Idp-Token', 'spoofed-1'],
            ['x-IDP-token', 'spoofed-2'],
            ['x-client-trace', 'trace-1'],
          ],
        }),
      );
      expect([valuesOf(echo, 'x-idp-token'), valuesOf(echo, 'x-tenant-id'), valuesOf(echo, 'x-client-trace')]).toEqual([[set['x-idp-token']], [set['x-tenant-id']], ['trace-1']]);
      expect((await upstream.calls()).length).toBe(before + 1);
    });

    test('request and response bodies pass byte for byte (no body, 1 MiB, 2 MiB streamed), with the set injected', async ({ envoy, headerService, upstream, proxyRequest }) => {
      const token = unique('tok');
      await headerService.setHeaders({ 'x-idp-token': token });
      await untilInjected(proxyRequest, '/proto/body', token);
      for (const { what, body, bytes } of BODIES) {
        await upstream.reset();
        const x: Exchange = { method: 'POST', path: `/proto/body`, headers: [[ECHO_RAW_HEADER, '1']], body };
        const r = await exchange(protocol, envoy.url(''), x).catch((e: Error) => Promise.reject(new Error(`${what}: ${e.message}`)));
        const calls = await upstream.calls();
        expect(calls.length, what).toBe(1);
        const [call] = calls;
        // Framing kept: a streamed body goes on chunked, a body with a length keeps it.
        expect([call.bodyBytes, call.bodySha256, call.chunked, valuesOf({ ...call, body: '' }, 'x-idp-token')], `${what}: what the upstream received`).toEqual([
          bytes.length,
          sha256(bytes),
          Array.isArray(body),
          [token],
        ]);
        expect([r.status, r.body.length, sha256(r.body), r.headers['x-echo-request-sha256']], `${what}: what the client received`).toEqual([200, bytes.length, sha256(bytes), sha256(bytes)]);
      }
    });
  });
}

// One plugin configuration, both protocols in turn: what arrives (or is answered) must be identical.
test("overwrite false, on HTTP/1.1 and HTTP/2 alike: the client's two lines arrive untouched and in order, ours is not added", async ({ envoy, headerService, upstream, proxyRequest, configureFilter }) => {
  const set = { 'x-idp-token': unique('tok'), 'x-tenant-id': unique('tenant') };
  await headerService.setHeaders(set);
  expect(await configureFilter({ header_providing_service_path: uniqueServicePath(), overwrite: false })).toBe('accepted');
  await untilInjected(proxyRequest, '/proto/keep', set['x-idp-token']);
  for (const protocol of PROTOCOLS) {
    const before = (await upstream.calls()).length;
    const echo = echoOf(await exchange(protocol, envoy.url(''), { path: '/proto/keep', headers: [['X-Idp-Token', 'client-1'], ['x-idp-token', 'client-2']] }));
    expect([valuesOf(echo, 'x-idp-token'), valuesOf(echo, 'x-tenant-id')], protocol).toEqual([['client-1', 'client-2'], [set['x-tenant-id']]]);
    expect((await upstream.calls()).length, protocol).toBe(before + 1);
  }
});

test('no set and on_missing_headers deny, on HTTP/1.1 and HTTP/2 alike: 503, text/plain, the exact body, and nothing reaches the upstream', async ({ envoy, headerService, upstream, configureFilter }) => {
  const path = uniqueServicePath();
  await headerService.setBehaviour({ status: 500, headers: { 'x-idp-token': 'never' } }, path);
  expect(await configureFilter({ header_providing_service_path: path, on_missing_headers: 'deny' })).toBe('accepted');
  for (const protocol of PROTOCOLS) {
    const before = (await upstream.calls()).length;
    // in effect: the path answers 500 since before the configuration: no set is ever fetched.
    const r = await exchange(protocol, envoy.url(''), { path: '/proto/deny' });
    expect([r.status, r.headers['content-type'], r.body.toString('utf8')], protocol).toEqual([503, 'text/plain', 'header-augmenter: no headers available (never fetched)\n']);
    expect((await upstream.calls()).length, protocol).toBe(before);
  }
});

test('HTTP/2: request trailers reach the upstream, and its response trailers reach the client', async ({ envoy, headerService, upstream, proxyRequest }) => {
  const token = unique('tok');
  await headerService.setHeaders({ 'x-idp-token': token });
  await untilInjected(proxyRequest, '/proto/trailers', token);
  const body = Buffer.from('a body with trailers');
  const trailers = { 'x-body-sha256': sha256(body), 'x-checked': unique('chk') };
  const protocol: Protocol = 'HTTP/2';
  await upstream.reset();
  const r = await exchange(protocol, envoy.url(''), { method: 'POST', path: '/proto/trailers', headers: [[ECHO_RAW_HEADER, '1']], body: [body], trailers });
  const [call] = await upstream.calls();
  expect([call.trailers, call.bodySha256, valuesOf({ ...call, body: '' }, 'x-idp-token')]).toEqual([Object.entries(trailers), sha256(body), [token]]);
  expect([r.status, r.body.equals(body), r.trailers['x-body-sha256'], r.trailers['x-checked']]).toEqual([200, true, trailers['x-body-sha256'], trailers['x-checked']]);
});
