/**
 * The committed corpus of header-service answers (fuzz/corpus.json, issue 23) through the real
 * header service and the worker's Envoy: each answer's verdict is the oracle's (fuzz/oracle.ts,
 * written from filter/README.md), never a filter's. An answer the contract accepts is injected
 * exactly (that set, nothing more); one it refuses logs its exact `callout failed:` line and the last
 * good set stays injected. Where the contract is silent (the oracle's QUESTIONS; none is open
 * today) the answer is only held to one of the verdicts the oracle allows: refused with a line of
 * the contract's form and the last good set kept, or injected exactly, never half.
 *
 * What it pins, on every column: one answer per class of fuzz/answers.ts (valid sets, whitespace,
 * escapes, values that are no string, roots, structure, UTF-8, names, values, sizes, duplicates,
 * statuses, several bad members); with EWC_CORPUS=full (npm test, on the newest Envoy with each
 * implementation) every answer of the corpus real Envoy can show. Each group is one plugin
 * configuration with a fast tick and its own callout path; its answers are served in turn on that
 * path, each awaited (the callout that got it, then its line and the set then in force) before the
 * next. Two answers whose outcomes could be mistaken for each other (the same line, a set already in
 * force) get a fresh set of the case's own between them.
 */
import {
  addedHeaders,
  CORPUS_GROUPS,
  corpusSteps,
  durationString,
  echoThrough,
  expect,
  expectHealthy,
  isOutcomeOf,
  mistakable,
  separatorBefore,
  sortedPairs,
  test,
  timing,
  unique,
  uniqueServicePath,
  waitForFilterLog,
  type CorpusOutcome,
  type CorpusStep,
  type HeaderPairs,
} from '../fixtures';

// A long expiry: the cases are about each answer's verdict, never about expiry.
const EXPIRY_MS = 120_000;
/** What one answer may take at most (its tick, callout, line and a request or two), for the case's deadline. */
const STEP_BUDGET_MS = 1_500;

// The deadline of a case: its largest group in full mode, every step with a separator before it.
const mostSteps = Math.max(...CORPUS_GROUPS.map((g) => corpusSteps(g.classes, 'full').length));
test.describe.configure({ timeout: 20_000 + 2 * mostSteps * STEP_BUDGET_MS });

for (const group of CORPUS_GROUPS) {
  test(`${group.title}: each answer injected exactly as the contract says, or refused with its line and the last good set kept`, async ({ corpus, envoy, configureFilter, headerService, proxyRequest }) => {
    const steps = corpusSteps(group.classes, corpus);
    expect(steps.length, `corpus entries of ${group.classes.join(', ')}`).toBeGreaterThan(0);

    const servicePath = uniqueServicePath();
    const vmId = unique('corpus');
    const good: HeaderPairs = [['x-corpus-good', unique('good')]];
    await headerService.setHeaders(Object.fromEntries(good), servicePath);
    const fast = { tick_period: durationString(timing.fastTickPeriodMs) };
    expect(await configureFilter({ header_providing_service_path: servicePath, header_cache_expiry: durationString(EXPIRY_MS), ...fast }, { vmId })).toBe('accepted');
    await expect.poll(async () => addedHeaders(await echoThrough(proxyRequest, '/corpus')), { timeout: timing.pollDeadlineMs }).toEqual(good);
    const start = await envoy.logMark();

    const answeredOnPath = async (): Promise<Array<number | undefined>> => (await headerService.calls()).filter((c) => c.path === servicePath).map((c) => c.status);

    /** Serves one answer, waits for its outcome, checks it against the oracle's, and returns the state it left. */
    const serve = async (step: CorpusStep, last: CorpusOutcome): Promise<CorpusOutcome> => {
      const what = `${step.id}: ${step.shown}${step.questions.length ? ` (the contract is silent: ${step.questions.join(', ')})` : ''}`;
      // The previous answer's outcome is in force: every line from here on is this answer's or a late one of the previous answer (which cannot be mistaken for this one's).
      const mark = await envoy.logMark();
      await headerService.setBehaviour(step.behaviour, servicePath);
      // Callouts recorded so far may have had the previous answer; the next one has this one.
      const before = (await answeredOnPath()).length;
      const [, [line]] = await Promise.all([
        expect.poll(async () => (await answeredOnPath())[before] !== undefined, { timeout: timing.pollDeadlineMs, message: `a callout answered with ${step.id}` }).toBe(true),
        waitForFilterLog(envoy, (m) => isOutcomeOf(step, m), { since: mark, vmId, what }),
      ]);
      if (line.message.startsWith('callout ok:')) {
        // Accepted: the request gets exactly one set the oracle allows, nothing of the previous set.
        let seen: HeaderPairs = [];
        await expect
          .poll(
            async () => {
              seen = addedHeaders(await echoThrough(proxyRequest, '/corpus/accepted'));
              return step.sets.some((s) => JSON.stringify(s) === JSON.stringify(seen));
            },
            { timeout: timing.pollDeadlineMs, message: `${what}: the request's added headers` },
          )
          .toBe(true);
        return { line: line.message, inForce: seen };
      }
      // Refused: the last good set is still injected, exactly.
      expect(addedHeaders(await echoThrough(proxyRequest, '/corpus/refused')), `${what}: after "${line.message}" the last good set`).toEqual(last.inForce);
      return { line: line.message, inForce: last.inForce };
    };

    let last: CorpusOutcome = { line: `callout ok: status=200 headers=${good.length}`, inForce: sortedPairs(good) };
    for (const step of steps) {
      if (mistakable(last, step)) last = await serve(separatorBefore(step, unique('step')), last);
      last = await serve(step, last);
    }
    await expectHealthy(envoy, start);
  });
}
