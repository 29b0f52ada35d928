/**
 * Runs that own what they create, checked on real runs: an Envoy dying under a case, Ctrl-C and
 * SIGTERM mid-case, two runs at once, and the sweep's judgement of other runs' leftovers.
 * Each test reads `docker ps -a` and `docker network ls` (by the run's label) afterwards.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type TestInfo } from '@playwright/test';
import { getContainerRuntimeClient } from 'testcontainers';
import { LABEL_OWNER_BOOT, LABEL_OWNER_HOST, LABEL_OWNER_PID, LABEL_OWNER_START, LABEL_PROJECT, LABEL_RUN_ID, ensureRunId, newRunId } from '../engine/ownership';
import { identityOf, thisBootId } from '../engine/processes';
import { LABEL_MADE_BY_RUN, sweep } from '../engine/sweep';
import '../engine/testcontainers-env';
import { childEnv, repoRoot, runNode } from './commands';

const CLI = path.join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js');
const TSX = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const VERSION = 'envoy-1.40.0';

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

interface SampleResult {
  status: string;
  errors: Array<{ message?: string }>;
}

/**
 * Runs `sample-run/<name>.lifecycle.ts` (lifecycle.config.ts) as a run of its own: its exit code and
 * output, each case's result by title, the lines its cases wrote to EWC_SAMPLE_IDS_FILE, its run id.
 */
async function lifecycleRun(name: string, testInfo: TestInfo): Promise<{ code: number | null; output: string; results: Record<string, SampleResult>; ids: string[]; runId: string }> {
  const root = testInfo.outputPath(name);
  const idsFile = path.join(root, 'envoy-ids');
  fs.mkdirSync(root, { recursive: true });
  const runId = newRunId();
  const r = await runNode([CLI, 'test', '-c', path.join(__dirname, 'sample-run', 'lifecycle.config.ts'), `${name}.lifecycle`], { EWC_RUN_ID: runId, EWC_REPORTS_ROOT: root, EWC_SAMPLE_IDS_FILE: idsFile, EWC_VERSIONS: VERSION }, 240_000);
  const report = JSON.parse(fs.readFileSync(path.join(root, 'results.json'), 'utf8')) as { suites: Array<{ specs: Array<{ title: string; tests: Array<{ results: SampleResult[] }> }> }> };
  const results = Object.fromEntries(report.suites.flatMap((s) => s.specs).map((s) => [s.title, s.tests[0].results[0]]));
  const ids = fs.existsSync(idsFile) ? fs.readFileSync(idsFile, 'utf8').trim().split('\n') : [];
  return { code: r.code, output: r.stdout + r.stderr, results, ids, runId };
}

test('an Envoy that dies under a case fails that case with its exit code and log tail; the next case gets a fresh Envoy', async ({}, testInfo) => {
  const run = await lifecycleRun('envoy-death', testInfo);
  expect(run.code, run.output).toBe(1);
  const crash = run.results['the Envoy under this case is killed'];
  expect(crash.status).toBe('failed');
  const message = crash.errors.map((e) => e.message ?? '').join('\n');
  // SIGKILL: 128 + 9; the tail ends with the log barrier the case wrote just before.
  expect(message).toMatch(new RegExp(`^(Error: )?Envoy ${VERSION} exited with code 137 during the case\\n--- last Envoy log lines ---\\n(.*\\n)*.*change log level: name='wasm' level='debug'`, 'm'));
  expect(run.results['the next case gets a fresh Envoy that works'].status).toBe('passed');
  const [first, second] = run.ids;
  expect(second).not.toBe(first);
  expect(await leftovers(run.runId)).toEqual({ containers: [], networks: [] });
  expect(scratchDirsOf(run.runId)).toEqual([]);
});

test('a case that times out while an Envoy of its own is starting fails on its timeout alone; that Envoy is stopped by the case, nothing is left for the sweep', async ({}, testInfo) => {
  const run = await lifecycleRun('start-timeout', testInfo);
  expect(run.code, run.output).toBe(1);
  const result = run.results['the case times out while an Envoy of its own is starting'];
  // The start was still under way when the time ran out.
  const [id, state] = run.ids[0].split(' ');
  expect(state).toBe('starting');
  expect(result.status).toBe('timedOut');
  // Its only error is the timeout: no network refused removal because that Envoy was still attached.
  expect(result.errors.map((e) => (e.message ?? '').replace(/\x1b\[[0-9;]*m/g, '').split('\n')[0])).toEqual(['Test timeout of 1ms exceeded.']);
  expect(run.output).not.toContain('[teardown] removed');
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  expect(await docker.listContainers({ all: true, filters: JSON.stringify({ id: [id] }) })).toEqual([]);
  expect(await leftovers(run.runId)).toEqual({ containers: [], networks: [] });
  expect(scratchDirsOf(run.runId)).toEqual([]);
});

/** Starts `npm run matrix` on one case, in its own process group (as a terminal would), and reads its run id. */
function startMatrix(root: string, grep: string): { child: ReturnType<typeof spawn>; runId: Promise<string>; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [TSX, path.join(repoRoot, 'scripts', 'matrix.ts'), '--project', VERSION, '--grep', grep], {
    cwd: repoRoot,
    detached: true,
    env: childEnv({ EWC_VERSIONS: VERSION, EWC_REPORTS_ROOT: root, EWC_WORKERS: '1' }),
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const runId = new Promise<string>((resolve, reject) => {
    const look = (): void => {
      const m = /^\[run\] (\S+): playwright test/m.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', look);
    child.on('exit', () => reject(new Error(`the run ended before it printed its id:\n${out}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  return { child, runId, exit, output: () => out };
}

/** Until the run is inside a case: the worker's Envoy and the case's own Envoy both run. */
async function untilMidCase(runId: string): Promise<void> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const filters = JSON.stringify({ label: [`${LABEL_RUN_ID}=${runId}`, 'dev.ewc.role=envoy'], status: ['running'] });
  await expect.poll(async () => (await docker.listContainers({ filters })).length, { timeout: 120_000, message: `run ${runId} inside a case with its own Envoy` }).toBe(2);
}

for (const { signal, to } of [
  { signal: 'SIGINT', to: 'the process group (Ctrl-C in a terminal)' },
  { signal: 'SIGTERM', to: 'the command alone (a CI job cancelled)' },
] as const) {
  test(`${signal} to ${to} mid-case: everything the run created is gone within 10 s, and it exits non-zero`, async ({}, testInfo) => {
    const run = startMatrix(testInfo.outputPath('run'), '--concurrency 4');
    try {
      const runId = await run.runId;
      await untilMidCase(runId);
      expect((await leftovers(runId)).networks.length).toBe(1);
      const sent = Date.now();
      process.kill(signal === 'SIGINT' ? -run.child.pid! : run.child.pid!, signal);
      const code = await Promise.race([run.exit, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 10_000))]);
      const took = Date.now() - sent;
      expect(code, run.output()).not.toBe('still running');
      expect(code, run.output()).not.toBe(0);
      expect(await leftovers(runId)).toEqual({ containers: [], networks: [] });
      expect(scratchDirsOf(runId)).toEqual([]);
      testInfo.annotations.push({ type: 'measured', description: `${signal}: exit ${code} and nothing left after ${took} ms` });
      console.log(`[runs] ${signal} to ${to}: exit ${code}, nothing left after ${took} ms`);
    } finally {
      if (run.child.exitCode === null) process.kill(-run.child.pid!, 'SIGKILL');
    }
  });
}

test('two runs at once on one machine: the second starts (and sweeps) while the first is mid-case; both pass, neither leaves anything', async ({}, testInfo) => {
  const first = startMatrix(testInfo.outputPath('first'), '--concurrency 4');
  let second: ReturnType<typeof startMatrix> | undefined;
  try {
    const firstId = await first.runId;
    await untilMidCase(firstId);
    second = startMatrix(testInfo.outputPath('second'), '--concurrency 2');
    const secondId = await second.runId;
    expect(secondId).not.toBe(firstId);
    const [a, b] = await Promise.all([first.exit, second.exit]);
    expect(a, first.output()).toBe(0);
    expect(b, second.output()).toBe(0);
    expect(first.output()).toContain('1 passed');
    expect(second.output()).toContain('1 passed');
    for (const id of [firstId, secondId]) {
      expect(await leftovers(id)).toEqual({ containers: [], networks: [] });
      expect(scratchDirsOf(id)).toEqual([]);
    }
  } finally {
    for (const r of [first, second]) if (r && r.child.exitCode === null) process.kill(-r.child.pid!, 'SIGKILL');
  }
});

test('the sweep removes only runs whose owner is provably gone: never a live owner\'s, never another host\'s', async () => {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const me = identityOf(process.pid);
  const reaped = spawn(process.execPath, ['-e', '']);
  const deadPid = reaped.pid!;
  await new Promise((r) => reaped.on('exit', r));
  const owners: Record<string, Record<string, string>> = {
    'dead-owner': { [LABEL_OWNER_HOST]: os.hostname(), [LABEL_OWNER_BOOT]: thisBootId(), [LABEL_OWNER_PID]: String(deadPid), [LABEL_OWNER_START]: '1' },
    'reused-pid': { [LABEL_OWNER_HOST]: me.host, [LABEL_OWNER_BOOT]: me.bootId, [LABEL_OWNER_PID]: String(me.pid), [LABEL_OWNER_START]: String(Number(me.startTime) - 1) },
    'earlier-boot': { [LABEL_OWNER_HOST]: me.host, [LABEL_OWNER_BOOT]: '00000000-0000-0000-0000-000000000000', [LABEL_OWNER_PID]: String(me.pid), [LABEL_OWNER_START]: me.startTime },
    'live-owner': { [LABEL_OWNER_HOST]: me.host, [LABEL_OWNER_BOOT]: me.bootId, [LABEL_OWNER_PID]: String(me.pid), [LABEL_OWNER_START]: me.startTime },
    'other-host': { [LABEL_OWNER_HOST]: `${os.hostname()}-elsewhere`, [LABEL_OWNER_BOOT]: '00000000-0000-0000-0000-000000000000', [LABEL_OWNER_PID]: String(deadPid), [LABEL_OWNER_START]: '1' },
  };
  const ids: Record<string, string> = {};
  for (const [name, owner] of Object.entries(owners)) {
    ids[name] = newRunId();
    // Made by this run: its teardown sweeps them even if the worker dies before `finally` (Ctrl-C).
    await docker.createNetwork({ Name: `ewc-sweep-${name}-${ids[name]}`, Labels: { [LABEL_PROJECT]: 'envoy-wasm-conformance', [LABEL_RUN_ID]: ids[name], [LABEL_MADE_BY_RUN]: ensureRunId(), ...owner } });
  }
  try {
    await sweep();
    const left = Object.fromEntries(await Promise.all(Object.entries(ids).map(async ([name, id]) => [name, (await leftovers(id)).networks.length] as const)));
    expect(left).toEqual({ 'dead-owner': 0, 'reused-pid': 0, 'earlier-boot': 0, 'live-owner': 1, 'other-host': 1 });
  } finally {
    await sweep(ids['live-owner']);
    await sweep(ids['other-host']);
  }
});

test('a second run into the reports dir a live run is writing is refused, saying how to run it elsewhere', async ({}, testInfo) => {
  const root = testInfo.outputPath('shared-reports');
  fs.mkdirSync(root, { recursive: true });
  const holder = { ...identityOf(process.pid), runId: 'the-first-run' };
  fs.writeFileSync(path.join(root, '.run-owner.json'), JSON.stringify(holder));
  const r = await runNode([TSX, path.join(repoRoot, 'scripts', 'matrix.ts'), '--project', VERSION, '--grep', 'no such case'], { EWC_VERSIONS: VERSION, EWC_REPORTS_ROOT: root }, 120_000);
  expect(r.code, r.stdout + r.stderr).toBe(2);
  expect(r.stderr).toContain(`[run] ${path.relative(repoRoot, root)} is in use by run the-first-run (pid ${process.pid} on ${os.hostname()}); set EWC_REPORTS_ROOT=<another dir> to run a second one at once`);
  expect(fs.existsSync(path.join(root, 'matrix'))).toBe(false);
});
