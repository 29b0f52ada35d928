/**
 * `npm run repro -- --version <id> --grep "<case>" [--filter <implementation>] [--variant <filter variant>]`: runs that case
 * alone on one version with one worker. On failure its containers stay up, and this prints how to
 * reach the proxy, its admin API, the header service, and the logs.
 * `npm run repro -- --stop`: removes everything a repro kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ensureEngine } from '../engine/docker-engine';
import { newRunId } from '../engine/ownership';
import { keptRunIds, reproDir, type KeptEndpoint } from '../engine/kept-runs';
import { sweep } from '../engine/sweep';
import { implementationById, UnknownImplementationError } from '../implementations';
import { arg, unknownProjectMessage, usageError } from './cli';
import { runPlaywright } from './run-playwright';
import { configureTestcontainers } from '../engine/testcontainers-env';

configureTestcontainers();

const usage = (why: string): never => usageError('repro', 'npm run repro -- --version <id> --grep "<case>" [--filter <implementation>] [--variant <filter variant>]\n       npm run repro -- --stop', why);

async function stop(): Promise<void> {
  await ensureEngine();
  const ids = [...keptRunIds()];
  for (const runId of ids) {
    const r = await sweep(runId);
    fs.rmSync(path.join(reproDir, `${runId}.json`), { force: true });
    console.log(`[repro] run ${runId}: removed ${r.containers} containers and ${r.networks} networks`);
  }
  if (!ids.length) console.log('[repro] nothing kept');
}

function printHowToReach(runId: string): void {
  const state = JSON.parse(fs.readFileSync(path.join(reproDir, `${runId}.json`), 'utf8')) as { endpoints: KeptEndpoint[] };
  const out = [`[repro] the case failed; its containers are still running (run ${runId}):`, ''];
  for (const e of state.endpoints) {
    out.push(`  ${e.role}  (docker logs -f ${e.containerId.slice(0, 12)})`);
    if (e.urls.listener) out.push(`    curl -sv ${e.urls.listener}anything -H 'x-idp-token: from-client'`);
    if (e.urls.admin) out.push(`    curl -s ${e.urls.admin}config_dump | less`, `    curl -s '${e.urls.admin}stats?filter=wasm'`, `    curl -s -X POST '${e.urls.admin}logging?wasm=trace'`);
    if (e.role === 'header-service')
      out.push(`    curl -s ${e.urls.control}/calls`, `    curl -s -X PUT ${e.urls.control}/behaviour -d '{"status":200,"headers":{"x-idp-token":"t1"}}'`);
    if (e.role === 'upstream') out.push(`    curl -s ${e.urls.control}/calls`);
  }
  out.push('', `  the failure's attachments (Envoy log, wasm log, config_dump, stats, call logs): ${process.env.EWC_REPORTS_ROOT ?? 'reports'}/test-results/`);
  out.push('  stop everything: npm run repro -- --stop');
  console.log(out.join('\n'));
}

async function main(): Promise<void> {
  if (process.argv.includes('--stop')) return stop();
  const version = arg('--version') ?? usage('--version is required');
  const grep = arg('--grep') ?? usage('--grep is required');
  const unknown = unknownProjectMessage(version);
  if (unknown) usage(unknown);
  const runId = newRunId();
  const variant = arg('--variant');
  const filter = arg('--filter');
  if (filter) {
    try {
      implementationById(filter);
    } catch (e) {
      if (e instanceof UnknownImplementationError) usage(e.message);
      throw e;
    }
  }
  const code = await runPlaywright(
    ['--project', version, '--grep', grep, '--workers', '1', '--reporter', 'list'],
    { EWC_KEEP_ON_FAILURE: '1', ...(filter ? { EWC_FILTER: filter } : {}), ...(variant ? { EWC_FILTER_VARIANT: variant } : {}) },
    runId,
  );
  if (keptRunIds().has(runId)) printHowToReach(runId);
  else console.log(code === 0 ? '[repro] the case passed; nothing was kept' : '[repro] the run failed before any container was kept');
  process.exitCode = code;
}

main().catch((e: Error) => {
  console.error(`[repro] ${e.message}`);
  process.exit(1);
});
