/**
 * What the conformance fixtures do around every case, faked: the `ewc.proxy` / `ewc.filter`
 * annotations, and an Envoy log attached only when the case failed (quiet on success).
 */
import { test as base } from '@playwright/test';

/** The fake proxies' facts, as the real fixtures would resolve them. */
export const FAKE_PROXIES: Record<string, { image: string; versionLine: string }> = {
  'envoy-9.0.0': { image: 'ewc/envoy:9.0.0-fake', versionLine: 'envoy  version: abc/9.0.0/Clean/RELEASE/BoringSSL' },
  'envoy-9.1.0': { image: 'ewc/envoy:9.1.0-fake', versionLine: 'envoy  version: def/9.1.0/Clean/RELEASE/BoringSSL' },
};
/** A proxy the fake setup could not get: every case of its column is skipped with this reason. */
export const FAKE_UNAVAILABLE: Record<string, string> = {
  'istio-9.9.0': 'image istio/proxyv2:9.9.0 not available locally and cannot be pulled (fake)',
};
/** The fake catalogue entries of abi-breakages.sample.ts (EWC_SAMPLE_BREAKAGES=1), in entry order. */
export const SAMPLE_BREAKAGES = [
  { id: 'abi-marker', upstream: ['solo-io/proxy-runtime#64', 'istio/istio#26388'] },
  { id: 'go-poll-oneoff', upstream: ['golang/go#78513', 'envoyproxy/envoy#44526'] },
  { id: 'vendor-host-call', upstream: ['higress-group/wasm-go#31'] },
];
/** Why vendor-host-call cannot run on envoy-9.0.0 (after the suite's `<entry>: cannot run here: `). */
export const NOT_MEASURED = 'not measured for Envoy 9.0.0 (no release of its minor was measured either; measured: 9.1.2): add it to breakages/vendor-host-call.ts';
export const FAKE_FILTER = { sha256: 'f'.repeat(64), size: 1234, variant: 'none' };
export const FAKE_LOG = 'fake envoy log: [wasm] header-augmenter: callout to header-service failed <status=503> & gave up';
export const FAKE_WASM_LOG = 'wasm log: [critical] header-augmenter: no headers yet';

export const test = base.extend<{ ewcCase: void }>({
  ewcCase: [
    async ({}, use, testInfo) => {
      const id = testInfo.project.name;
      const unavailable = FAKE_UNAVAILABLE[id];
      if (unavailable) {
        testInfo.annotations.push({ type: 'ewc.proxy', description: JSON.stringify({ id, available: false, reason: unavailable }) });
        testInfo.annotations.push({ type: 'ewc.filter', description: JSON.stringify(FAKE_FILTER) });
        testInfo.skip(true, unavailable);
      }
      const proxy = { id, available: true, ...FAKE_PROXIES[id], imageId: `sha256:${id}`, source: 'built-from-wheel', wasmRuntimes: ['envoy.wasm.runtime.v8', 'envoy.wasm.runtime.null'] };
      testInfo.annotations.push({ type: 'ewc.proxy', description: JSON.stringify(proxy) });
      testInfo.annotations.push({ type: 'ewc.filter', description: JSON.stringify(FAKE_FILTER) });
      await use();
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach('envoy log (this case)', { body: FAKE_LOG, contentType: 'text/plain' });
        await testInfo.attach('envoy wasm log (this case)', { body: FAKE_WASM_LOG, contentType: 'text/plain' });
      }
    },
    { auto: true },
  ],
});
export { expect } from '@playwright/test';
