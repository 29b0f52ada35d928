import { expect, test } from '@playwright/test';
import { loadEntries, selectEntries } from '../envoy-versions';
import { validateEntry } from '../envoy-versions/schema';

test('entries load, validate, and an unknown id is an error listing the known ones', () => {
  const all = loadEntries();
  expect(all.map((e) => e.id)).toContain('envoy-1.40.0');
  expect(() => selectEntries(all, 'envoy-9.9.9')).toThrow(/unknown version id\(s\): envoy-9\.9\.9\. Known ids: .*envoy-1\.40\.0/);
  expect(selectEntries(all, 'envoy-1.40.0').map((e) => e.id)).toEqual(['envoy-1.40.0']);
});

test('an entry with a bad field is rejected naming the file and the field', () => {
  expect(() => validateEntry({ id: 'envoy-1.40.0', kind: 'envoy', version: '1.40', image: 'x', envoyVersion: '1.40', envoyPath: '/e' }, 'envoy-1.40.0.ts')).toThrow(
    'envoy-versions/envoy-1.40.0.ts: "version" must be x.y.z, got "1.40"',
  );
  expect(() => validateEntry({ id: 'envoy-1.40.0', kind: 'envoy', version: '1.40.0', image: 'x', envoyVersion: '1.40.0', envoyPath: '/e', colour: 1 }, 'envoy-1.40.0.ts')).toThrow(
    'unknown field "colour"',
  );
});
