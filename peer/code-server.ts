/**
 * The wasm code server (remote delivery), beside the header service on its own port: stored modules
 * by name, a behaviour and a fetch log. Modules survive a reset (a running Envoy may fetch its module
 * again); behaviour and log do not. Node built-ins only (it runs in the peer image).
 */
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { ClosableServer } from './closable-server';
import { readBody, readJson, send, sha256Hex, type ControlRoutes } from './http-io';
import { CODE_PORT, type CodeFetch, type CodeServerBehaviour, type StoredModule } from './protocol';

export interface CodeServer {
  readonly port: ClosableServer;
  reset(): void;
  routes: ControlRoutes;
}

const defaultCodeBehaviour = (): CodeServerBehaviour => ({ status: 200 });

export function codeServer(): CodeServer {
  const modules = new Map<string, Buffer>();
  let behaviour = defaultCodeBehaviour();
  let fetches: CodeFetch[] = [];

  const server = http.createServer(async (req, res) => {
    await readBody(req);
    const fetch: CodeFetch = { at: Date.now(), path: req.url ?? '', status: 0 };
    fetches.push(fetch);
    const b = behaviour;
    if (b.delayMs) await delay(b.delayMs);
    if (res.destroyed || req.socket.destroyed) return;
    const name = /^\/modules\/([\w.-]+)$/.exec(fetch.path)?.[1];
    const bytes = name === undefined ? undefined : modules.get(name);
    if (b.status !== 200 || !bytes) {
      fetch.status = b.status !== 200 ? b.status : 404;
      res.writeHead(fetch.status, { 'content-type': 'text/plain' });
      return void res.end(`no module at ${fetch.path}`);
    }
    fetch.status = 200;
    fetch.sha256 = sha256Hex(bytes);
    res.writeHead(200, { 'content-type': 'application/wasm', 'content-length': bytes.length });
    res.end(bytes);
  });
  const port = new ClosableServer(server, CODE_PORT);

  async function setBehaviour(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const parsed = await readJson(req, res);
    if (parsed === undefined) return;
    const v = parsed.value as Record<string, unknown> | null;
    if (!v || !Number.isInteger(v.status) || (v.status as number) < 100 || (v.status as number) > 599) send(res, 400, 'status must be an integer 100..599');
    else if (v.delayMs !== undefined && (!Number.isInteger(v.delayMs) || (v.delayMs as number) < 0)) send(res, 400, 'delayMs must be a non-negative integer');
    else {
      behaviour = { status: v.status as number, ...(v.delayMs === undefined ? {} : { delayMs: v.delayMs as number }) };
      send(res, 200, behaviour);
    }
  }

  return {
    port,
    reset() {
      behaviour = defaultCodeBehaviour();
      fetches = [];
    },
    async routes(route, req, res) {
      const upload = /^PUT \/modules\/([\w.-]+)$/.exec(route);
      if (upload) {
        const bytes = await readBody(req);
        modules.set(upload[1], bytes);
        const stored: StoredModule = { name: upload[1], size: bytes.length, sha256: sha256Hex(bytes) };
        send(res, 200, stored);
      } else if (route === 'PUT /code/behaviour') await setBehaviour(req, res);
      else if (route === 'GET /code/fetches') send(res, 200, fetches);
      else if (route === 'POST /code/stop' || route === 'POST /code/start') {
        await (route === 'POST /code/stop' ? port.close() : port.listen());
        send(res, 200, { serving: port.serving, at: Date.now() });
      } else return false;
      return true;
    },
  };
}
