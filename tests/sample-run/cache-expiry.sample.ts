// A case skipped with a reason on envoy-9.0.0, inside a describe (the title path has two levels).
import { expect, test } from './sample-fixtures';

test.describe('deny policy', () => {
  test('answers 503 after expiry', () => {
    test.skip(test.info().project.name === 'envoy-9.0.0', 'fake: failure_policy deny needs envoy >= 9.1');
    expect('503').toBe('503');
  });
});
