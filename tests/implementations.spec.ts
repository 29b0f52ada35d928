/**
 * The implementation axis as data: every entry builds what the suites load on purpose, names only
 * variants the catalogue has (so its kill matrix uses the catalogue's killers), and an unknown id is
 * a clear error, never a silent fallback to the default.
 */
import { expect, test } from '@playwright/test';
import { DEFAULT_IMPLEMENTATION, IMPLEMENTATIONS, missingVariant, selectImplementation, variantWasmPath } from '../implementations';
import { catalogueVariantNames } from '../implementations/variants-catalogue';
import { SUITE_VARIANTS } from '../runner/filter-build';
import { runCommand } from './commands';

const catalogue = catalogueVariantNames();

test('every implementation has a unique id, an ABI marker, the suite builds, and only catalogue variants', () => {
  expect(IMPLEMENTATIONS.map((i) => i.id)).toEqual(['assemblyscript', 'rust']);
  expect(selectImplementation(undefined).id).toBe(DEFAULT_IMPLEMENTATION);
  expect(selectImplementation('').id).toBe(DEFAULT_IMPLEMENTATION);
  for (const impl of IMPLEMENTATIONS) {
    expect(impl.abiMarker, impl.id).toMatch(/^proxy_abi_version_\d+_\d+_\d+$/);
    expect(impl.variants.filter((v) => !catalogue.includes(v)), impl.id).toEqual([]);
    expect(new Set(impl.variants).size, impl.id).toBe(impl.variants.length);
    for (const v of SUITE_VARIANTS) expect(missingVariant(impl, v), impl.id).toBeNull();
  }
  const rust = IMPLEMENTATIONS.find((i) => i.id === 'rust')!;
  expect(rust.variants.filter((v) => v !== 'panic-on-request').length).toBeGreaterThanOrEqual(10);
  // What npm test runs of its kill matrix: at least ten mutants it builds.
  expect(rust.testMutants!.length).toBeGreaterThanOrEqual(10);
  expect(rust.testMutants!.filter((v) => !rust.variants.includes(v))).toEqual([]);
  expect(variantWasmPath(selectImplementation('rust'), 'none')).toMatch(/filter\/build\/rust\/filter\.wasm$/);
  expect(variantWasmPath(selectImplementation('rust'), 'no-inject')).toMatch(/filter\/build\/rust\/variants\/no-inject\.wasm$/);
  expect(missingVariant(selectImplementation('rust'), 'no-such-variant')).toMatch(/^the rust filter has no variant "no-such-variant" \(it builds: /);
});

test('an unknown implementation id or delivery mode is refused by name with the known ones, by the matrix, the kill matrix and the gate', async ({}, testInfo) => {
  expect(() => selectImplementation('go')).toThrow('unknown filter implementation "go". Known: assemblyscript, rust');
  const matrix = await runCommand('matrix.ts', [], testInfo.outputPath('m'), 60_000, { EWC_FILTER: 'go' });
  expect(matrix.code).toBe(1);
  expect(matrix.stderr).toContain('[matrix] unknown filter implementation "go". Known: assemblyscript, rust');
  const mutants = await runCommand('mutants.ts', ['--filter', 'go'], testInfo.outputPath('k'), 60_000);
  expect(mutants.code).toBe(2);
  expect(mutants.stderr).toContain('[mutants] unknown filter implementation "go". Known: assemblyscript, rust');
  const delivery = await runCommand('matrix.ts', [], testInfo.outputPath('d'), 60_000, { EWC_DELIVERY: 'oci' });
  expect(delivery.code).toBe(1);
  expect(delivery.stderr).toContain('[matrix] unknown delivery mode "oci". Known: local, remote, ecds');
  const gate = await runCommand('gate.ts', ['--baseline', 'envoy-1.40.0', '--candidate-filter', 'go'], testInfo.outputPath('g'), 60_000);
  expect(gate.code).toBe(2);
  expect(gate.stderr).toContain('[gate] --candidate-filter: unknown filter implementation "go". Known: assemblyscript, rust');
});
