/**
 * Real upstream proxy-wasm breakages (breakages/: one entry per upstream issue), each run on every
 * column: the entry's probe module in an Envoy of its own, as the only (static) listener, since
 * loading is the point of many entries and the others (a trap, a failed VM) leave an Envoy no other
 * case could share; a `requests` trigger then sends its bounded number of requests one after the
 * other (each bounded by the trigger's timeout where it has one). An entry whose probe makes HTTP
 * calls is configured with the header-service cluster's name (it differs by wiring); the header
 * service answers them with its default (200, no headers): the case sets nothing there. What each
 * version does is data on the entry (its outcome per Envoy version: reproduced, not affected, or
 * cannot run here with the reason), looked up by the column's Envoy version, never an `if` on the
 * version here.
 *
 * What it pins, on every version: for each entry, whether Envoy serves or exits with code 1, the
 * statuses of the trigger's requests by count, the host and module log lines in order, lines that
 * must not appear, and how many times counted lines appear. Measured outcomes: docs/breakages.md.
 */
import fs from 'node:fs';
import {
  BREAKAGES,
  breakageModules,
  breakageOutcome,
  EnvoyStartError,
  expect,
  statusAt,
  test,
  type LogLine,
  type Observation,
  type StartedEnvoyContainer,
} from '../fixtures';


const linesFor = (observed: Observation, plugin: string): string[] => observed.logLines.map((l) => l.replace('<plugin>', plugin));

/** Lines of `log` containing each counted substring, by substring. */
const countsIn = (log: readonly string[], counts: Record<string, number>, plugin: string): Record<string, number> =>
  Object.fromEntries(Object.keys(counts).map((k) => [k, log.filter((l) => l.includes(k.replace('<plugin>', plugin))).length]));

/** The status of one GET on a new connection; `no answer` when refused or (with `timeoutMs`) not answered in time. */
async function statusOf(url: string, timeoutMs: number | undefined): Promise<number | 'no answer'> {
  if (timeoutMs === undefined) return statusAt(url);
  try {
    const res = await fetch(url, { headers: { connection: 'close' }, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'no answer';
  }
}

/** Waits for each line after the previous one, in this order; returns the last one seen. */
async function expectInOrder(envoy: StartedEnvoyContainer, since: number, lines: string[]): Promise<LogLine | undefined> {
  let last: LogLine | undefined;
  for (const line of lines) last = (await envoy.waitForLog(line, { since: last ? last.at + 1 : since }))[0];
  return last;
}

for (const entry of BREAKAGES) {
  test(`breakage ${entry.id} (${entry.upstream.join(', ')}): the outcome measured for this version`, async ({ proxyEntry, startEnvoy, pluginConfig }) => {
    const outcome = breakageOutcome(entry, proxyEntry.envoyVersion);
    if (outcome.outcome === 'cannot run here') {
      test.skip(true, `${entry.id}: cannot run here: ${outcome.reason}`);
      return;
    }
    const expectedAs = outcome.asMeasuredOn ? ` (not measured on this release: expected as measured on ${outcome.asMeasuredOn}, the nearest of its minor)` : '';
    test.info().annotations.push({ type: 'breakage', description: `${entry.id} ${outcome.outcome} on Envoy ${proxyEntry.envoyVersion}${expectedAs} (${entry.upstream.join(', ')})` });
    const observed = outcome.observed;
    for (const mod of breakageModules(entry)) {
      test.skip(mod.skip !== undefined, `${entry.id}: ${mod.name} was not built here: ${mod.skip}`);
      expect(fs.existsSync(mod.path), `${mod.path} (built in setup by buildBreakageProbes)`).toBe(true);
      const plugin = `breakage-${mod.name}`;
      const started = startEnvoy({
        name: 'probe',
        statPrefix: 'probe',
        rootId: 'probe',
        vmId: plugin,
        pluginName: plugin,
        pluginConfig: entry.pluginConfiguration === 'header-service-cluster' ? String(pluginConfig().header_providing_service_cluster) : '{}',
        failurePolicy: entry.failurePolicy,
        wasmPath: mod.path,
        staticListener: true,
        // The outcomes are measured for a module named in a static listener, whatever the column's
        // delivery: said per Envoy, not with test.use, so this file shares the column's workers.
        delivery: 'local',
      });

      if (observed.envoy === 'exits') {
        const error = await started.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, `${mod.name}: the start's failure: ${(error as Error | undefined)?.stack ?? String(error)}`).toBeInstanceOf(EnvoyStartError);
        const failure = error as EnvoyStartError;
        expect(failure.exitCode, failure.message).toBe(1);
        let at = 0;
        for (const line of linesFor(observed, plugin)) {
          const i = failure.log.findIndex((l, idx) => idx >= at && l.includes(line));
          expect(i, `${mod.name}: "${line}" in order in:\n${failure.log.join('\n')}`).toBeGreaterThanOrEqual(0);
          at = i + 1;
        }
        for (const line of observed.absentLines ?? []) expect(failure.log.filter((l) => l.includes(line)), `${mod.name}: no "${line}"`).toEqual([]);
        if (observed.counts) expect(countsIn(failure.log, observed.counts, plugin), `${mod.name}: lines counted`).toEqual(observed.counts);
        continue;
      }

      const envoy = await started;
      const [first, ...rest] = linesFor(observed, plugin);
      // The module's start line (on every VM where the entry counts it): it is loaded and running before any request.
      const running = (await envoy.waitForLog(first, { since: 0, count: observed.counts?.[observed.logLines[0]] ?? 1 })).at(-1)!;
      const trigger = entry.trigger.kind === 'requests' ? entry.trigger : { count: 0, timeoutMs: undefined };
      const statuses: Array<number | string> = [];
      for (let i = 0; i < trigger.count; i++) {
        // in effect: the module logged its start above, and each request is the trigger itself
        statuses.push(await statusOf(envoy.url(`/breakage/${entry.id}/${i}`), trigger.timeoutMs));
      }
      const byStatus = Object.fromEntries([...new Set(statuses)].map((s) => [String(s), statuses.filter((x) => x === s).length]));
      expect(byStatus, `${mod.name}: statuses of ${statuses.length} requests, in order: ${statuses.join(' ')}`).toEqual(
        Object.fromEntries(Object.entries(observed.statuses ?? {}).map(([s, n]) => [s, n])),
      );
      await expectInOrder(envoy, running.at + 1, rest);
      const all = envoy.logBetween(0, await envoy.logBarrier());
      for (const line of observed.absentLines ?? []) expect(all.filter((l) => l.includes(line)), `${mod.name}: no "${line}"`).toEqual([]);
      if (observed.counts) expect(countsIn(all, observed.counts, plugin), `${mod.name}: lines counted`).toEqual(observed.counts);
    }
  });
}
