/**
 * The delivery modes as Envoy configuration, docker-free: what each mode renders (the real Envoys
 * are the delivery-* suites), module variants Envoy has never cached, and a mode named by mistake.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { buildEcdsFile, buildListener, ecdsFile, extensionConfig, WASM_CODE_CLUSTER } from '../proxy/bootstrap';
import { DELIVERY_MODES, distinctModule, extensionConfigName, moduleSha256, selectDelivery } from '../proxy/delivery';
import { WIRINGS } from '../proxy/wiring';
import YAML from 'yaml';
import { readWasmModule } from '../abi/wasm-module';

const FILTER = path.join(__dirname, '..', 'filter', 'build', 'filter.wasm');
const httpFilters = (listener: object): Array<Record<string, unknown>> =>
  (listener as { filter_chains: Array<{ filters: Array<{ typed_config: { http_filters: Array<Record<string, unknown>> } }> }> }).filter_chains[0].filters[0].typed_config.http_filters;

test('modes: local by default, an unknown one refused naming the known ones', () => {
  expect(DELIVERY_MODES).toEqual(['local', 'remote', 'ecds']);
  expect(selectDelivery(undefined)).toBe('local');
  expect(selectDelivery(' ecds ')).toBe('ecds');
  expect(() => selectDelivery('oci')).toThrow('unknown delivery mode "oci". Known: local, remote, ecds');
});

test('remote: the wasm filter names the code server cluster, the sha256 and the retries', () => {
  const [wasm] = httpFilters(buildListener({ pluginConfig: {}, remoteCode: { uri: 'http://headers:8082/modules/x.wasm', sha256: 'ab'.repeat(32), numRetries: 2, timeoutMs: 500 } })).slice(-2);
  expect((wasm.typed_config as { config: { vm_config: { code: unknown } } }).config.vm_config.code).toEqual({
    remote: { http_uri: { uri: 'http://headers:8082/modules/x.wasm', cluster: WASM_CODE_CLUSTER, timeout: '0.5s' }, sha256: 'ab'.repeat(32), retry_policy: { num_retries: 2 } },
  });
});

test('ecds: the listener names its extension config, one file per name, Istio-style names on the Istio wiring', () => {
  expect(extensionConfigName({ pluginConfig: {} })).toBe('header-augmenter');
  expect(extensionConfigName({ pluginConfig: {}, port: 10001 })).toBe('header-augmenter.10001');
  expect(extensionConfigName({ pluginConfig: {}, wiring: WIRINGS.istio })).toBe('istio-system.header-augmenter');
  const filters = httpFilters(buildListener({ pluginConfig: {}, wiring: WIRINGS.istio, configDiscovery: { name: 'istio-system.header-augmenter' } }));
  // Istio's filters first, the discovered one right before the router.
  expect(filters.map((f) => f.name)).toEqual(['envoy.filters.http.cors', 'envoy.filters.http.fault', 'istio-system.header-augmenter', 'envoy.filters.http.router']);
  expect(filters[2].config_discovery).toEqual({
    config_source: { resource_api_version: 'V3', path_config_source: { path: `/etc/envoy/dynamic/${ecdsFile('istio-system.header-augmenter')}`, watched_directory: { path: '/etc/envoy/dynamic' } } },
    type_urls: ['type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm'],
  });
  const file = YAML.parse(buildEcdsFile(extensionConfig('istio-system.header-augmenter', { pluginConfig: { a: 1 } }), 7)) as { version_info: string; resources: Array<Record<string, unknown>> };
  expect([file.version_info, file.resources.length, file.resources[0].name]).toEqual(['7', 1, 'istio-system.header-augmenter']);
  // A file without a resource: what a listener whose config has not arrived reads.
  expect(YAML.parse(buildEcdsFile(undefined, 8))).toEqual({ version_info: '8', resources: [] });
});

test('a distinct module is the same code under another sha256, still a valid module', () => {
  if (!fs.existsSync(FILTER)) execFileSync(process.execPath, [path.join(__dirname, '..', 'filter', 'build.mjs')], { stdio: 'inherit' });
  const a = distinctModule(FILTER, 'a');
  const b = distinctModule(FILTER, 'b');
  // Read whole, exports and all, by the reader the ABI check uses.
  for (const m of [a, b]) expect(readWasmModule(m).exports.map((e) => e.name)).toEqual(readWasmModule(fs.readFileSync(FILTER)).exports.map((e) => e.name));
  const sha = (x: Buffer): string => createHash('sha256').update(x).digest('hex');
  expect(new Set([moduleSha256(FILTER), sha(a), sha(b)]).size).toBe(3);
  // The original bytes come first, unchanged: only a custom section is appended.
  expect(a.subarray(0, fs.statSync(FILTER).size).equals(fs.readFileSync(FILTER))).toBe(true);
});
