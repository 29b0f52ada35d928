/**
 * The load generator of the overhead benchmark: wrk (Debian's `wrk` package), HTTP/1.1 keep-alive,
 * a fixed connection count for a fixed duration: it stops by itself. Installed by ensureWrk() as
 * root with apt (the project's own setup, on CI too); elsewhere it says how to get it.
 */
import { spawn } from 'node:child_process';
import { aptInstall, hasCommand, HostCommandError, isRoot } from '../engine/host';

export interface LoadSpec {
  url: string;
  durationS: number;
  connections: number;
  /** CPUs wrk may run on (taskset), away from the proxy under test. */
  cpus?: string;
  /** Request headers sent with every request. */
  headers?: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses whose status was not 2xx/3xx, plus socket errors: a valid measurement has none. */
  failures: number;
  raw: string;
}

export function ensureWrk(log: (m: string) => void = console.log): void {
  if (hasCommand('wrk')) return;
  if (!isRoot()) throw new Error('wrk is not installed: install Debian\'s `wrk` package (sudo apt-get install -y wrk), then rerun');
  log('wrk not found: installing Debian package wrk (apt-get)');
  try {
    aptInstall(['wrk']);
  } catch (e) {
    throw new Error(`wrk is not installed and apt-get could not install it: ${(e as HostCommandError).message}`);
  }
  if (!hasCommand('wrk')) throw new Error('apt-get installed wrk but it is still not on PATH');
}

/** wrk prints latencies as "1.23ms", "850.00us", "1.02s". */
function toMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) throw new Error(`wrk: unreadable latency "${text}"`);
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

export function parseWrk(out: string): LoadResult {
  const pick = (re: RegExp, what: string): string => {
    const m = re.exec(out);
    if (!m) throw new Error(`wrk output has no ${what}:\n${out}`);
    return m[1];
  };
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return {
    requests: Number(pick(/(\d+) requests in /, 'request count')),
    requestsPerSecond: Number(pick(/Requests\/sec:\s+([\d.]+)/, 'Requests/sec')),
    p50Ms: toMs(pick(/^\s+50%\s+(\S+)$/m, 'p50 (--latency)')),
    p99Ms: toMs(pick(/^\s+99%\s+(\S+)$/m, 'p99 (--latency)')),
    failures: (non2xx ? Number(non2xx[1]) : 0) + socketErrors,
    raw: out,
  };
}

/**
 * One bounded load run (one thread: the other core serves Envoy). Asynchronous: the event loop must
 * keep running meanwhile, or the peers' pooled keep-alive connections die unnoticed under it.
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const args = ['-t1', `-c${spec.connections}`, `-d${spec.durationS}s`, '--latency', '--timeout', '2s'];
  for (const [k, v] of Object.entries(spec.headers ?? {})) args.push('-H', `${k}: ${v}`);
  args.push(spec.url);
  return new Promise((resolve, reject) => {
    const [cmd, argv] = spec.cpus ? ['taskset', ['-c', spec.cpus, 'wrk', ...args]] : ['wrk', args];
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // wrk stops by itself after the duration; this only guards against a hung one.
    const guard = setTimeout(() => child.kill('SIGKILL'), (spec.durationS + 30) * 1000);
    child.on('error', (e) => (clearTimeout(guard), reject(e)));
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (code !== 0) return reject(new Error(`wrk ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${(err || out).trim()}`));
      try {
        resolve(parseWrk(out));
      } catch (e) {
        reject(e);
      }
    });
  });
}
