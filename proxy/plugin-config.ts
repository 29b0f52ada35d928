/**
 * The filter contract's test-side facts in one place (filter/README.md): the plugin configuration a
 * case starts from, the root id, the prefix of the filter's log lines, and the periods every
 * time-based case reads. EWC_TIME_SCALE stretches every period and deadline together, so a loaded
 * machine is slowed down by a setting, never by editing tests.
 */
import { settings } from '../runner/settings';
import { WIRINGS, type Wiring } from './wiring';

/** The filter's JSON plugin configuration. Unknown keys allowed: bad configurations are test input. */
export type PluginConfig = Record<string, unknown>;

/** The filter's root id (the `root_id` every listener names). */
export const FILTER_ROOT_ID = 'header-augmenter';
/** What starts every log line of the filter's own, after Envoy's `wasm log <plugin> <root_id> <vm_id>: `. */
export const FILTER_LOG_PREFIX = `${FILTER_ROOT_ID}: `;

/** The callout the default configuration makes: path and :authority at the header service. */
export const HEADER_SERVICE_PATH = '/v1/headers';
export const HEADER_SERVICE_AUTHORITY = 'header-service.ewc.internal';

// Read once per process: every period of a run is stretched alike (an invalid scale fails here, by name).
const scale = settings.timeScale;
const ms = (n: number): number => Math.round(n * scale);

export const timing = {
  /** Filter tick (callout) period. */
  tickPeriodMs: ms(200),
  /**
   * A shorter period for cases that only wait for the next callouts (a refusal line per answer, a
   * failure line per tick) and assert nothing about their timing: less waiting, the same assertions.
   */
  fastTickPeriodMs: ms(50),
  /** How long a fetched header set stays valid. */
  cacheExpiryMs: ms(1500),
  /** Filter's callout timeout. */
  calloutTimeoutMs: ms(500),
  /** Allowance for request latency and timer jitter on a loaded 2-core machine. */
  slackMs: ms(300),
  /** Deadline for a polled expectation that should hold within a few ticks. */
  pollDeadlineMs: ms(5000),
};

/** A duration as the filter's configuration takes it. */
export const durationString = (n: number): string => `${n}ms`;

/**
 * The plugin configuration of a case: the defaults for `wiring` (its header-service cluster, the
 * test periods) with `overrides`; a key set to undefined is removed (to test a missing key).
 */
export function pluginConfig(overrides: PluginConfig = {}, wiring: Wiring = WIRINGS.plain): PluginConfig {
  const merged: PluginConfig = {
    header_providing_service_cluster: wiring.headerServiceCluster,
    header_providing_service_path: HEADER_SERVICE_PATH,
    header_providing_service_authority: HEADER_SERVICE_AUTHORITY,
    header_cache_expiry: durationString(timing.cacheExpiryMs),
    tick_period: durationString(timing.tickPeriodMs),
    callout_timeout: durationString(timing.calloutTimeoutMs),
    ...overrides,
  };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return merged;
}
