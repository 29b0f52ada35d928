/**
 * An Envoy's output as lines, and the only ways a case reads it: marks, waits under a deadline, the
 * lines between two known positions, and a barrier (a line Envoy writes on demand, after everything
 * any thread logged before the call). The log arrives asynchronously through Docker's stream, so
 * there is no "read now and assert" form.
 */
import { pollUntil } from '../engine/poll';
import { timing } from './plugin-config';

/** A line of Envoy's output and its position (for logBetween). */
export interface LogLine {
  at: number;
  text: string;
}

export type LogMatch = string | RegExp | ((line: string) => boolean);

/** What Envoy's admin logs when a logger's level is set (the log barrier). */
export const BARRIER_LINE = "change log level: name='wasm' level='debug'";

/** Lines Envoy writes for the wasm component (host messages and the filter's own logs). */
export const isWasmLine = (line: string): boolean => line.includes('[wasm]');

const describeMatch = (m: LogMatch): string => (typeof m === 'string' ? JSON.stringify(m) : m instanceof RegExp ? String(m) : 'a predicate');

export class EnvoyLog {
  private readonly lines: string[] = [];
  private partial = '';
  private barriers = 0;
  /** Positions of the barrier lines found so far: the next search starts past the last one. */
  private readonly barrierAt: number[] = [];

  /** `name` says whose log it is in errors. */
  constructor(private readonly name: string) {}

  /** A chunk of the container's output (the log consumer). */
  push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) if (p.length) this.lines.push(p);
  }

  /** Where the log stands now, as delivered so far: for failure attachments, never for assertions. */
  position(): number {
    return this.lines.length;
  }

  /** Everything from `since`, for failure attachments only. */
  since(since = 0): string[] {
    return this.lines.slice(since);
  }

  /** Waits until at least `count` lines past `since` match; returns the matching lines seen so far. */
  async waitFor(match: LogMatch, opts: { since: number; count?: number; timeoutMs?: number; what?: string }): Promise<LogLine[]> {
    const count = opts.count ?? 1;
    const test = typeof match === 'string' ? (l: string) => l.includes(match) : match instanceof RegExp ? (l: string) => match.test(l) : match;
    const found = (): LogLine[] => {
      const out: LogLine[] = [];
      for (let i = opts.since; i < this.lines.length; i++) if (test(this.lines[i])) out.push({ at: i, text: this.lines[i] });
      return out;
    };
    try {
      return await pollUntil(`${count} log line(s) of ${this.name} matching ${opts.what ?? describeMatch(match)}`, async () => {
        const lines = found();
        return lines.length >= count ? lines : undefined;
      }, { timeoutMs: opts.timeoutMs ?? timing.pollDeadlineMs });
    } catch (e) {
      const seen = found();
      throw new Error(`${(e as Error).message}; saw ${seen.length}${seen.length ? `:\n${seen.map((l) => l.text).join('\n')}` : ''}`);
    }
  }

  /** The lines strictly between `from` and a line already seen by waitFor: complete, so safe to assert absence on. */
  between(from: number, until: LogLine): string[] {
    return this.lines.slice(from, until.at);
  }

  /**
   * The barrier line that `writeBarrier` (an admin call that makes Envoy log BARRIER_LINE) produced:
   * every line logged before the call stands before it. Concurrent barriers are told apart by count.
   */
  async barrier(writeBarrier: () => Promise<unknown>): Promise<LogLine> {
    const n = ++this.barriers;
    await writeBarrier();
    if (this.barrierAt.length < n) {
      const known = this.barrierAt.length;
      const since = known ? this.barrierAt[known - 1] + 1 : 0;
      const lines = await this.waitFor(BARRIER_LINE, { since, count: n - known, what: `log barrier ${n} (${BARRIER_LINE})` });
      // Another barrier call may have recorded some of these meanwhile: keep positions in order, once.
      for (const l of lines) if (l.at > (this.barrierAt[this.barrierAt.length - 1] ?? -1)) this.barrierAt.push(l.at);
    }
    const at = this.barrierAt[n - 1];
    return { at, text: this.lines[at] };
  }
}
