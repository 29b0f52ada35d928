/**
 * Measures callouts per tick period at --concurrency 1, 2 and 4 on each runnable matrix entry:
 * a real Envoy per (version, concurrency), a header service on the same network, a 3 s window.
 * Prints a table; not a test. Run: npx tsx bench/callouts-per-period.ts [ids...]
 */
import { loadEntries, selectEntries } from '../envoy-versions';
import { resolveProxy } from '../engine/images';
import { launchEnvoy, HEADER_SERVICE_ALIAS, UPSTREAM_ALIAS } from '../proxy/launch';
import { pluginConfig } from '../proxy/plugin-config';
import { startRunNetwork } from '../engine/network';
import { ensurePeerImage } from '../peer/image';
import { PeerContainer } from '../peer/peer-container';
import { filterWasmPath } from '../engine/paths';
import { sweep } from '../engine/sweep';
import { ensureRunId } from '../engine/ownership';
import { ensureEngine } from '../engine/docker-engine';
import { configureTestcontainers } from '../engine/testcontainers-env';

configureTestcontainers();
const TICK_MS = 200;
const WINDOW_MS = 3000;

async function main(): Promise<void> {
  await ensureEngine();
  const runId = ensureRunId();
  const entries = selectEntries(loadEntries(), process.argv.slice(2).join(',') || undefined);
  const network = await startRunNetwork();
  try {
    const image = await ensurePeerImage();
    const headers = await new PeerContainer(image, 'header-service').onNetwork(network, HEADER_SERVICE_ALIAS).start();
    const upstream = await new PeerContainer(image, 'upstream').onNetwork(network, UPSTREAM_ALIAS).start();
    const hs = headers.headerService();
    await hs.setHeaders({ 'x-idp-token': 'bench' });
    console.log(`tick_period=${TICK_MS}ms window=${WINDOW_MS}ms (${WINDOW_MS / TICK_MS} periods)`);
    console.log(`${'proxy'.padEnd(14)} ${[1, 2, 4].map((c) => `conc=${c}`.padStart(9)).join('')}`);
    for (const entry of entries) {
      const proxy = await resolveProxy(entry, () => undefined);
      if (!proxy.available) {
        console.log(`${entry.id.padEnd(14)} not runnable: ${proxy.reason}`);
        continue;
      }
      const cells: string[] = [];
      for (const concurrency of [1, 2, 4]) {
        const path = `/v1/headers?bench=${entry.id}-${concurrency}`;
        const envoy = await launchEnvoy(proxy, network, filterWasmPath, {
          concurrency,
          pluginConfig: pluginConfig({ header_providing_service_path: path, tick_period: `${TICK_MS}ms` }),
        });
        // Skip start-up: count from one second after ready, over the window (polling the call log).
        const from = Date.now() + 1000;
        while (!(await hs.calls()).some((c) => c.at >= from + WINDOW_MS)) await new Promise((r) => setTimeout(r, 100));
        const n = (await hs.calls()).filter((c) => c.path === path && c.at >= from && c.at < from + WINDOW_MS).length;
        cells.push(`${n} (${(n / (WINDOW_MS / TICK_MS)).toFixed(2)})`.padStart(9));
        await envoy.stop({ timeout: 0 });
      }
      console.log(`${entry.id.padEnd(14)} ${cells.join(' ')}`);
    }
    console.log('cells: callouts in the window (callouts per period)');
    await Promise.all([headers.stop({ timeout: 0 }), upstream.stop({ timeout: 0 })]);
  } finally {
    await network.stop().catch(() => undefined);
    await sweep(runId);
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
