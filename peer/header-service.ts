/**
 * The header service: answers the filter's callouts with the behaviour the test set (for all
 * callouts or per path) and logs them. A callout of another case (its `case` query parameter does
 * not start with the tag of the case that reset the peer) is answered the same but logged apart, as
 * a stray. Node built-ins only (it runs in the peer image).
 */
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { ClosableServer } from './closable-server';
import { readBody, readJson, recordedCall, send, type ServiceRole } from './http-io';
import { SERVICE_PORT, type HeaderServiceBehaviour, type RecordedCall } from './protocol';

const defaultBehaviour = (): HeaderServiceBehaviour => ({ status: 200, headers: {} });

function validateBehaviour(v: unknown): HeaderServiceBehaviour | string {
  if (typeof v !== 'object' || v === null) return 'behaviour must be a JSON object';
  const b = v as Record<string, unknown>;
  if (!Number.isInteger(b.status) || (b.status as number) < 100 || (b.status as number) > 599) return 'status must be an integer 100..599';
  if (typeof b.headers !== 'object' || b.headers === null || Object.values(b.headers).some((x) => typeof x !== 'string'))
    return 'headers must be an object of strings';
  if (b.rawBody !== undefined && typeof b.rawBody !== 'string') return 'rawBody must be a string';
  if (b.rawBodyBase64 !== undefined && (typeof b.rawBodyBase64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b.rawBodyBase64))) return 'rawBodyBase64 must be base64';
  if (b.delayMs !== undefined && (!Number.isInteger(b.delayMs) || (b.delayMs as number) < 0)) return 'delayMs must be a non-negative integer';
  if (b.reset !== undefined && typeof b.reset !== 'boolean') return 'reset must be a boolean';
  return b as unknown as HeaderServiceBehaviour;
}

/** The `case` query parameter of a callout path, if it has one. */
function caseOf(path: string): string | null {
  const q = path.indexOf('?');
  return q < 0 ? null : new URLSearchParams(path.slice(q + 1)).get('case');
}

export function headerService(): ServiceRole {
  let behaviour = defaultBehaviour();
  /** Behaviours for one callout path, query included (the rest get `behaviour`): two plugin configurations, two answers. */
  let byPath = new Map<string, HeaderServiceBehaviour>();
  let calls: RecordedCall[] = [];
  let strays: RecordedCall[] = [];
  let caseTag: string | undefined;

  const isStray = (path: string): boolean => {
    if (caseTag === undefined) return false;
    const c = caseOf(path);
    return c !== null && !c.startsWith(`${caseTag}.`);
  };

  const server = http.createServer(async (req, res) => {
    const call = recordedCall(req, await readBody(req));
    (isStray(call.path) ? strays : calls).push(call);
    const b = byPath.get(call.path) ?? behaviour;
    // A slow header service (a case about callout_timeout), not a wait in a test.
    if (b.delayMs) await delay(b.delayMs);
    if (res.destroyed) return;
    if (b.reset) {
      call.status = 0;
      req.socket.destroy();
      return;
    }
    call.status = b.status;
    res.writeHead(b.status, { 'content-type': 'application/json' });
    res.end(b.rawBodyBase64 !== undefined ? Buffer.from(b.rawBodyBase64, 'base64') : (b.rawBody ?? JSON.stringify(b.headers)));
  });

  return {
    service: new ClosableServer(server, SERVICE_PORT),
    calls: () => calls,
    reset(tag) {
      behaviour = defaultBehaviour();
      byPath = new Map();
      calls = [];
      strays = [];
      caseTag = tag;
    },
    async routes(route, req, res) {
      if (route === 'GET /calls/stray') {
        send(res, 200, strays);
        return true;
      }
      const forPath = /^PUT \/behaviour\?path=([^&]+)$/.exec(route);
      if (route !== 'PUT /behaviour' && !forPath) return false;
      const parsed = await readJson(req, res);
      if (parsed === undefined) return true;
      const checked = validateBehaviour(parsed.value);
      if (typeof checked === 'string') send(res, 400, checked);
      else {
        if (forPath) byPath.set(decodeURIComponent(forPath[1]), checked);
        else behaviour = checked;
        send(res, 200, checked);
      }
      return true;
    },
  };
}
