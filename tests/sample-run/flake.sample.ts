/**
 * Cases for the `npm run flake` selftests (tests/flake.spec.ts, through flake.config.ts). They exist
 * only with EWC_FLAKE_SAMPLE=1, so the sample run of the report selftests (which asserts its exact
 * case list and picks up every *.sample.ts) never sees them.
 * EWC_FLAKE_RUN is the run index `npm run flake` gives each run (1, 2, ...).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from './sample-fixtures';

const run = Number(process.env.EWC_FLAKE_RUN ?? 0);

if (process.env.EWC_FLAKE_SAMPLE === '1') {
  test('passes on odd runs only on envoy-9.1.0', async () => {
    // EWC_FLAKE_SAMPLE_HANG_RUN=<i>: run i lasts long enough to be interrupted (the signal selftest).
    if (Number(process.env.EWC_FLAKE_SAMPLE_HANG_RUN) === run) await sleep(8_000);
    const odd = test.info().project.name !== 'envoy-9.1.0' || run % 2 === 1;
    expect(odd, `run ${run} on ${test.info().project.name}`).toBe(true);
  });

  test('skipped on envoy-9.0.0, always fails on envoy-9.1.0', () => {
    test.skip(test.info().project.name === 'envoy-9.0.0', 'fake: needs envoy >= 9.1');
    expect('spoofed', 'x-token at the upstream').toBe('from-service');
  });
}
