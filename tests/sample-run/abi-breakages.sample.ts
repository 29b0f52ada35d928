/**
 * Fake breakage cases, as suites/abi-breakages.spec.ts writes them (title, `breakage` annotation,
 * a skip naming why it cannot run), for the catalogue table of the report selftests. They exist only
 * with EWC_SAMPLE_BREAKAGES=1, so the plain sample run keeps its exact case list.
 *   go-poll-oneoff:   reproduced on envoy-9.0.0 (the suite's text annotation), not affected on envoy-9.1.0 (JSON);
 *   abi-marker:       reproduced on envoy-9.0.0; on envoy-9.1.0 the case fails (the outcome no longer holds);
 *   vendor-host-call: cannot run here on envoy-9.0.0; on envoy-9.1.0 reproduced as measured on 9.1.2 (text).
 */
import { NOT_MEASURED, SAMPLE_BREAKAGES, expect, test } from './sample-fixtures';

const version = (): string => test.info().project.name.replace(/^[a-z]+-/, '');
const on91 = (): boolean => test.info().project.name === 'envoy-9.1.0';
const [abiMarker, goPollOneoff, vendorHostCall] = SAMPLE_BREAKAGES;
type Entry = (typeof SAMPLE_BREAKAGES)[number];

/** The annotation as the suite writes it today (text), or as JSON. */
function note(entry: Entry, outcome: 'reproduced' | 'not affected', form: 'text' | 'json', asMeasuredOn?: string): void {
  const expectedAs = asMeasuredOn ? ` (not measured on this release: expected as measured on ${asMeasuredOn}, the nearest of its minor)` : '';
  const description =
    form === 'text'
      ? `${entry.id} ${outcome} on Envoy ${version()}${expectedAs} (${entry.upstream.join(', ')})`
      : JSON.stringify({ entry: entry.id, outcome, version: version(), upstream: entry.upstream, ...(asMeasuredOn ? { asMeasuredOn } : {}) });
  test.info().annotations.push({ type: 'breakage', description });
}

if (process.env.EWC_SAMPLE_BREAKAGES === '1') {
  test(`breakage ${goPollOneoff.id} (${goPollOneoff.upstream.join(', ')}): the outcome measured for this version`, () => {
    if (on91()) note(goPollOneoff, 'not affected', 'json');
    else note(goPollOneoff, 'reproduced', 'text');
  });

  test(`breakage ${abiMarker.id} (${abiMarker.upstream.join(', ')}): the outcome measured for this version`, () => {
    note(abiMarker, 'reproduced', 'text');
    // Fake data standing in for a release that no longer does what the catalogue measured.
    const exitCode = on91() ? 0 : 1;
    expect(exitCode, 'no-marker: Envoy exits with code 1').toBe(1);
  });

  test(`breakage ${vendorHostCall.id} (${vendorHostCall.upstream.join(', ')}): the outcome measured for this version`, () => {
    test.skip(!on91(), `${vendorHostCall.id}: cannot run here: ${NOT_MEASURED}`);
    note(vendorHostCall, 'reproduced', 'text', '9.1.2');
  });
}
