/**
 * Cases sharing the worker's Envoy (proxy/case-listeners.ts): what keeps one case's listeners apart
 * from the default one and from the cases before and after it, checked on the plan itself.
 */
import { expect, test } from '@playwright/test';
import { DEFAULT_VM_ID, LISTENER_PORT, SECOND_LISTENER_PORT } from '../proxy/bootstrap';
import { CASE_PORT_BASE, CASE_PORTS, CASE_SLOTS, casePort, planCaseListeners } from '../proxy/case-listeners';
import { extensionConfigName, planDelivery } from '../proxy/delivery';
import { WIRINGS } from '../proxy/wiring';

const config = { header_providing_service_cluster: 'header_service' };

test('each case gets its own ports, listener names, vm_ids and extension configs, none the default listener\'s', () => {
  const plans = Array.from({ length: CASE_SLOTS }, (_, seq) =>
    planCaseListeners({ seq, tag: `t${seq}` }, [{ pluginConfig: config, wiring: WIRINGS.istio }, { pluginConfig: config, port: SECOND_LISTENER_PORT, name: 'second', wiring: WIRINGS.istio }]),
  );
  const all = plans.flatMap((p) => p.listeners);
  for (const key of ['port', 'name', 'extensionConfigName'] as const) expect(new Set(all.map((l) => l[key])).size, key).toBe(all.length);
  // A case's listeners without a vm_id of their own share the case's VM (as they would share the default one), no other case's.
  expect(new Set(all.map((l) => l.vmId)).size).toBe(plans.length);
  expect(all.map((l) => l.port)).not.toContain(LISTENER_PORT);
  expect(all.map((l) => l.port)).not.toContain(SECOND_LISTENER_PORT);
  expect(all.map((l) => l.vmId)).not.toContain(DEFAULT_VM_ID);
  expect(all.map((l) => l.name)).not.toContain(WIRINGS.istio.listenerName);
  expect(all.map((l) => extensionConfigName(l))).not.toContain(WIRINGS.istio.ecdsName);
  expect(plans[3].listeners.map((l) => [l.port, l.name, l.vmId, l.extensionConfigName])).toEqual([
    [CASE_PORT_BASE + 6, '0.0.0.0_10000.case3', `${DEFAULT_VM_ID}.t3`, 'istio-system.header-augmenter.case3'],
    [CASE_PORT_BASE + 7, 'second.case3.10001', `${DEFAULT_VM_ID}.t3`, 'istio-system.header-augmenter.case3.10001'],
  ]);
  expect(plans[3].ports).toEqual(new Map([[LISTENER_PORT, CASE_PORT_BASE + 6], [SECOND_LISTENER_PORT, CASE_PORT_BASE + 7]]));
  expect(plans[3].mainVmId).toBe(`${DEFAULT_VM_ID}.t3`);
  // Every port a plan uses is one the shared Envoy makes reachable.
  expect(all.every((l) => CASE_PORTS.includes(l.port!))).toBe(true);
});

test('a port comes back only CASE_SLOTS cases later, and a vm_id the case chose is kept', () => {
  expect(casePort({ seq: 1, tag: 'a' }, LISTENER_PORT)).toBe(casePort({ seq: 1 + CASE_SLOTS, tag: 'b' }, LISTENER_PORT));
  for (let d = 1; d < CASE_SLOTS; d++) expect(casePort({ seq: 1 + d, tag: 'b' }, LISTENER_PORT)).not.toBe(casePort({ seq: 1, tag: 'a' }, LISTENER_PORT));
  const plan = planCaseListeners({ seq: 0, tag: 'x' }, [{ pluginConfig: config, vmId: 'shared-vm' }, { pluginConfig: config, vmId: 'shared-vm', port: SECOND_LISTENER_PORT }]);
  expect(plan.listeners.map((l) => l.vmId)).toEqual(['shared-vm', 'shared-vm']);
  // A case without a listener on the main port leaves its requests on the default listener.
  const second = planCaseListeners({ seq: 0, tag: 'x' }, [{ pluginConfig: config, port: SECOND_LISTENER_PORT }]);
  expect([...second.ports.keys()]).toEqual([SECOND_LISTENER_PORT]);
  expect(second.mainVmId).toBe(DEFAULT_VM_ID);
});

test('a port a case cannot name, or named twice, is an error saying so', () => {
  expect(() => planCaseListeners({ seq: 0, tag: 'x' }, [{ pluginConfig: config, port: 10002 }])).toThrow('a case listener is on port 10000 or 10001, not 10002');
  expect(() => planCaseListeners({ seq: 0, tag: 'x' }, [{ pluginConfig: config }, { pluginConfig: config, port: LISTENER_PORT }])).toThrow("two of the case's listeners name port 10000");
});

test('under ECDS each case listener names the extension config of its own', () => {
  const plan = planCaseListeners({ seq: 5, tag: 'x' }, [{ pluginConfig: config }]);
  const delivery = planDelivery('ecds', plan.listeners);
  expect(delivery.extensionConfigs.map((c) => c.name)).toEqual(['header-augmenter.case5']);
  expect(delivery.listeners.map((l) => l.configDiscovery?.name)).toEqual(['header-augmenter.case5']);
  expect(delivery.configNames).toEqual(new Map([[CASE_PORT_BASE + 10, 'header-augmenter.case5']]));
});
