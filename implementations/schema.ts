/**
 * A filter implementation is data, like a proxy version: the same contract (filter/README.md) built
 * by a different SDK. The suites never ask which one runs; what legitimately differs is written here.
 */

/** A way an implementation differs from the contract's wording without breaking it, shown in the report. */
export interface ImplementationDifference {
  what: string;
  why: string;
}

export interface FilterImplementation {
  /** `EWC_FILTER` value and matrix.json `filter.implementation`. */
  id: string;
  /** Language, SDK and compiler, as pinned. */
  sdk: string;
  /** Node script (repo-relative) that builds one output: `node <script> --variant <name>`. */
  buildScript: string;
  /** Where the build puts `filter.wasm` and `variants/<name>.wasm` (repo-relative). */
  outputDir: string;
  /** The ABI version export the build must carry: a host picks its ABI from it. */
  abiMarker: `proxy_abi_version_${string}`;
  /** The catalogue variants (filter/variants.json) this implementation can build. */
  variants: readonly string[];
  /**
   * The mutants `npm test` runs for an implementation other than the default (its most important
   * rules, so CI stays within its time); `npm run mutants -- --filter <id>` runs them all.
   */
  testMutants?: readonly string[];
  differences: readonly ImplementationDifference[];
}

export class UnknownImplementationError extends Error {}
