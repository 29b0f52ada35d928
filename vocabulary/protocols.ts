/**
 * One request through the proxy over a downstream protocol of the case's choosing: HTTP/1.1 (undici)
 * or HTTP/2 over cleartext with prior knowledge (node:http2, as a gRPC client or a mesh sidecar
 * speaks it). Header lines keep their repeats; bodies are bytes, given whole or as chunks to stream.
 */
import http2 from 'node:http2';
import { Readable } from 'node:stream';
import { request as undiciRequest } from 'undici';
import { timing } from '../proxy/plugin-config';

export const PROTOCOLS = ['HTTP/1.1', 'HTTP/2'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export interface Exchange {
  method?: string;
  path: string;
  /** Header lines in order, repeats kept. */
  headers?: Array<[string, string]>;
  /** The body: whole (sent with its length), or chunks written one after another (streamed: HTTP/1.1 chunked). */
  body?: Buffer | Buffer[];
  /** Request trailers (HTTP/2 only: undici sends none). */
  trailers?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  trailers: Record<string, string | string[] | undefined>;
}

/** Sends `x` to `origin` (scheme, host and port) on a new connection, closed afterwards; fails past the poll deadline. */
export async function exchange(protocol: Protocol, origin: string, x: Exchange): Promise<Reply> {
  const deadline = new Promise<never>((_, reject) => {
    const t = setTimeout(() => reject(new Error(`${protocol} ${x.method ?? 'GET'} ${x.path}: no complete reply within ${timing.pollDeadlineMs} ms`)), timing.pollDeadlineMs);
    t.unref();
  });
  return Promise.race([protocol === 'HTTP/2' ? viaHttp2(origin, x) : viaHttp1(origin, x), deadline]);
}

async function viaHttp1(origin: string, x: Exchange): Promise<Reply> {
  if (x.trailers) throw new Error('request trailers are sent over HTTP/2 only');
  // A stream of chunks has no length: undici sends it chunked.
  const body = Array.isArray(x.body) ? Readable.from(x.body) : x.body;
  const res = await undiciRequest(`${origin}${x.path}`, { method: x.method ?? 'GET', headers: [...(x.headers ?? []).flat(), 'connection', 'close'], body, reset: true });
  const out = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body: out, trailers: res.trailers };
}

function viaHttp2(origin: string, x: Exchange): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(origin);
    session.on('error', reject);
    // HTTP/2 carries names in lowercase only (RFC 9113 8.2.1); repeats become repeated fields.
    const headers: http2.OutgoingHttpHeaders = { ':method': x.method ?? 'GET', ':path': x.path };
    for (const [name, value] of x.headers ?? []) {
      const n = name.toLowerCase();
      const prev = headers[n];
      headers[n] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [String(prev)]), value];
    }
    const chunks = x.body === undefined ? [] : Array.isArray(x.body) ? x.body : [x.body];
    if (!Array.isArray(x.body) && x.body !== undefined) headers['content-length'] = x.body.length;
    const stream = session.request(headers, { endStream: chunks.length === 0 && !x.trailers, waitForTrailers: !!x.trailers });
    if (x.trailers) stream.on('wantTrailers', () => stream.sendTrailers(x.trailers!));
    const reply: Reply = { status: 0, headers: {}, body: Buffer.alloc(0), trailers: {} };
    const received: Buffer[] = [];
    stream.on('response', (h) => {
      reply.status = Number(h[':status']);
      reply.headers = h;
    });
    stream.on('trailers', (t) => (reply.trailers = t));
    stream.on('data', (c: Buffer) => received.push(c));
    stream.on('error', (e) => {
      session.destroy();
      reject(e);
    });
    stream.on('end', () => {
      reply.body = Buffer.concat(received);
      session.close();
      resolve(reply);
    });
    if (chunks.length || x.trailers) {
      (async () => {
        for (const c of chunks.slice(0, -1)) if (!stream.write(c)) await new Promise((r) => stream.once('drain', r));
        // END_STREAM rides on the last DATA frame, as clients send a body. Sent apart (an empty frame
        // after the body), the upstream may answer a body of known length before the request is
        // complete, and Envoy then resets the stream ("response before request complete", measured
        // on the istio wiring of Envoy 1.37.0): a race of this client, not the filter's doing.
        stream.end(chunks.at(-1));
      })().catch(reject);
    }
  });
}

/**
 * What the client saw, as one comparable string: `status <n>`, or `reset <HTTP/2 error code>` when
 * the stream was reset instead of answered (HTTP/2 has no status for a request it refuses to decode).
 */
export async function exchangeOutcome(protocol: Protocol, origin: string, x: Exchange): Promise<string> {
  try {
    return `status ${(await exchange(protocol, origin, x)).status}`;
  } catch (e) {
    const code = /NGHTTP2_\w+/.exec((e as Error).message);
    if (code) return `reset ${code[0]}`;
    throw e;
  }
}
