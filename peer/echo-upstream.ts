/**
 * The echo upstream: answers every request with what it received (as JSON, or with `x-echo-raw` its
 * body back byte for byte, trailers as response trailers) and logs it. Node built-ins only (it runs
 * in the peer image).
 */
import http from 'node:http';
import { ClosableServer } from './closable-server';
import { readBody, recordedCall, send, type ServiceRole } from './http-io';
import { ECHO_RAW_HEADER, SERVICE_PORT, type EchoResponse, type RecordedCall } from './protocol';

export function echoUpstream(): ServiceRole {
  let calls: RecordedCall[] = [];

  const server = http.createServer(async (req, res) => {
    const bytes = await readBody(req);
    const call = recordedCall(req, bytes);
    calls.push(call);
    call.status = 200;
    // Raw mode: the request body comes back as it was, byte for byte (cases about bodies).
    if (req.headers[ECHO_RAW_HEADER] !== undefined) {
      // Request trailers come back as response trailers (a chunked reply, so no content-length).
      if (call.trailers.length) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-echo-request-sha256': call.bodySha256, trailer: call.trailers.map(([n]) => n).join(', ') });
        res.write(bytes);
        res.addTrailers(call.trailers);
        return void res.end();
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-echo-request-sha256': call.bodySha256 });
      return void res.end(bytes);
    }
    const echo: EchoResponse = { method: call.method, path: call.path, authority: call.authority, headers: call.headers, body: bytes.toString('utf8') };
    send(res, 200, echo);
  });

  return {
    service: new ClosableServer(server, SERVICE_PORT),
    calls: () => calls,
    reset() {
      calls = [];
    },
    routes: async () => false,
  };
}
