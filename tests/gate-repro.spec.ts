/**
 * The upgrade gate and the one-command repro, run for real (real Envoy containers) on one case.
 * Both start runs of their own; these tests check exit codes, what they print, and that nothing is
 * left behind.
 */
import { expect, test } from '@playwright/test';
import { getContainerRuntimeClient } from 'testcontainers';
import { request } from 'undici';
import { LABEL_RUN_ID } from '../engine/ownership';
import '../engine/testcontainers-env';
import { runCommand } from './commands';

const CASE = 'several headers at once arrive each exactly once, and nothing else is added';
const CASE_ID = `header-injection › ${CASE}`;
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test.describe.configure({ mode: 'serial', timeout: 240_000 });

test('gate: exit 1 naming the case when the candidate breaks it, exit 0 when nothing regresses', async ({}, testInfo) => {
  const root = testInfo.outputPath('gate');
  const broken = await runCommand('gate.ts', ['--baseline', 'envoy-1.40.0', '--candidate', 'envoy-1.40.0', '--candidate-variant', 'first-header-only', '--grep', CASE], root, 200_000);
  expect(broken.code, broken.stdout + broken.stderr).toBe(1);
  expect(broken.stdout).toContain(`[gate] regression: ${CASE_ID} @ envoy-1.40.0: passed -> failed`);
  expect(broken.stdout).toContain('[gate] NO: 1 case(s) pass on envoy-1.40.0 and fail on envoy-1.40.0');

  const fine = await runCommand('gate.ts', ['--baseline', 'envoy-1.36.2', '--candidate', 'envoy-1.40.0', '--grep', CASE], root, 200_000);
  expect(fine.code, fine.stdout + fine.stderr).toBe(0);
  expect(fine.stdout).toMatch(new RegExp(`${escapeRe(CASE_ID)}\\s+passed\\s+passed`));
  expect(fine.stdout).toContain('[gate] OK: all 1 case(s) that pass on envoy-1.36.2 pass on envoy-1.40.0');

  const unknown = await runCommand('gate.ts', ['--baseline', 'envoy-9.9.9', '--candidate', 'envoy-1.40.0'], root, 60_000);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain('unknown version id "envoy-9.9.9". Known ids: envoy-1.36.2');
});

test('gate: exit 3, never OK, when the candidate cannot run the case (envoy-1.38.3 from the wheel has no V8)', async ({}, testInfo) => {
  const r = await runCommand('gate.ts', ['--baseline', 'envoy-1.40.0', '--candidate', 'envoy-1.38.3', '--grep', 'several headers'], testInfo.outputPath('gate'), 200_000);
  expect(r.code, r.stdout + r.stderr).toBe(3);
  // The reason is the candidate's: the image it built from the wheel registers no V8.
  expect(r.stdout).toMatch(new RegExp(`^\\[gate\\] UNTESTED: ${escapeRe(CASE_ID)}: \\S.*registers no envoy\\.wasm\\.runtime\\.v8.*$`, 'm'));
  expect(r.stdout).toContain('[gate] UNTESTED: 1 case(s) that pass on envoy-1.40.0 were not tested on envoy-1.38.3');
  expect(r.stdout).not.toContain('[gate] OK');
});

test('gate --candidate-filter: switching the newest Envoy to the Rust filter is judged on the same version, and a broken Rust build is NO', async ({}, testInfo) => {
  const root = testInfo.outputPath('gate');
  const ok = await runCommand('gate.ts', ['--baseline', 'envoy-1.40.0', '--candidate-filter', 'rust', '--grep', CASE], root, 200_000);
  expect(ok.code, ok.stdout + ok.stderr).toBe(0);
  expect(ok.stdout).toMatch(/^\[gate\] baseline envoy-1\.40\.0: assemblyscript variant none \(\d+ bytes, sha256 [0-9a-f]{12}\)$/m);
  expect(ok.stdout).toMatch(/^\[gate\] candidate envoy-1\.40\.0: rust variant none \(\d+ bytes, sha256 [0-9a-f]{12}\)$/m);
  expect(ok.stdout).toContain('[gate] OK: all 1 case(s) that pass on envoy-1.40.0 pass on envoy-1.40.0');

  const broken = await runCommand('gate.ts', ['--baseline', 'envoy-1.40.0', '--candidate-filter', 'rust', '--candidate-variant', 'first-header-only', '--grep', CASE], root, 200_000);
  expect(broken.code, broken.stdout + broken.stderr).toBe(1);
  expect(broken.stdout).toContain(`[gate] regression: ${CASE_ID} @ envoy-1.40.0: passed -> failed`);
  expect(broken.stdout).toMatch(/^\[gate\] candidate envoy-1\.40\.0: rust variant first-header-only /m);
});

test('repro: a failing case keeps its containers with curl commands to reach them; --stop leaves nothing', async ({}, testInfo) => {
  const root = testInfo.outputPath('repro');
  const repro = await runCommand('repro.ts', ['--version', 'envoy-1.40.0', '--grep', CASE, '--variant', 'first-header-only'], root, 200_000);
  expect(repro.code, repro.stdout + repro.stderr).toBe(1);
  const runId = /its containers are still running \(run ([\w-]+)\)/.exec(repro.stdout)?.[1];
  expect(runId, repro.stdout).toBeTruthy();
  // The listener as this machine reaches it: the container's IP (direct addressing) or a published port on 127.0.0.1.
  const listener = /curl -sv (http:\/\/\d+\.\d+\.\d+\.\d+:\d+\/)anything/.exec(repro.stdout)?.[1];
  expect(listener, repro.stdout).toBeTruthy();
  expect(repro.stdout).toContain('stop everything: npm run repro -- --stop');

  const docker = (await getContainerRuntimeClient()).container.dockerode;
  const filters = JSON.stringify({ label: [`${LABEL_RUN_ID}=${runId}`] });
  expect((await docker.listContainers({ filters })).length).toBe(3); // envoy, header service, upstream
  // The kept proxy answers, through the (still broken) filter.
  const res = await request(`${listener}anything`, { headers: { connection: 'close' }, reset: true });
  expect(res.statusCode).toBe(200);
  await res.body.text();

  const stop = await runCommand('repro.ts', ['--stop'], root, 60_000);
  expect(stop.code, stop.stdout + stop.stderr).toBe(0);
  expect(stop.stdout).toContain(`[repro] run ${runId}: removed 3 containers and 1 networks`);
  expect(await docker.listContainers({ all: true, filters })).toEqual([]);
  expect(await docker.listNetworks({ filters })).toEqual([]);
});
