/**
 * Runs that own what they create, checked on real runs: an Envoy dying under a case, Ctrl-C and
 * SIGTERM mid-case, two runs at once, and the sweep's judgement of other runs' leftovers.
 * Each test reads `docker ps -a` and `docker network ls` (by the run's label) afterwards.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { getContainerRuntimeClient } from 'testcontainers';
import { LABEL_OWNER_BOOT, LABEL_OWNER_HOST, LABEL_OWNER_PID, LABEL_OWNER_START, LABEL_PROJECT, LABEL_RUN_ID, newRunId } from '../engine/ownership';
import { identityOf, thisBootId } from '../engine/processes';
import { sweep } from '../engine/sweep';
import '../engine/testcontainers-env';
import { childEnv, repoRoot, runCommand, runNode } from './commands';

const CLI = path.join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js');
const TSX = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const VERSION = 'envoy-1.40.0';
const CASE = 'several headers at once arrive each exactly once, and nothing else is added';

test.describe.configure({ mode: 'serial', timeout: 300_000 });

async function leftovers(runId: string): Promise<{ containers: string[]; networks: string[] }> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const filters = JSON.stringify({ label: [`${LABEL_RUN_ID}=${runId}`] });
  return {
    containers: (await docker.listContainers({ all: true, filters })).map((c) => `${c.Names.join(',')} (${c.State})`),
    networks: (await docker.listNetworks({ filters })).map((n) => n.Name),
  };
}

const scratchDirsOf = (runId: string): string[] => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`ewc-run-${runId}-`));

test('an Envoy that dies under a case fails that case with its exit code and log tail; the next case gets a fresh Envoy', async ({}, testInfo) => {
  const root = testInfo.outputPath('death');
  const idsFile = path.join(root, 'envoy-ids');
  fs.mkdirSync(root, { recursive: true });
  const runId = newRunId();
  const r = await runNode([CLI, 'test', '-c', path.join(__dirname, 'sample-run', 'lifecycle.config.ts')], { EWC_RUN_ID: runId, EWC_REPORTS_ROOT: root, EWC_SAMPLE_IDS_FILE: idsFile, EWC_VERSIONS: VERSION }, 240_000);
  expect(r.code, r.stdout + r.stderr).toBe(1);
  type Result = { title: string; tests: Array<{ results: Array<{ status: string; errors: Array<{ message?: string }> }> }> };
  const report = JSON.parse(fs.readFileSync(path.join(root, 'results.json'), 'utf8')) as { suites: Array<{ specs: Result[] }> };
  const specs = report.suites.flatMap((s) => s.specs);
  const outcome = Object.fromEntries(specs.map((s) => [s.title, s.tests[0].results[0]]));
  const crash = outcome['the Envoy under this case is killed'];
  expect(crash.status).toBe('failed');
  const message = crash.errors.map((e) => e.message ?? '').join('\n');
  // SIGKILL: 128 + 9; the tail ends with the log barrier the case wrote just before.
  expect(message).toMatch(new RegExp(`^(Error: )?Envoy ${VERSION} exited with code 137 during the case\\n--- last Envoy log lines ---\\n(.*\\n)*.*change log level: name='wasm' level='debug'`, 'm'));
  expect(outcome['the next case gets a fresh Envoy that works'].status).toBe('passed');
  const [first, second] = fs.readFileSync(idsFile, 'utf8').trim().split('\n');
  expect(second).not.toBe(first);
  expect(await leftovers(runId)).toEqual({ containers: [], networks: [] });
  expect(scratchDirsOf(runId)).toEqual([]);
});
