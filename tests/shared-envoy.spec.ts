/**
 * Two cases in a row on one shared Envoy, as the fixtures run them (proxy/case-listeners.ts): the
 * first case's listener ticks on until its drain is over, though it is removed without waiting for
 * that; the second case sees none of it. Pins the isolation the suites rely on, on a real Envoy (the newest of
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

test("a case's listener removed without waiting for its drain: the next case reads none of its lines, which go on around it", async () => {
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
      // Case 2 reads from here: the first case's plugin ticks all along (every 50 ms), before its
      // listener is removed and while it drains, so its lines are in case 2's window whatever the timing.
      envoy.endCase();
      envoy.routeCase(new Map(), [DEFAULT_VM_ID]);
      expect(envoy.url('/x')).toMatch(new RegExp(`:${LISTENER_PORT}/x$`));
      const mark = await envoy.logMark();
      // The first case's end: its listener removed, the drain not waited for.
      expect(await envoy.updateListener(defaults)).toBe('accepted');
      const [leftover] = await envoy.waitForLog((l) => l.includes(firstVm), { since: mark, what: "a line of the first case's plugin in the second case's window" });
      // ...and the default listener's own lines go on.
      await envoy.waitForLog((l) => l.includes(` ${DEFAULT_VM_ID}: header-augmenter: `), { since: leftover.at + 1 });
      const barrier = await envoy.logBarrier();
      // What the filter-log helpers give the second case: only its own VMs' lines.
      const caseLines = filterLinesBetween(envoy, mark, barrier);
      expect(caseLines.length).toBeGreaterThan(0);
      expect(caseLines.filter((l) => l.includes(firstVm))).toEqual([]);
      expect(caseLines.every((l) => l.includes(` ${DEFAULT_VM_ID}: header-augmenter: `))).toBe(true);
    } finally {
      await envoy.stop({ timeout: 0 });
    }
  } finally {
    await network.stop();
  }
});
