import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FilterImplementation } from './schema';

/** filter/rust/variants.txt: the catalogue variants the Rust crate has a cargo feature for. */
const variants = readFileSync(path.join(__dirname, '..', 'filter', 'rust', 'variants.txt'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** The port: same contract, the Rust SDK most production proxy-wasm filters are written with. */
const rust: FilterImplementation = {
  id: 'rust',
  sdk: 'Rust 1.63 (Debian), proxy-wasm 0.2.2',
  buildScript: 'filter/rust/build.mjs',
  outputDir: 'filter/build/rust',
  abiMarker: 'proxy_abi_version_0_2_1',
  variants,
  // One per rule a port most easily gets wrong: injection, overwrite, expiry, the lease, status,
  // config strictness, name checks, forbidden headers, the cache on failure, the cache key.
  testMutants: [
    'no-inject',
    'first-header-only',
    'no-overwrite',
    'no-expiry',
    'no-coordination',
    'accept-any-status',
    'lenient-config',
    'no-name-validation',
    'host-allowed',
    'framing-headers-allowed',
    'clear-cache-on-failure',
    'cache-key-ignores-config',
  ],
  differences: [
    {
      what: 'a root_id other than header-augmenter logs "Missing root context factory for root id: <id>" without the " at: <file>(<line>:<col>)" suffix and ends the VM with unreachable',
      why: 'the SDKs abort differently; the contract only says the root_id must be exactly header-augmenter, and no case depends on the wording',
    },
  ],
};

export default rust;
