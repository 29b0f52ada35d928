/**
 * ABI compatibility: which modules each proxy version loads, and how it refuses the others.
 * Probe modules (abi/probes/*.wat, assembled in global setup) are loaded beside the running filter
 * through a listener update, and once as the only listener at startup. Expected outcomes are the
 * measured data in abi/probes.ts, per Envoy minor where versions differ. The filter itself also runs
 * on every wasm runtime the binary carries.
 */
import path from 'node:path';
import { request as undiciRequest } from 'undici';
import { expectedProbeOutcome, PROBES, probeConfiguredMessage } from '../abi/probes';
import { echoThrough, expect, statusThrough, test, timing, unique, valuesOf } from '../fixtures';
import { SECOND_LISTENER_PORT } from '../fixtures/envoy/bootstrap';
import { probesDir } from '../fixtures/paths';

const probeListener = (name: string) => ({
  name: 'probe',
  port: SECOND_LISTENER_PORT,
  statPrefix: 'probe',
  codePath: path.join(probesDir, `${name}.wasm`),
  rootId: 'probe',
  vmId: `probe-${name}`,
  pluginName: `probe-${name}`,
  pluginConfig: '{}',
});

/** Host lines (text after the source location) with the plugin name filled in. */
const hostLines = (lines: string[], name: string): string[] => lines.map((l) => l.replace('<plugin>', `probe-${name}`));

/** Whether each line occurs in the log, in this order. */
function inOrder(log: string[], lines: string[]): boolean {
  let at = 0;
  for (const line of lines) {
    const i = log.findIndex((l, idx) => idx >= at && l.includes(line));
    if (i < 0) return false;
    at = i + 1;
  }
  return true;
}

for (const probe of PROBES) {
  test(`probe ${probe.name} (${probe.tests}): listener update ${probe.expectLoad ? 'accepted, probe serves' : 'rejected, other listener keeps serving'}`, async ({
    envoy,
    proxyEntry,
    configureListeners,
    pluginConfig,
    proxyRequest,
    headerService,
  }) => {
    const outcome = expectedProbeOutcome(probe.name, proxyEntry.envoyVersion);
    const token = unique('tok');
    await headerService.setHeaders({ 'x-idp-token': token });
    const mark = envoy.logMark();

    expect(await configureListeners([{ pluginConfig: pluginConfig() }, probeListener(probe.name)])).toBe(outcome.lds.update);
    const configured = `wasm log probe probe-${probe.name}: ${probeConfiguredMessage(probe.name)}`;
    if (outcome.configured) await expect.poll(() => envoy.logLinesSince(mark).some((l) => l.includes(configured)), { timeout: timing.pollDeadlineMs }).toBe(true);
    await expect.poll(() => inOrder(envoy.logLinesSince(mark), hostLines(outcome.hostLog, probe.name)), { timeout: timing.pollDeadlineMs }).toBe(true);

    // The main listener, with the real filter, keeps serving either way.
    await expect.poll(async () => valuesOf(await echoThrough(proxyRequest, '/main'), 'x-idp-token'), { timeout: timing.pollDeadlineMs }).toEqual([token]);
    const probeAnswer = await undiciRequest(envoy.url('/probe', SECOND_LISTENER_PORT), { headers: { connection: 'close' }, reset: true }).then(
      async (r) => (await r.body.text(), r.statusCode),
      () => 'no answer' as const,
    );
    expect(probeAnswer).toBe(outcome.lds.probeListenerServes ? 200 : 'no answer');
    expect(envoy.logLinesSince(mark).some((l) => l.includes(configured))).toBe(outcome.configured);
  });
}

for (const probe of PROBES.filter((p) => !p.expectLoad)) {
  test(`probe ${probe.name} in the bootstrap: Envoy refuses to start and says why`, async ({ proxyEntry, startEnvoy }) => {
    const outcome = expectedProbeOutcome(probe.name, proxyEntry.envoyVersion);
    expect(outcome.static.envoy).toBe('exits');
    const { codePath, ...listener } = probeListener(probe.name);
    const started = startEnvoy({ ...listener, port: undefined, wasmPath: codePath, staticListener: true });
    await expect(started).rejects.toThrow(hostLines(outcome.hostLog, probe.name)[0]);
  });
}

const RUNTIMES = ['envoy.wasm.runtime.v8', 'envoy.wasm.runtime.wamr', 'envoy.wasm.runtime.wasmtime', 'envoy.wasm.runtime.wavm'];

for (const runtime of RUNTIMES) {
  test(`the filter injects on runtime ${runtime.replace('envoy.wasm.runtime.', '')} where the binary carries it`, async ({ availableProxy, configureFilter, headerService, proxyRequest }) => {
    test.skip(!availableProxy.wasmRuntimes.includes(runtime), `${availableProxy.entry.id} does not carry ${runtime} (it registers: ${availableProxy.wasmRuntimes.join(', ')})`);
    const token = unique('rt');
    await headerService.setHeaders({ 'x-idp-token': token });
    expect(await configureFilter({}, { runtime, vmId: `filter-on-${runtime}` })).toBe('accepted');
    await expect.poll(async () => valuesOf(await echoThrough(proxyRequest, '/runtime'), 'x-idp-token'), { timeout: timing.pollDeadlineMs }).toEqual([token]);
    expect((await statusThrough(proxyRequest, '/runtime/2')).status).toBe(200);
  });
}
