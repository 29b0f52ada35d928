/**
 * Two cases in a row on one shared Envoy, as the fixtures run them (proxy/case-listeners.ts): the
 * first case's listener, removed without waiting for its drain, still ticks while it drains; the
 * second case sees none of it. Pins the isolation the suites rely on, on a real Envoy (the newest of
 * the matrix), with no peers: every callout fails at once, so every tick logs a line.
 */
import { expect, test } from '@playwright/test';
import { loadEntries } from '../envoy-versions';
import { resolveProxy } from '../engine/images';
import { startRunNetwork } from '../engine/network';
import '../engine/testcontainers-env';
import { buildBootstrap, DEFAULT_VM_ID, LISTENER_PORT, renderYaml } from '../proxy/bootstrap';
import { planCaseListeners } from '../proxy/case-listeners';
import { EnvoyContainer } from '../proxy/envoy-container';
import { defaultListener, HEADER_SERVICE_ALIAS, UPSTREAM_ALIAS } from '../proxy/launch';
import { filterWasmPath } from '../engine/paths';
import { filterLinesBetween } from '../vocabulary/filter-log';

const VERSION = 'envoy-1.40.0';

test.describe.configure({ timeout: 120_000 });

test("a case's listener removed without waiting for its drain: it still ticks, and the next case reads none of its lines", async () => {
  const entry = loadEntries().find((e) => e.id === VERSION)!;
  const proxy = await resolveProxy(entry, () => undefined);
  if (!proxy.available) throw new Error(`${VERSION} is not runnable here: ${proxy.reason}`);
  const network = await startRunNetwork();
  const defaults = defaultListener();
  try {
    const envoy = await new EnvoyContainer(proxy.image, entry)
      .withNetwork(network)
      .withBootstrap(renderYaml(buildBootstrap({ headerService: { host: HEADER_SERVICE_ALIAS, port: 8080 }, upstream: { host: UPSTREAM_ALIAS, port: 8080 } })))
      .withListener(defaults)
      .withCaseListenerPorts()
      .withFilter(filterWasmPath)
      .start();
    try {
      // Case 1: a listener of its own, ticking every 50 ms.
      const plan = planCaseListeners({ seq: 0, tag: 'first' }, [{ ...defaults, pluginConfig: { ...(defaults.pluginConfig as object), tick_period: '50ms' } }]);
      expect(plan.mainVmId).toBe(`${DEFAULT_VM_ID}.first`);
      expect(await envoy.updateListener([defaults, ...plan.listeners], { mustChange: true })).toBe('accepted');
      envoy.routeCase(plan.ports, [plan.mainVmId]);
      expect(envoy.url('/x')).toMatch(new RegExp(`:${plan.ports.get(LISTENER_PORT)}/x$`));
      const firstVm = ` ${plan.mainVmId}: header-augmenter: `;
      await envoy.waitForLog((l) => l.includes(firstVm), { since: 0 });
      // Its end: the listener removed, the drain not waited for.
      expect(await envoy.updateListener(defaults)).toBe('accepted');
      envoy.endCase();

      // Case 2, on the default listener.
      envoy.routeCase(new Map(), [DEFAULT_VM_ID]);
      expect(envoy.url('/x')).toMatch(new RegExp(`:${LISTENER_PORT}/x$`));
      const mark = await envoy.logMark();
      // The first case's plugin still ticks while its listener drains...
      const [leftover] = await envoy.waitForLog((l) => l.includes(firstVm), { since: mark, what: 'a line of the removed listener, still draining' });
      // ...and the default listener's own lines go on.
      await envoy.waitForLog((l) => l.includes(` ${DEFAULT_VM_ID}: header-augmenter: `), { since: leftover.at + 1 });
      const barrier = await envoy.logBarrier();
      // What the filter-log helpers give the second case: only its own VMs' lines.
      const caseLines = filterLinesBetween(envoy, mark, barrier);
      expect(caseLines.length).toBeGreaterThan(0);
      expect(caseLines.filter((l) => l.includes(firstVm))).toEqual([]);
      expect(caseLines.every((l) => l.includes(` ${DEFAULT_VM_ID}: header-augmenter: `))).toBe(true);
      await envoy.stop({ timeout: 0 });
    } catch (e) {
      await envoy.stop({ timeout: 0 });
      throw e;
    }
  } finally {
    await network.stop();
  }
});
