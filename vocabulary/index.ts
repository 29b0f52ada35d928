/**
 * The suites' vocabulary: named helpers a case reads like the behaviour it pins (wait for
 * injection, wait for a log line, count callouts), and the constants and types they speak of.
 * Suites reach it through `../fixtures` (with `test` and `expect`); nothing here is a fixture.
 */
export { HEADER_SERVICE_AUTHORITY, HEADER_SERVICE_PATH, timing, durationString } from '../proxy/plugin-config';
export { filterLinesBetween, filterLogBetween, loggedAt, waitForFilterLog, type FilterLine } from './filter-log';
export type { CodeFetch, EchoResponse, HeaderServiceBehaviour, RecordedCall } from '../peer/protocol';
export { CODE_PORT } from '../peer/protocol';
export { distinctModule, moduleSha256, publishBytes } from '../proxy/delivery';
export { ECHO_RAW_HEADER } from '../peer/protocol';
export { expectHealthy } from './health';
export { exchange, exchangeOutcome, PROTOCOLS, type Exchange, type Protocol, type Reply } from './protocols';
export { addedHeaders, echoAt, echoThrough, echoWithHeaderLines, statusAt, statusThrough, untilInjected, valuesOf } from './echo';
export { unique, uniqueServicePath } from './unique';
export { CALLOUT_WINDOW_PERIODS, calloutsInWindow } from './callouts';
export { EnvoyStartError, type LogLine, type StartedEnvoyContainer } from '../proxy/envoy-container';
export { SECOND_LISTENER_PORT, UNRESOLVABLE_CLUSTER, UNRESOLVABLE_HOST, UNRESOLVABLE_REFRESH_MS, type FailurePolicy } from '../proxy/bootstrap';
export { probesDir } from '../engine/paths';
export type { HeaderServiceClient } from '../peer/client';
// The ABI probes' measured outcomes are data the abi suite reads.
export { expectedProbeOutcome, PROBES, probeConfiguredMessage } from '../abi/probes';
export { CORPUS_GROUPS, corpusSteps, isOutcomeOf, mistakable, separatorBefore, sortedPairs, type CorpusMode, type CorpusOutcome, type CorpusStep, type HeaderPairs } from './corpus';
// The breakage catalogue (breakages/): its entries, their measured outcome per Envoy version, the modules setup built.
export { BREAKAGES, breakageModules, breakageOutcome, type BreakageEntry, type Observation } from '../breakages';
