/**
 * An Envoy's admin API: stats, readiness, config_dump, and the waits that tell when Envoy has
 * applied or refused a listener (LDS) or extension config (ECDS) update, read from its counters.
 */
import { request } from 'undici';
import { pollUntil } from '../engine/poll';

export type ListenerUpdate = 'accepted' | 'rejected';

/** Envoy's ECDS counters for HTTP filters: `<prefix><name>.update_success` / `.update_rejected` (measured on 1.36.2 and 1.40.0). */
const ECDS_STAT_PREFIX = 'extension_config_discovery.http_filter.';

/** Per extension config name: [updates applied, updates refused]. */
export type EcdsCounters = Map<string, [number, number]>;

/** Counters read before an LDS write, to tell the write's outcome from earlier ones. */
export interface LdsBaseline {
  ok: number;
  rejected: number;
  changes: number;
}

export class EnvoyAdmin {
  /** `baseUrl` is where admin answers on the host; `name` says whose admin it is in errors. */
  constructor(private readonly baseUrl: () => string, private readonly name: string) {}

  async get(path: string, method: 'GET' | 'POST' = 'GET'): Promise<string> {
    const res = await request(`${this.baseUrl()}${path}`, { method, headersTimeout: 5000, bodyTimeout: 5000 });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`admin ${path} -> ${res.statusCode}: ${text.slice(0, 500)}`);
    return text;
  }

  post(path: string): Promise<string> {
    return this.get(path, 'POST');
  }

  /** Counters and gauges from /stats, by name. */
  async stats(filter?: string): Promise<Map<string, number>> {
    const text = await this.get(`/stats${filter ? `?filter=${encodeURIComponent(filter)}` : ''}`);
    const out = new Map<string, number>();
    for (const line of text.split('\n')) {
      const m = /^(\S+): (-?\d+)$/.exec(line.trim());
      if (m) out.set(m[1], Number(m[2]));
    }
    return out;
  }

  /** One counter or gauge; a stat Envoy does not have fails with its name instead of reading as a default. */
  async stat(name: string): Promise<number> {
    const value = (await this.stats(name)).get(name);
    if (value === undefined) throw new Error(`${this.name} has no stat "${name}" in /stats`);
    return value;
  }

  /** Per extension config name: [updates applied, updates refused] (a refused update also counts a config_reload, so those are not used). */
  async extensionConfigCounters(): Promise<EcdsCounters> {
    const s = await this.stats(`^${ECDS_STAT_PREFIX.replace(/\./g, '\\.')}`);
    const out: EcdsCounters = new Map();
    for (const [stat, value] of s) {
      const m = /^(.*)\.(update_success|update_rejected)$/.exec(stat.slice(ECDS_STAT_PREFIX.length));
      if (!m) continue;
      const entry = out.get(m[1]) ?? [0, 0];
      entry[m[2] === 'update_success' ? 0 : 1] = value;
      out.set(m[1], entry);
    }
    return out;
  }

  /** Until Envoy has applied or refused each of `names` since `before`: `rejected` when any was refused (Envoy keeps the last good one). */
  async waitForExtensionConfigs(names: string[], before: EcdsCounters, deadlineMs: number): Promise<ListenerUpdate> {
    // A name no listener subscribes to yet has no counters: the listener that names it warms on it instead.
    const subscribed = names.filter((n) => before.has(n));
    if (!subscribed.length) return 'accepted';
    return pollUntil(
      `Envoy ${this.name} applying or refusing extension config(s) ${subscribed.join(', ')}`,
      async (): Promise<ListenerUpdate | undefined> => {
        const now = await this.extensionConfigCounters();
        let done = 0;
        for (const n of subscribed) {
          const [r0, f0] = before.get(n)!;
          const [r, f] = now.get(n) ?? [0, 0];
          if (f > f0) return 'rejected';
          if (r > r0) done++;
        }
        return done === subscribed.length ? 'accepted' : undefined;
      },
      { timeoutMs: deadlineMs },
    );
  }

  /** LDS counters now, taken before a write (`countChanges`: also how many listener changes Envoy made so far). */
  async ldsBaseline(countChanges: boolean): Promise<LdsBaseline> {
    const [ok, rejected] = await this.ldsCounters();
    return { ok, rejected, changes: countChanges ? await this.listenerChanges() : 0 };
  }

  /**
   * Until Envoy has accepted (and warmed; with `drained`, also drained the replaced listeners, so
   * nothing of the old plugin instance still ticks) or rejected the LDS write made after `before`.
   */
  async waitForListenerUpdate(before: LdsBaseline, { drained, deadlineMs }: { drained: boolean; deadlineMs: number }): Promise<ListenerUpdate> {
    return pollUntil(
      `Envoy ${this.name} accepting or rejecting the listener update`,
      async (): Promise<ListenerUpdate | undefined> => {
        const [ok, rejected] = await this.ldsCounters();
        if (rejected > before.rejected) return 'rejected';
        if (ok === before.ok) return undefined;
        const s = await this.stats('listener_manager.total_');
        const draining = (s.get('listener_manager.total_listeners_draining') ?? 0) + (s.get('listener_manager.total_filter_chains_draining') ?? 0);
        const busy = (s.get('listener_manager.total_listeners_warming') ?? 0) + (drained ? draining : 0);
        return busy === 0 ? 'accepted' : undefined;
      },
      { timeoutMs: deadlineMs },
    );
  }

  /** Envoy counts an update whose listeners equal the running ones as a success and changes nothing: this tells them apart. */
  async listenerChanges(): Promise<number> {
    const s = await this.stats('listener_manager.listener_(added|modified|removed)$');
    return [...s.values()].reduce((a, b) => a + b, 0);
  }

  private async ldsCounters(): Promise<[number, number]> {
    const s = await this.stats('listener_manager.lds.update_');
    return [s.get('listener_manager.lds.update_success') ?? 0, s.get('listener_manager.lds.update_rejected') ?? 0];
  }
}
