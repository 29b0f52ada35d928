/**
 * `npm run bisect -- --good <version> --bad <version> [--grep <case> | --entry <breakage>] [--filter <impl>]`: the first
 * release between the two on which the chosen cases behave as on `--bad` (runner/bisect.ts), over
 * every release the index offers. Prints each step, then the boundary, the failing case's error, the
 * Envoy commits on both sides and the `npm run repro` line. `--entry <id>` bisects a breakage of the
 * catalogue (breakages/): good is "reproduces", so from a reproducing --good to a --bad where it does
 * not, it names the first release where it no longer reproduces (the other way round: where it starts).
 *
 * Exit codes: 0 the boundary found (or narrowed to releases that cannot run here, said);
 * 2 bad arguments, or refused: a --good that fails, a --bad that passes, an end that cannot run,
 * a release the index does not have.
 */
import { loadEntries } from '../envoy-versions';
import { releaseIndex } from '../engine/release-index';
import { BisectRefusal, bisect, bisectOrder, outcomeLines, parseRelease, playwrightStep, projectFor } from '../runner/bisect';
import { commandArgs, implementationNamed, usageError } from '../runner/cli';
import { settings } from '../runner/settings';
import { BREAKAGES } from '../breakages';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const USAGE = 'npm run bisect -- --good <version> --bad <version> [--grep <case> | --entry <breakage>] [--filter <implementation>]';
/** Two releases and, optionally, which cases (a Playwright --grep) and which filter implementation. */
const OPTIONS = { good: { type: 'string' }, bad: { type: 'string' }, grep: { type: 'string' }, entry: { type: 'string' }, filter: { type: 'string' } } as const;
const { values: args } = commandArgs('bisect', USAGE, process.argv.slice(2), OPTIONS);
const usage = (why: string): never => usageError('bisect', USAGE, why);

async function main(): Promise<void> {
  const goodArg = args.good ?? usage('--good is required');
  const badArg = args.bad ?? usage('--bad is required');
  const filter = args.filter ? implementationNamed(args.filter, usage, '--filter: ').id : undefined;
  if (args.entry && args.grep) usage('--entry chooses its own case: give --grep or --entry, not both');
  const entry = args.entry === undefined ? undefined : BREAKAGES.find((b) => b.id === args.entry) ?? usage(`unknown breakage "${args.entry}". Known: ${BREAKAGES.map((b) => b.id).join(', ')}`);
  // The entry's case, asserting "reproduced" on every release: good = it reproduces there.
  if (entry) settings.breakageExpect = { entry: entry.id, outcome: 'reproduced' };
  const grep = entry ? `breakage ${escapeRegExp(entry.id)} \\(` : args.grep;
  const [good, bad] = [parseRelease(goodArg), parseRelease(badArg)];
  if (good.kind !== bad.kind) usage(`--good and --bad must be releases of one proxy (${good.kind}, ${bad.kind})`);
  const entries = loadEntries();
  const index = await releaseIndex();
  const order = bisectOrder(index, good.kind, good.version, bad.version);
  console.log(`[bisect] ${order.length} ${good.kind} releases from --good ${good.version} to --bad ${bad.version}: ${order.join(', ')}${entry ? `; breakage ${entry.id} (good: it reproduces)` : grep ? `; cases: --grep ${JSON.stringify(grep)}` : '; every case'}`);
  const outcome = await bisect(order, playwrightStep({ index, entries, kind: good.kind, grep, filter }), (l) => console.log(l));
  for (const line of outcomeLines(outcome, (release) => projectFor(index, entries, good.kind, release), filter)) console.log(line);
  if (entry)
    console.log(
      outcome.forward
        ? `[bisect] breakage ${entry.id}: reproduces on ${outcome.lastGood.release}, no longer from ${outcome.firstBad.release} on`
        : `[bisect] breakage ${entry.id}: does not reproduce on ${outcome.firstBad.release}, reproduces from ${outcome.lastGood.release} on`,
    );
}

main().catch((e: Error) => {
  if (e instanceof BisectRefusal) usage(`refused: ${e.message}`);
  console.error(`[bisect] ${e.message}`);
  process.exit(1);
});
