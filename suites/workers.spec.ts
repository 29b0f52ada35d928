/**
 * Workers: with --concurrency N every worker injects the same headers, and the header service gets
 * at most one callout per tick period in total (the workers coordinate through a CAS lease in
 * shared data), not one per worker.
 *
 * What it pins, on every version: `--concurrency` 1, 2, 4: every worker injects, and the header
 * service sees one callout per period in total.
 */
import { CALLOUT_WINDOW_PERIODS, calloutsInWindow, echoAt, expect, test, timing, unique, uniqueServicePath, valuesOf } from '../fixtures';

const LISTENER_STAT = (worker: number): string => `listener.0.0.0.0_10000.worker_${worker}.downstream_cx_total`;

for (const concurrency of [1, 2, 4]) {
  test(`--concurrency ${concurrency}: every worker injects, one callout per tick period in total`, async ({ startEnvoy, headerService, pluginConfig }) => {
    const token = unique('tok');
    await headerService.setHeaders({ 'x-idp-token': token });
    const path = uniqueServicePath();
    const envoy = await startEnvoy({ concurrency, pluginConfig: pluginConfig({ header_providing_service_path: path }) });
    // The set is in force (the first fetch has landed) before any request is counted: from here on, every worker must inject.
    await expect.poll(async () => valuesOf(await echoAt(envoy.url('/w/first')), 'x-idp-token'), { timeout: timing.pollDeadlineMs }).toEqual([token]);

    // A new connection per request, in batches, until every worker has accepted some (bounded: 400 requests).
    const seen: string[][] = [];
    const perWorker = (): Promise<number[]> => Promise.all(Array.from({ length: concurrency }, (_, w) => envoy.stat(LISTENER_STAT(w))));
    const batch = 4 * concurrency;
    do {
      for (let i = 0; i < batch; i++) {
        const echo = await echoAt(envoy.url(`/w/${seen.length}`));
        seen.push(echo.headers.filter(([n]) => n === 'x-idp-token').map(([, v]) => v));
      }
    } while (seen.length < 400 && (await perWorker()).some((n) => n === 0));
    expect((await perWorker()).every((n) => n > 0)).toBe(true);
    // The shared-data cache is one for all workers: every request, whichever worker took it, carries the set exactly once.
    expect(seen).toEqual(seen.map(() => [token]));

    const periods = CALLOUT_WINDOW_PERIODS;
    const inWindow = await calloutsInWindow(headerService, { path });
    const counted = `${inWindow.length} callouts in ${periods} periods at concurrency ${concurrency}`;
    test.info().annotations.push({ type: 'callouts', description: counted });
    expect(inWindow.length, counted).toBeGreaterThanOrEqual(periods - 2);
    expect(inWindow.length, counted).toBeLessThanOrEqual(periods + 1);
  });
}
