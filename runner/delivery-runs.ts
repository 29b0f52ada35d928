/**
 * The delivery axis in `npm test`: which suites pin delivery-sensitive behaviour, which versions
 * stand for each minor, and the table (version x mode) the README carries, printed from the runs'
 * matrices.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ProxyEntry } from '../envoy-versions';
import { readMatrix } from '../report/diff';
import type { Matrix } from '../report/schema';
import { runPlaywright } from './run-playwright';
import { settings } from './settings';

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

/** The modes the delivery stage runs (local is the matrix's own). */
export const DELIVERY_RUN_MODES = ['remote', 'ecds'] as const;

/** Where a delivery run writes its reports (EWC_REPORTS_ROOT). */
export const deliveryReportsRoot = (mode: string, root = settings.reportsRoot): string => path.join(root, `delivery-${mode}`);

/**
 * `npm test`'s delivery stage: the delivery suites under `remote` and `ecds` on the newest Envoy of
 * each minor, then the table (with the default run's column when its matrix is there).
 */
export async function runDeliveryStage(entries: ProxyEntry[], root = settings.reportsRoot): Promise<{ code: number; parts: string[] }> {
  const minors = newestPerMinor(entries);
  const parts: string[] = [];
  let code = 0;
  const matrices: Matrix[] = [];
  const local = path.join(root, 'matrix', 'matrix.json');
  if (fs.existsSync(local)) matrices.push(readMatrix(local));
  for (const mode of DELIVERY_RUN_MODES) {
    const dir = deliveryReportsRoot(mode, root);
    console.log(`[test] delivery ${mode}: ${DELIVERY_SUITES.join(', ')} on ${minors.join(', ')} (EWC_DELIVERY=${mode})`);
    // `--project=<id>`: the spaced form takes every following word as a project, the file filters included.
    const run = await runPlaywright([...minors.map((p) => `--project=${p}`), ...DELIVERY_SUITES.map((s) => `suites/${s}.spec.ts`)], {
      EWC_DELIVERY: mode,
      EWC_SELFTESTS: '0',
      EWC_REPORTS_ROOT: dir,
    });
    if (run === 130) return { code: 130, parts };
    parts.push(`delivery ${mode} ${run === 0 ? 'passed' : `failed (exit ${run})`}`);
    code ||= run;
    const file = path.join(dir, 'matrix', 'matrix.json');
    if (!fs.existsSync(file)) {
      console.error(`[test] the delivery ${mode} run wrote no ${file}`);
      code ||= 1;
      continue;
    }
    matrices.push(readMatrix(file));
  }
  for (const line of deliveryTable(matrices, minors)) console.log(line);
  return { code, parts };
}
