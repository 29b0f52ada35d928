/**
 * ABI compatibility: which modules each proxy version loads, and how it refuses the others.
 * Probe modules (abi/probes/*.wat, assembled in global setup) are loaded beside the running filter
 * through a listener update, and once as the only listener at startup. Expected outcomes are the
 * measured data in abi/probes.ts, per Envoy minor where versions differ. The filter itself also runs
 * on every wasm runtime the binary carries. Modules are named in the listener whatever the column's
 * delivery (the outcomes are LDS's).
 *
 * What it pins, on every version: ABI probe modules accepted (configured once per VM) or refused
 * with the host's exact log lines, through LDS and as the only listener in the bootstrap (accepted:
 * Envoy serves the probe; refused: Envoy exits with code 1); the filter on every runtime the binary
 * carries.
 */
import path from 'node:path';
import {
  EnvoyStartError,
  expect,
  expectedProbeOutcome,
  PROBES,
  probeConfiguredMessage,
  probesDir,
  SECOND_LISTENER_PORT,
  statusAt,
  statusThrough,
  test,
  unique,
  untilInjected,
  type LogLine,
  type StartedEnvoyContainer,
} from '../fixtures';

// The outcomes are measured for modules named in a listener (LDS): under ECDS a listener naming an
// unloadable module is accepted and its extension config refused instead (delivery-ecds pins that).
test.use({ delivery: 'local' });

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

const VMS_PER_PLUGIN_AT_CONCURRENCY_1 = 3;

/** Host lines (text after the source location) with the plugin name filled in. */
const hostLines = (lines: string[], name: string): string[] => lines.map((l) => l.replace('<plugin>', `probe-${name}`));

/** Waits for each line after the previous one, in this order; returns the last one seen (or none for no lines). */
async function expectInOrder(envoy: StartedEnvoyContainer, since: number, lines: string[]): Promise<LogLine | undefined> {
  let last: LogLine | undefined;
  for (const line of lines) last = (await envoy.waitForLog(line, { since: last ? last.at + 1 : since }))[0];
  return last;
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
    const mark = await envoy.logMark();

    expect(await configureListeners([{ pluginConfig: pluginConfig() }, probeListener(probe.name)])).toBe(outcome.lds.update);
    const configured = `wasm log probe probe-${probe.name}: ${probeConfiguredMessage(probe.name)}`;
    if (outcome.configured) await envoy.waitForLog(configured, { since: mark });
    await expectInOrder(envoy, mark, hostLines(outcome.hostLog, probe.name));

    // The main listener, with the real filter, keeps serving either way.
    await untilInjected(proxyRequest, '/main', token);
    expect(await statusAt(envoy.url('/probe', SECOND_LISTENER_PORT))).toBe(outcome.lds.probeListenerServes ? 200 : 'no answer');
    // Up to a line written after all of the above: the probe configured exactly when it should have,
    // once in each VM Envoy creates for a plugin at --concurrency 1 (a canary, the main thread's, one worker's).
    const configuredLines = envoy.logBetween(mark, await envoy.logBarrier()).filter((l) => l.includes(configured));
    expect(configuredLines.length).toBe(outcome.configured ? VMS_PER_PLUGIN_AT_CONCURRENCY_1 : 0);
  });
}

for (const probe of PROBES) {
  test(`probe ${probe.name} as the only listener in the bootstrap: Envoy ${probe.expectLoad ? 'starts and the probe serves' : 'exits with code 1 and says why'}`, async ({ proxyEntry, startEnvoy }) => {
    const outcome = expectedProbeOutcome(probe.name, proxyEntry.envoyVersion);
    const { codePath, ...listener } = probeListener(probe.name);
    const started = startEnvoy({ ...listener, port: undefined, wasmPath: codePath, staticListener: true });
    if (outcome.static.envoy === 'serves') {
      const envoy = await started;
      await envoy.waitForLog(`wasm log probe probe-${probe.name}: ${probeConfiguredMessage(probe.name)}`, { since: 0 });
      expect(await statusAt(envoy.url('/probe'))).toBe(200);
      return;
    }
    const error = await started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, `the start's failure: ${(error as Error | undefined)?.stack ?? String(error)}`).toBeInstanceOf(EnvoyStartError);
    const failure = error as EnvoyStartError;
    expect(failure.exitCode, failure.message).toBe(1);
    expect(failure.message).toContain(`Envoy ${proxyEntry.id} exited with code 1 before it was ready`);
    // Every host line, in order, in the log of the Envoy that exited.
    let at = 0;
    for (const line of hostLines(outcome.hostLog, probe.name)) {
      const i = failure.log.findIndex((l, idx) => idx >= at && l.includes(line));
      expect(i, `"${line}" in order in:\n${failure.log.join('\n')}`).toBeGreaterThanOrEqual(0);
      at = i + 1;
    }
  });
}

const RUNTIMES = ['envoy.wasm.runtime.v8', 'envoy.wasm.runtime.wamr', 'envoy.wasm.runtime.wasmtime', 'envoy.wasm.runtime.wavm'];

for (const runtime of RUNTIMES) {
  test(`the filter injects on runtime ${runtime.replace('envoy.wasm.runtime.', '')} where the binary carries it`, async ({ availableProxy, configureFilter, headerService, proxyRequest }) => {
    test.skip(!availableProxy.wasmRuntimes.includes(runtime), `${availableProxy.entry.id} does not carry ${runtime} (it registers: ${availableProxy.wasmRuntimes.join(', ')})`);
    const token = unique('rt');
    await headerService.setHeaders({ 'x-idp-token': token });
    expect(await configureFilter({}, { runtime, vmId: `filter-on-${runtime}` })).toBe('accepted');
    await untilInjected(proxyRequest, '/runtime', token);
    expect((await statusThrough(proxyRequest, '/runtime/2')).status).toBe(200);
  });
}
