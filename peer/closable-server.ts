/**
 * A server on a port that can be closed and reopened (a service that stops and comes back): while
 * closed, a connection to the port is refused; connections open at the close are cut, as a dying
 * process would cut them. Node built-ins only (it runs in the peer image).
 */
import type { Server, Socket } from 'node:net';

export class ClosableServer {
  private readonly sockets = new Set<Socket>();
  private listening = false;

  constructor(
    readonly server: Server,
    readonly port: number,
  ) {
    // An idle keep-alive connection is Envoy's to close, never ours: Node closes one after 5 s by
    // default, and a request Envoy sends on it at that moment is reset (a 503 no case caused).
    if ('keepAliveTimeout' in server) (server as Server & { keepAliveTimeout: number }).keepAliveTimeout = 0;
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  get serving(): boolean {
    return this.listening;
  }

  /** Resolves once the port accepts connections (at once when it already does). */
  listen(): Promise<void> {
    if (this.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, () => {
        this.server.off('error', reject);
        this.listening = true;
        resolve();
      });
    });
  }

  /** Resolves once the port is closed; open connections are cut at once. */
  close(): Promise<void> {
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    return closed;
  }
}
