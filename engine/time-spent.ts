/**
 * Where a case's time goes, for `npm run bench:suite`: the waits that dominate a case (container
 * starts, listener updates and their drains, log waits, polls) add their time to per-process
 * totals; the case fixture takes them when the case ends. Only the outermost timed wait counts (a
 * listener update polls inside), so the parts never add up to more than the case.
 */
export const SPENDS = ['envoy start', 'peer start', 'listener update', 'log wait', 'poll'] as const;
export type Spend = (typeof SPENDS)[number];

const totals = new Map<Spend, number>();
const envoyStarts: number[] = [];
let depth = 0;

export async function timed<T>(what: Spend, work: () => Promise<T>): Promise<T> {
  if (depth > 0) return work();
  const started = Date.now();
  depth++;
  try {
    return await work();
  } finally {
    depth--;
    const ms = Date.now() - started;
    totals.set(what, (totals.get(what) ?? 0) + ms);
    if (what === 'envoy start') envoyStarts.push(ms);
  }
}

export interface SpentRecord {
  spent: Partial<Record<Spend, number>>;
  /** Each Envoy start-to-ready (container start until admin /ready) in this case, ms. */
  envoyStarts: number[];
}

/** The totals since the last take (this case, with the worker's fixtures when it set them up), then reset. */
export function takeSpent(): SpentRecord {
  const record = { spent: Object.fromEntries(totals) as SpentRecord['spent'], envoyStarts: [...envoyStarts] };
  totals.clear();
  envoyStarts.length = 0;
  return record;
}
