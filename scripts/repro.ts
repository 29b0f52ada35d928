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
import { configureTestcontainers } from '../engine/testcontainers-env';
import { commandArgs, implementationNamed, shownPath, unknownProjectMessage, usageError } from '../runner/cli';
import { runPlaywright } from '../runner/run-playwright';
import { settings } from '../runner/settings';

configureTestcontainers();

const USAGE = 'npm run repro -- --version <id> --grep "<case>" [--filter <implementation>] [--variant <filter variant>]\n       npm run repro -- --stop';
const usage = (why: string): never => usageError('repro', USAGE, why);

const { values: args } = commandArgs('repro', USAGE, process.argv.slice(2), {
  version: { type: 'string' },
  grep: { type: 'string' },
  filter: { type: 'string' },
  variant: { type: 'string' },
  stop: { type: 'boolean' },
});

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
  out.push('', `  the failure's attachments (Envoy log, wasm log, config_dump, stats, call logs): ${shownPath(settings.reportsRoot)}/test-results/`);
  out.push('  stop everything: npm run repro -- --stop');
  console.log(out.join('\n'));
}

async function main(): Promise<void> {
  if (args.stop) return stop();
  const version = args.version ?? usage('--version is required');
  const grep = args.grep ?? usage('--grep is required');
  const unknown = unknownProjectMessage(version);
  if (unknown) usage(unknown);
  const runId = newRunId();
  const variant = args.variant;
  const filter = args.filter;
  if (filter) implementationNamed(filter, usage);
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
