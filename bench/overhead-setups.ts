/**
 * What the overhead benchmark compares, as data: the same route with no filter, with Envoy's native
 * `request_headers_to_add`, with a no-op wasm module (the floor of any wasm filter) and with each
 * filter implementation (warm cache). The upstream is another Envoy in its own container that
 * answers at once, and that checks every request: on `/injected` a request without the exact header
 * set gets 412, so a run where injection failed shows as failures, never as a fast number.
 */
import { renderYaml, type ListenerOptions } from '../proxy/bootstrap';
import { SERVICE_PORT } from '../peer/protocol';

/** The set the header service hands out (and native injection adds): a token and two routing headers. */
export const BENCH_HEADERS: Readonly<Record<string, string>> = {
  'x-idp-token': 'eyJhbGciOiJSUzI1NiJ9.bench-token-0123456789abcdef0123456789abcdef0123456789abcdef',
  'x-tenant': 'bench-tenant',
  'x-request-source': 'mesh-sidecar',
};

export const INJECTED_PATH = '/injected';
export const PLAIN_PATH = '/plain';

export interface BenchSetup {
  id: string;
  what: string;
  /** The path load goes to: /injected when the headers must arrive at the upstream. */
  path: string;
  /** The module (host path) of the wasm setups; undefined for the native ones. */
  module?: 'noop' | 'filter';
  /** Filter implementation id (module === 'filter'). */
  implementation?: string;
  launch: Partial<Pick<ListenerOptions, 'httpFilter' | 'requestHeadersToAdd' | 'rootId' | 'pluginConfig'>>;
}

export function benchSetups(implementations: readonly string[]): BenchSetup[] {
  return [
    { id: 'no-filter', what: 'router only', path: PLAIN_PATH, launch: { httpFilter: 'none' } },
    { id: 'native', what: 'request_headers_to_add (same set)', path: INJECTED_PATH, launch: { httpFilter: 'none', requestHeadersToAdd: { ...BENCH_HEADERS } } },
    // The ABI probe abi-0-2-0: proxy_on_request_headers returns Continue and nothing else.
    { id: 'noop-wasm', what: 'no-op module (abi-0-2-0 probe)', path: PLAIN_PATH, module: 'noop', launch: { rootId: 'probe', pluginConfig: {} } },
    ...implementations.map((impl): BenchSetup => ({ id: `filter:${impl}`, what: `the filter (${impl}), warm cache`, path: INJECTED_PATH, module: 'filter', implementation: impl, launch: {} })),
  ];
}

/** The upstream Envoy: direct responses only, on the port the proxy's upstream cluster names. */
export function upstreamBootstrap(): string {
  const exact = Object.entries(BENCH_HEADERS).map(([name, value]) => ({ name, string_match: { exact: value } }));
  const direct = (status: number, body: string): object => ({ direct_response: { status, body: { inline_string: body } } });
  return renderYaml({
    node: { id: 'ewc-bench-upstream', cluster: 'ewc' },
    admin: { address: { socket_address: { address: '0.0.0.0', port_value: 9901 } } },
    static_resources: {
      listeners: [
        {
          name: 'upstream',
          address: { socket_address: { address: '0.0.0.0', port_value: SERVICE_PORT } },
          filter_chains: [
            {
              filters: [
                {
                  name: 'envoy.filters.network.http_connection_manager',
                  typed_config: {
                    '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
                    stat_prefix: 'upstream',
                    route_config: {
                      virtual_hosts: [
                        {
                          name: 'upstream',
                          domains: ['*'],
                          routes: [
                            { match: { prefix: INJECTED_PATH, headers: exact }, ...direct(200, 'ok\n') },
                            { match: { prefix: INJECTED_PATH }, ...direct(412, 'injected headers missing or wrong\n') },
                            { match: { prefix: '/' }, ...direct(200, 'ok\n') },
                          ],
                        },
                      ],
                    },
                    http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } }],
                  },
                },
              ],
            },
          ],
        },
      ],
    },
  });
}
