/**
 * Stand-ins for the engines a user may have, all forwarding to the one engine this machine runs: a
 * rootless-style unix socket, a plain tcp:// port, a TLS tcp:// port with client certificates (made
 * with openssl), and the non-root user who reaches them. Each counts the connections it forwarded,
 * so a test proves the traffic went through it.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { run } from '../engine/host';

export interface EngineForward {
  connections: number;
  close(): Promise<void>;
}

/** Where the real engine listens (unix socket path or host:port), from testcontainers' client. */
export type Upstream = { path: string } | { host: string; port: number };

function forward(server: net.Server, upstream: Upstream, event: 'connection' | 'secureConnection' = 'connection'): EngineForward {
  const state = { connections: 0 };
  server.on(event, (c: net.Socket) => {
    state.connections++;
    const up = 'path' in upstream ? net.connect(upstream.path) : net.connect(upstream.port, upstream.host);
    c.pipe(up).pipe(c);
    const end = (): void => {
      c.destroy();
      up.destroy();
    };
    c.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
  });
  return {
    get connections() {
      return state.connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A unix socket at `socketPath` that anyone may connect to (a rootless engine's socket belongs to its user). */
export async function unixForward(socketPath: string, upstream: Upstream): Promise<EngineForward> {
  const server = net.createServer();
  const f = forward(server, upstream);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  fs.chmodSync(socketPath, 0o777);
  return f;
}

/** A tcp:// engine on a free loopback port; with `tlsOptions`, TLS that demands a client certificate. */
export async function tcpForward(upstream: Upstream, tlsOptions?: tls.TlsOptions): Promise<EngineForward & { port: number }> {
  const server = tlsOptions ? tls.createServer(tlsOptions) : net.createServer();
  const f = forward(server, upstream, tlsOptions ? 'secureConnection' : 'connection');
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, get connections() { return f.connections; }, close: f.close };
}

/**
 * A CA, a server certificate for 127.0.0.1 and a client certificate, in the file names DOCKER_CERT_PATH
 * expects (ca.pem, cert.pem, key.pem for the client), plus the server's pair.
 */
export function makeCertificates(dir: string): { certPath: string; server: tls.TlsOptions } {
  const o = (args: string[], input?: string): void => void run('openssl', args, { timeoutMs: 30_000, input });
  const f = (n: string): string => path.join(dir, n);
  o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=ewc-test-ca', '-keyout', f('ca-key.pem'), '-out', f('ca.pem')]);
  fs.writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  fs.writeFileSync(f('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    o(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=ewc-test-${who}`, '-keyout', f(`${who}-key.pem`), '-out', f(`${who}.csr`)]);
    o(['x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca-key.pem'), '-CAcreateserial', '-days', '1', '-extfile', f(`${who}.ext`), '-out', f(`${who}-cert.pem`)]);
  }
  const certPath = path.join(dir, 'client');
  fs.mkdirSync(certPath);
  fs.copyFileSync(f('ca.pem'), path.join(certPath, 'ca.pem'));
  fs.copyFileSync(f('client-cert.pem'), path.join(certPath, 'cert.pem'));
  fs.copyFileSync(f('client-key.pem'), path.join(certPath, 'key.pem'));
  return {
    certPath,
    server: { ca: fs.readFileSync(f('ca.pem')), cert: fs.readFileSync(f('server-cert.pem')), key: fs.readFileSync(f('server-key.pem')), requestCert: true, rejectUnauthorized: true },
  };
}

/** A scratch dir anyone can enter (the non-root child reads its socket and HOME there). */
export function openScratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** Whether `uid` could read `file`: every directory above it searchable by others (we are root; access() would say yes). */
export function readableByOthers(file: string): boolean {
  for (let p = path.resolve(file); ; p = path.dirname(p)) {
    const st = fs.statSync(p);
    if ((st.mode & (p === path.resolve(file) ? 0o004 : 0o001)) === 0) return false;
    if (p === path.dirname(p)) return true;
  }
}
