/**
 * Engine errors a user meets first, run as a user would (`npm run engine` in a child with its own
 * environment): they fail fast and say what was tried and how to get an engine. Docker-free.
 */
import { expect, test } from '@playwright/test';
import { runCommand } from './commands';

test('DOCKER_HOST names a socket that does not exist: a clear error that says how to get an engine, without hanging', async ({}, testInfo) => {
  const started = Date.now();
  const r = await runCommand('engine.ts', [], testInfo.outputPath(), 30_000, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^\[engine\] No Docker engine answers at unix:\/\/\/nonexistent\/docker\.sock \(DOCKER_HOST names it(, so no engine is started here: \/nonexistent\/docker\.sock does not exist|; testcontainers found only unix:\/\/\/var\/run\/docker\.sock, which is not used)\)\.$/m);
  expect(r.stderr).toContain('without root: rootless Docker (dockerd-rootless-setuptool.sh install)');
  expect(Date.now() - started).toBeLessThan(15_000);
});

test('a docker context that is selected but not there: named, with the file that is missing', async ({}, testInfo) => {
  const r = await runCommand('engine.ts', [], testInfo.outputPath(), 30_000, { DOCKER_CONTEXT: 'ewc-missing', DOCKER_CONFIG: testInfo.outputPath('docker-config') });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`[engine] docker context "ewc-missing" is selected but ${testInfo.outputPath('docker-config')}/contexts/meta/`);
  expect(r.stderr).toContain('/meta.json cannot be read (ENOENT');
});
