/**
 * The delivery axis in `npm test`: which suites pin delivery-sensitive behaviour, which versions
 * stand for each minor, and the table (version x mode) the README carries, printed from the runs'
 * matrices.
 */
import type { ProxyEntry } from '../envoy-versions';
import type { Matrix } from '../report/schema';

/** The suites run under every delivery mode: injection, refresh and expiry are what a delivery can break. */
export const DELIVERY_SUITES = ['header-injection', 'tick-refresh', 'cache-expiry'];

/** The newest runnable Envoy entry of each minor (an entry without V8 cannot load a module). */
export function newestPerMinor(entries: ProxyEntry[]): string[] {
  const byMinor = new Map<string, ProxyEntry>();
  for (const e of entries.filter((x) => x.kind === 'envoy' && !x.wheelLacksV8)) {
    const minor = e.version.split('.').slice(0, 2).join('.');
    const best = byMinor.get(minor);
    if (!best || best.version.localeCompare(e.version, undefined, { numeric: true }) < 0) byMinor.set(minor, e);
  }
  return [...byMinor.values()].map((e) => e.id).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

const inSuites = (id: string): boolean => DELIVERY_SUITES.some((s) => id.startsWith(`${s} › `)) || id.startsWith('delivery-');

/**
 * A markdown table: per version, per matrix (its delivery mode), passed/failed/other of the delivery
 * suites and the delivery cases. Cells say what ran, never what was meant to run.
 */
export function deliveryTable(matrices: Matrix[], versions: string[]): string[] {
  const out = ['| version | delivery: passed / failed / other (skipped, not run) |', '| --- | --- |'];
  for (const v of versions) {
    const cells = matrices.map((m) => {
      const mode = m.proxies.find((p) => p.id === v)?.delivery ?? 'local';
      const cases = m.cases.filter((c) => inSuites(c.id) && c.cells[v]);
      const passed = cases.filter((c) => c.cells[v].status === 'passed').length;
      const failed = cases.filter((c) => c.cells[v].status === 'failed').length;
      return `${mode}: ${passed} / ${failed} / ${cases.length - passed - failed}`;
    });
    out.push(`| ${v} | ${cells.join(', ')} |`);
  }
  return out;
}
