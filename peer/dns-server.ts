/**
 * A DNS server that knows no name: every query is answered NXDOMAIN at once and logged. A cluster
 * pointed at it is a name that does not resolve, without a query ever leaving the run's network.
 * Node built-ins only (it runs in the peer image).
 */
import dgram from 'node:dgram';
import { DNS_PORT, type DnsQuery } from './protocol';

export interface DnsServer {
  /** Queries answered since the last reset. */
  queries(): DnsQuery[];
  reset(): void;
}

export function dnsServer(): DnsServer {
  let queries: DnsQuery[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, from) => {
    if (msg.length < 12) return;
    // Question: labels from offset 12, then type and class.
    const labels: string[] = [];
    let i = 12;
    while (i < msg.length && msg[i] !== 0) {
      labels.push(msg.subarray(i + 1, i + 1 + msg[i]).toString('latin1'));
      i += msg[i] + 1;
    }
    const question = msg.subarray(12, Math.min(msg.length, i + 5));
    queries.push({ at: Date.now(), name: labels.join('.'), type: i + 2 < msg.length ? msg.readUInt16BE(i + 1) : 0 });
    const reply = Buffer.alloc(12);
    msg.copy(reply, 0, 0, 2); // id
    reply[2] = 0x80 | (msg[2] & 0x79); // QR, opcode and RD as asked
    reply[3] = 0x80 | 3; // RA, RCODE 3: NXDOMAIN
    reply.writeUInt16BE(1, 4); // one question, no answers
    socket.send(Buffer.concat([reply, question]), from.port, from.address);
  });
  socket.bind(DNS_PORT);
  return {
    queries: () => queries,
    reset() {
      queries = [];
    },
  };
}
