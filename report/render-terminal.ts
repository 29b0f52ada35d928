/**
 * The matrix as the terminal shows it at the end of a run: what each column ran, the case x version
 * table, one short reason per skipped or failed cell, and the closing count line scripts grep for.
 */
import { summaryCounts } from './schema';
import type { BreakageOutcome, CellStatus, Matrix, MatrixProxy } from './schema';

/** Cell labels: FAIL in capitals so it stands out in a wall of `pass`. */
export const CELL_LABEL: Record<CellStatus, string> = { passed: 'pass', failed: 'FAIL', skipped: 'skipped', flaky: 'FLAKY', interrupted: 'interrupted', 'not run': 'not run' };

/** Catalogue cells in short words; FAIL as in the matrix: the measured outcome no longer holds. */
export const BREAKAGE_LABEL: Record<BreakageOutcome, string> = { reproduced: 'reproduced', 'not affected': 'not affected', 'cannot run here': 'cannot run', failed: 'FAIL', 'not run': 'not run' };

// A candidate column's head carries a `*` (the list above the table says what it means).
const headOf = (p: MatrixProxy): string => (p.candidate ? `${p.id}*` : p.id);

/** The breakage catalogue (breakages/): entry by column, its upstream refs last; a line per outcome expected as measured elsewhere. */
export function renderBreakages(m: Matrix): string[] {
  const rows = m.breakages ?? [];
  if (!rows.length) return [];
  const width = Math.max(5, ...rows.map((b) => b.entry.length));
  const col = Math.max(...Object.values(BREAKAGE_LABEL).map((l) => l.length), ...m.proxies.map((p) => headOf(p).length)) + 2;
  const out = ['', 'Breakage catalogue (breakages/): each entry on each column; FAIL: the measured outcome no longer holds'];
  out.push(`${'entry'.padEnd(width)}  ${m.proxies.map((p) => headOf(p).padEnd(col)).join('')}upstream`);
  for (const b of rows) out.push(`${b.entry.padEnd(width)}  ${m.proxies.map((p) => BREAKAGE_LABEL[b.cells[p.id]?.outcome ?? 'not run'].padEnd(col)).join('')}${b.upstream.join(', ')}`.trimEnd());
  for (const b of rows)
    for (const p of m.proxies) {
      const cell = b.cells[p.id];
      if (cell?.asMeasuredOn) out.push(`  ${b.entry} @ ${p.id}: ${cell.outcome} as measured on ${cell.asMeasuredOn} (not measured on this release: the nearest measured release of its minor)`);
    }
  return out;
}

export function describeProxy(p: MatrixProxy): string {
  if (p.available === null) return `not started: ${p.reason ?? 'unknown'}`;
  if (!p.available) return `not runnable: ${p.reason ?? 'unknown'}`;
  const version = p.versionLine?.replace(/^.*version: /, '') ?? '?';
  const runtimes = p.wasmRuntimes?.map((r) => r.replace('envoy.wasm.runtime.', '')).join(',') ?? '?';
  const delivery = p.delivery && p.delivery !== 'local' ? ` delivery: ${p.delivery}` : '';
  return `${p.image ?? '?'} (${p.source ?? '?'}) ${version} runtimes: ${runtimes}${delivery}`;
}

export const firstLine = (s: string | undefined): string => (s ?? '').split('\n').find((l) => l.trim())?.trim() ?? '';

export function closingLine(m: Matrix): string {
  const c = summaryCounts(m.counts);
  return `matrix: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
}

export function renderTerminal(m: Matrix): string {
  const out: string[] = ['', `Conformance matrix (run ${m.runId ?? '?'}, ${m.status})`];
  if (m.filter) {
    out.push(`  filter ${m.filter.implementation} (${m.filter.abiMarker ?? 'ABI ?'}) variant ${m.filter.variant} ${m.filter.size ?? '?'} bytes sha256 ${m.filter.sha256?.slice(0, 12) ?? '?'}`);
    for (const d of m.filter.differences) out.push(`    differs: ${d.what} (${d.why})`);
  }
  out.push('');
  for (const p of m.proxies) out.push(`  ${p.id.padEnd(16)} ${p.candidate ? 'candidate: ' : ''}${describeProxy(p)}`);
  const candidates = m.proxies.filter((p) => p.candidate).map((p) => p.id);
  if (candidates.length) out.push(`  candidate columns (EWC_CANDIDATES: releases no entry names; never a baseline): ${candidates.join(', ')}`);
  const width = Math.max(20, ...m.cases.map((c) => c.id.length));
  const col = Math.max(7, ...m.proxies.map((p) => headOf(p).length)) + 2;
  out.push('', `${'case'.padEnd(width)}  ${m.proxies.map((p) => headOf(p).padEnd(col)).join('')}`.trimEnd());
  for (const c of m.cases) out.push(`${c.id.padEnd(width)}  ${m.proxies.map((p) => CELL_LABEL[c.cells[p.id].status].padEnd(col)).join('')}`.trimEnd());

  // Skips usually share one reason per column (an image that is not available): one line per reason.
  const skips = new Map<string, number>();
  const failures: string[] = [];
  for (const c of m.cases) {
    for (const p of m.proxies) {
      const cell = c.cells[p.id];
      if (cell.status === 'skipped' || cell.status === 'not run' || cell.status === 'interrupted') {
        // An interrupted run leaves many cells not run: count them per column, not one line each.
        const key = cell.status === 'skipped' ? `${p.id}: skipped: ${firstLine(cell.skipReason) || 'no reason given'}` : `${p.id}: ${cell.status}`;
        skips.set(key, (skips.get(key) ?? 0) + 1);
      } else if (cell.status !== 'passed') {
        failures.push(`${p.id}${p.candidate ? ' (candidate)' : ''}: ${CELL_LABEL[cell.status]}: ${c.id}${cell.error ? `: ${firstLine(cell.error)}` : ''}`);
      }
    }
  }
  const reasons = [...failures, ...[...skips].map(([k, n]) => (n > 1 ? `${k} (${n} cases)` : k))];
  if (reasons.length) out.push('', ...reasons.map((r) => `  ${r}`));
  out.push(...renderBreakages(m));
  out.push('', closingLine(m));
  return out.join('\n');
}
