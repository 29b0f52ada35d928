// A case that passes everywhere and one that fails on envoy-9.1.0 only (the "regression").
import { expect, test } from './sample-fixtures';

// Quotes, angle brackets and an ampersand in a title: every writer must escape them.
test('"x-token: <value>" & friends reach the upstream', () => {
  expect(1 + 1).toBe(2);
});

test('a client-sent header is replaced', () => {
  // Fake data standing in for a version difference observed by a real case.
  const seen = test.info().project.name === 'envoy-9.1.0' ? 'spoofed' : 'from-service';
  expect(seen, 'x-token at the upstream').toBe('from-service');
});
