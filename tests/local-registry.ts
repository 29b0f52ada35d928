/**
 * Debian's `docker-registry` on loopback, for exercising the pull path for real: installed when
 * missing (root with apt), storage in a temp dir, stopped and removed by stop(). Docker treats
 * 127.0.0.0/8 registries as insecure by default, so plain HTTP needs no daemon change.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { getContainerRuntimeClient } from 'testcontainers';
import { aptInstall, hasCommand } from '../engine/host';
import { pollUntil } from '../engine/poll';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

export class LocalRegistry {
  constructor(private readonly startupTimeoutMs = 30_000) {}

  async start(): Promise<StartedLocalRegistry> {
    if (!hasCommand('docker-registry')) aptInstall(['docker-registry']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ewc-registry-'));
    const port = await freePort();
    const config = path.join(dir, 'config.yml');
    fs.writeFileSync(config, ['version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${dir}/data`, 'http:', `  addr: 127.0.0.1:${port}`, ''].join('\n'));
    const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    const started = new StartedLocalRegistry(`127.0.0.1:${port}`, child, dir);
    try {
      await pollUntil(`docker-registry answering on 127.0.0.1:${port}/v2/`, async () => {
        if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}:\n${log}`);
        const res = await request(`http://127.0.0.1:${port}/v2/`).catch(() => undefined);
        await res?.body.dump();
        return res?.statusCode === 200 ? true : undefined;
      }, { timeoutMs: this.startupTimeoutMs });
    } catch (e) {
      await started.stop();
      throw e;
    }
    return started;
  }
}

export class StartedLocalRegistry {
  constructor(readonly host: string, private readonly child: ChildProcess, private readonly dir: string) {}

  /** Tags local image `source` as `<host>/<name>` and pushes it; throws with the registry's error. */
  async push(source: string, name: string): Promise<string> {
    const docker = (await getContainerRuntimeClient()).container.dockerode;
    const ref = `${this.host}/${name}`;
    const [repo, tag] = [ref.slice(0, ref.lastIndexOf(':')), ref.slice(ref.lastIndexOf(':') + 1)];
    await docker.getImage(source).tag({ repo, tag });
    // Docker wants an X-Registry-Auth header even for a registry without auth.
    const stream = await docker.getImage(ref).push({ authconfig: { serveraddress: this.host } });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string }>) => {
        const failed = err?.message ?? events.find((e) => e.error)?.error;
        if (failed) reject(new Error(`push of ${ref} failed: ${failed}`));
        else resolve();
      }),
    );
    return ref;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Removes a local tag (never the image it names when other tags keep it). */
export async function untag(ref: string): Promise<void> {
  const docker = (await getContainerRuntimeClient()).container.dockerode;
  await docker.getImage(ref).remove({ noprune: true }).catch((e: { statusCode?: number }) => {
    if (e.statusCode !== 404) throw e;
  });
}
