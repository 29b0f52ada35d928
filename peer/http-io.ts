/** Request and answer helpers shared by the peer's servers. Node built-ins only (it runs in the peer image). */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { ClosableServer } from './closable-server';
import type { RecordedCall } from './protocol';

export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i].toLowerCase(), raw[i + 1]]);
  return out;
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

/** A string body goes as text/plain, anything else as JSON. */
export function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}

/** Parses a control request's JSON body; undefined (after answering 400) when it is not JSON. */
export async function readJson(req: http.IncomingMessage, res: http.ServerResponse): Promise<{ value: unknown } | undefined> {
  try {
    return { value: JSON.parse((await readBody(req)).toString('utf8')) };
  } catch {
    send(res, 400, 'body is not JSON');
    return undefined;
  }
}

let seq = 0;

/** The call log's record of a request whose body was `bytes` (status set once answered). */
export function recordedCall(req: http.IncomingMessage, bytes: Buffer): RecordedCall {
  return {
    seq: ++seq,
    at: Date.now(),
    method: req.method ?? '',
    path: req.url ?? '',
    authority: req.headers.host ?? '',
    headers: pairs(req.rawHeaders),
    bodyBytes: bytes.length,
    bodySha256: sha256Hex(bytes),
    chunked: /\bchunked\b/i.test(req.headers['transfer-encoding'] ?? ''),
    trailers: pairs(req.rawTrailers),
  };
}

/** Control routes of one server: true when they answered the request. */
export type ControlRoutes = (route: string, req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;

/** What a role serves on the service port, as the control API drives it. */
export interface ServiceRole {
  readonly service: ClosableServer;
  /** The call log since the last reset. */
  calls(): RecordedCall[];
  /** Clears the log and restores the defaults; `caseTag` (when given) is the case that callouts from now on belong to. */
  reset(caseTag: string | undefined): void;
  /** The role's own control routes. */
  routes: ControlRoutes;
}
