import { expect, test } from '@playwright/test';
import { ensureEngine, EngineUnavailableError } from '../engine/docker-engine';

test('no engine at DOCKER_HOST: a clear error that says how to get one, without hanging', async () => {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
  try {
    const started = Date.now();
    const error = await ensureEngine({ log: () => undefined }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect(error!.message).toContain('No Docker engine answers at unix:///nonexistent/docker.sock (DOCKER_HOST is set, so it is not started here).');
    expect(error!.message).toContain('without root: rootless Docker (dockerd-rootless-setuptool.sh install)');
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
});
