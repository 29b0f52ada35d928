/**
 * Engine discovery as testcontainers does it, proved against stand-in engines that forward to this
 * machine's engine and count what they forwarded: a non-root user's rootless socket found without
 * DOCKER_HOST, a plain tcp:// engine, a TLS tcp:// engine with client certificates, a docker context.
 * Each runs `npm run engine` in a child process with its own environment, as a user would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { getContainerRuntimeClient } from 'testcontainers';
import { endpointOf } from '../engine/docker-engine';
import '../engine/testcontainers-env';
import { repoRoot, runNode } from './commands';
import { makeCertificates, openScratchDir, readableByOthers, tcpForward, unixForward, type Upstream } from './engine-proxy';

const TSX = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const ENGINE = path.join(repoRoot, 'scripts', 'engine.ts');
const NOBODY = 65534;
const ENGINE_LINE = /^\[engine\] docker (\S+) at (\S+) \(via ([^)]+)\)$/m;

let upstream: Upstream;
let serverVersion: string;
const scratch: string[] = [];

test.beforeAll(async () => {
  const client = await getContainerRuntimeClient();
  serverVersion = String(client.info.containerRuntime.serverVersion);
  const url = new URL(endpointOf(client).replace(/^tcp\+tls:/, 'tcp:'));
  upstream = url.protocol === 'unix:' ? { path: url.pathname } : { host: url.hostname, port: Number(url.port) };
});

test.afterAll(() => {
  for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
});

const dir = (prefix: string): string => {
  const d = openScratchDir(prefix);
  scratch.push(d);
  return d;
};

/** A clean environment: no DOCKER_* of ours, a HOME of its own (no ~/.docker, no ~/.testcontainers.properties). */
function engineEnv(home: string, extra: Record<string, string>): Record<string, string | undefined> {
  return { HOME: home, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined, DOCKER_TLS_VERIFY: undefined, DOCKER_CERT_PATH: undefined, DOCKER_CONFIG: path.join(home, '.docker'), XDG_RUNTIME_DIR: undefined, ...extra };
}

async function engineAs(env: Record<string, string | undefined>, uid?: number): Promise<{ code: number | null; out: string }> {
  const r = await runNode([TSX, ENGINE], env, 45_000, uid);
  return { code: r.code, out: r.stdout + r.stderr };
}

test('a non-root user with a rootless socket and no DOCKER_HOST: found through testcontainers\' rootless strategy', async () => {
  test.skip(process.getuid?.() !== 0, 'needs root to run the child as another user');
  // The child runs as nobody and loads the repo in place: it must be able to read it.
  expect(readableByOthers(ENGINE), `${ENGINE} must be readable by uid ${NOBODY} for this test`).toBe(true);
  const runtimeDir = dir('ewc-rootless-');
  const forward = await unixForward(path.join(runtimeDir, 'docker.sock'), upstream);
  try {
    const r = await engineAs(engineEnv(runtimeDir, { XDG_RUNTIME_DIR: runtimeDir, EWC_CACHE_DIR: path.join(runtimeDir, 'cache') }), NOBODY);
    expect(r.code, r.out).toBe(0);
    expect(ENGINE_LINE.exec(r.out)?.slice(1), r.out).toEqual([serverVersion, `unix://${runtimeDir}/docker.sock`, 'testcontainers socket discovery']);
    expect(forward.connections).toBeGreaterThan(0);
  } finally {
    await forward.close();
  }
});

test('a non-root user with no engine at all: exit 1, saying it will not start one and how to get one', async () => {
  test.skip(process.getuid?.() !== 0, 'needs root to run the child as another user');
  const home = dir('ewc-noengine-');
  const started = Date.now();
  const r = await engineAs(engineEnv(home, { XDG_RUNTIME_DIR: home, EWC_CACHE_DIR: path.join(home, 'cache') }), NOBODY);
  expect(r.code, r.out).toBe(1);
  expect(r.out).toContain('[engine] No Docker engine answers at the default or a rootless socket (not root, so dockerd cannot be installed or started here: Could not find a working container runtime strategy).');
  expect(Date.now() - started).toBeLessThan(30_000);
});

test('a tcp:// engine named by DOCKER_HOST', async () => {
  const forward = await tcpForward(upstream);
  try {
    const r = await engineAs(engineEnv(dir('ewc-tcp-'), { DOCKER_HOST: `tcp://127.0.0.1:${forward.port}` }));
    expect(r.code, r.out).toBe(0);
    expect(ENGINE_LINE.exec(r.out)?.slice(1), r.out).toEqual([serverVersion, `tcp://127.0.0.1:${forward.port}`, 'DOCKER_HOST']);
    expect(forward.connections).toBeGreaterThan(0);
  } finally {
    await forward.close();
  }
});

test('a TLS tcp:// engine with client certificates (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH); without them it is refused', async () => {
  const certs = makeCertificates(dir('ewc-tls-'));
  const forward = await tcpForward(upstream, certs.server);
  try {
    const host = `tcp://127.0.0.1:${forward.port}`;
    const r = await engineAs(engineEnv(dir('ewc-tls-home-'), { DOCKER_HOST: host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs.certPath }));
    expect(r.code, r.out).toBe(0);
    expect(ENGINE_LINE.exec(r.out)?.slice(1), r.out).toEqual([serverVersion, `tcp+tls://127.0.0.1:${forward.port}`, 'DOCKER_HOST']);
    expect(forward.connections).toBeGreaterThan(0);

    const plain = await engineAs(engineEnv(dir('ewc-tls-home-'), { DOCKER_HOST: host }));
    expect(plain.code, plain.out).toBe(1);
    expect(plain.out).toContain(`[engine] No Docker engine answers at ${host} (DOCKER_HOST names it`);
  } finally {
    await forward.close();
  }
});

test('a docker context selected in ~/.docker/config.json, as the docker CLI stores it', async () => {
  const home = dir('ewc-context-');
  const socket = path.join(home, 'engine.sock');
  const forward = await unixForward(socket, upstream);
  try {
    const name = 'ewc-selftest';
    const meta = path.join(home, '.docker', 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    fs.mkdirSync(meta, { recursive: true });
    fs.writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: `unix://${socket}`, SkipTLSVerify: false } } }));
    fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: name }));
    const r = await engineAs(engineEnv(home, {}));
    expect(r.code, r.out).toBe(0);
    expect(ENGINE_LINE.exec(r.out)?.slice(1), r.out).toEqual([serverVersion, `unix://${socket}`, `docker context "${name}"`]);
    expect(forward.connections).toBeGreaterThan(0);
    // A process that never runs the engine check (a Playwright worker) reaches the same engine.
    const worker = `import { configureTestcontainers } from ${JSON.stringify(path.join(repoRoot, 'engine', 'testcontainers-env'))};
import { endpointOf } from ${JSON.stringify(path.join(repoRoot, 'engine', 'docker-engine'))};
import { getContainerRuntimeClient } from 'testcontainers';
configureTestcontainers();
getContainerRuntimeClient().then((c) => { console.log(endpointOf(c)); process.exit(0); });`;
    const w = await runNode([TSX, '-e', worker], engineEnv(home, {}), 45_000);
    expect(w.stdout.trim(), w.stderr).toBe(`unix://${socket}`);
  } finally {
    await forward.close();
  }
});
