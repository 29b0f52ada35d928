/**
 * failure_policy: a filter build that traps in on_request_headers (test-only variant
 * `panic-on-request`, never in the production build) under each PluginConfig.failure_policy.
 * Outcomes as measured on every matrix version (all >= 1.33, where the field exists):
 * - FAIL_CLOSED: every request gets 503; the VM is not reloaded.
 * - FAIL_OPEN: the request that trapped gets 503; later requests bypass the filter (200, no headers).
 * - FAIL_RELOAD: requests get 503, and Envoy reloads the VM (with backoff) on later requests.
 *
 * What it pins, on every version: FAIL_CLOSED / FAIL_OPEN / FAIL_RELOAD with a filter build that
 * traps.
 */
import { addedHeaders, expect, statusThrough, test, timing, unique, uniqueServicePath, waitForFilterLog, type FailurePolicy } from '../fixtures';

// vm_reload_success counts every plugin of the name in the process: an Envoy of the case's own.
test.use({ ownEnvoy: true });

const TRAP_LINE = 'Function: proxy_on_request_headers failed: Uncaught RuntimeError: unreachable';
const RELOADS = 'wasm.header-augmenter.vm_reload_success';

interface PolicyCase {
  policy: FailurePolicy;
  /** Statuses of three requests in a row after the trap. */
  statuses: number[];
  /** Whether Envoy reloads the VM while requests keep coming. */
  reloads: boolean;
}

const CASES: PolicyCase[] = [
  { policy: 'FAIL_CLOSED', statuses: [503, 503, 503], reloads: false },
  { policy: 'FAIL_OPEN', statuses: [503, 200, 200], reloads: false },
  { policy: 'FAIL_RELOAD', statuses: [503, 503, 503], reloads: true },
];

for (const c of CASES) {
  test(`${c.policy}: a filter that traps on a request gives ${c.statuses.join(', ')}${c.reloads ? ' and is reloaded' : ''}`, async ({ envoy, configureFilter, headerService, proxyRequest, filterBuild }) => {
    await headerService.setHeaders({ 'x-idp-token': unique('tok') });
    const mark = await envoy.logMark();
    const reloads = (): Promise<number> => envoy.stat(RELOADS);
    expect(
      await configureFilter({ header_providing_service_path: uniqueServicePath() }, { codePath: filterBuild('panic-on-request'), failurePolicy: c.policy, vmId: `panic-${c.policy}` }),
    ).toBe('accepted');
    // The VM must be up (its config line) before the first request, so the trap is the request's.
    await waitForFilterLog(envoy, 'config ok:', { since: mark });

    const results = [];
    for (let i = 0; i < c.statuses.length; i++) results.push(await statusThrough(proxyRequest, `/trap/${i}`));
    expect(results.map((r) => r.status)).toEqual(c.statuses);
    for (const r of results.filter((x) => x.status === 200)) expect(addedHeaders(r.echo!)).toEqual([]);
    await envoy.waitForLog(TRAP_LINE, { since: mark });

    if (c.reloads) {
      await expect.poll(async () => (await statusThrough(proxyRequest, '/trap/again'), reloads()), { timeout: 3 * timing.pollDeadlineMs, intervals: [250] }).toBeGreaterThan(0);
      // The reloaded VM traps again on the next request: the policy reloads, it does not bypass.
      expect((await statusThrough(proxyRequest, '/trap/after-reload')).status).toBe(503);
    } else {
      expect(await reloads()).toBe(0);
    }
  });
}
