/**
 * The grid both report pages draw (matrix.html, history.html): short column heads grouped by kind,
 * the column list, status symbols and counts, the legend and the controls above the grid.
 */
import { escapeHtml } from './html-page';
import type { CellStatus, MatrixProxy } from './schema';


/** A status as the pages show it; `absent`: the run had no such case or column (history only). */
export type ShownStatus = CellStatus | 'absent';

/** A symbol per status, so a cell reads in greyscale (and to the colour-blind) as well as in colour. */
export const SYMBOL: Record<ShownStatus, string> = { passed: '✓', failed: '✗', flaky: '≈', skipped: '–', interrupted: '!', 'not run': '·', absent: '' };
export const LEGEND: Array<[ShownStatus, string]> = [['passed', 'pass'], ['failed', 'fail'], ['flaky', 'flaky'], ['skipped', 'skipped'], ['not run', 'not run'], ['interrupted', 'interrupted']];

export const statusClass = (s: ShownStatus): string => `st-${s.replace(' ', '-')}`;

export interface Tally {
  pass: number;
  fail: number;
  skip: number;
}
export const emptyTally = (): Tally => ({ pass: 0, fail: 0, skip: 0 });

/** `✗1 ✓4 –1`: failures first so they stand out; zero parts left out. */
export function tallyHtml(t: Tally): string {
  const parts = [t.fail ? `<span class="n-fail">✗${t.fail}</span>` : '', t.pass ? `<span class="n-pass">✓${t.pass}</span>` : '', t.skip ? `<span class="n-skip">–${t.skip}</span>` : ''];
  return parts.filter(Boolean).join(' ');
}
export const tallyTitle = (t: Tally): string => `${t.pass} passed, ${t.fail} failed, ${t.skip} skipped`;
export const tallyClass = (t: Tally): string => (t.fail ? 'agg-fail' : t.pass ? 'agg-pass' : 'agg-skip');

/** A short column head: `envoy-1.36.2` reads `1.36.2` under `envoy`; `istio-1.28.0-wiring` reads `1.28.0` under `istio wiring`. */
export function columnLabel(id: string): { kind: string; version: string } {
  const m = /^([a-z][a-z0-9]*)-(\d[\w.]*?)(?:-([a-z][\w-]*))?$/i.exec(id);
  return m ? { kind: m[3] ? `${m[1]} ${m[3]}` : m[1], version: m[2] } : { kind: '', version: id };
}

/** A column no case could run on: its cells are left blank and the reason is said once, in its head. */
export const isUnavailable = (p: Pick<MatrixProxy, 'available'>): boolean => p.available !== true;

export function proxyTitle(p: MatrixProxy): string {
  if (p.available === null) return `${p.id}: not started: ${p.reason ?? 'unknown'}`;
  if (!p.available) return `${p.id}: not runnable here: ${p.reason ?? 'unknown'}`;
  const runtimes = p.wasmRuntimes?.map((r) => r.replace('envoy.wasm.runtime.', '')).join(', ') ?? '?';
  const entry = p.entryId ? ` (runs ${p.entryId})` : '';
  return [`${p.id}${entry}${p.candidate ? ' (candidate: no entry names this release; never a baseline)' : ''}`, `${p.image ?? '?'} (${p.source ?? '?'})`, p.versionLine ?? 'version unknown', `wasm runtimes: ${runtimes}`].join('\n');
}

export const AVAILABLE_WIDTH = 62;
export const UNAVAILABLE_WIDTH = 44;
const CASE_MIN_WIDTH = 300;

/**
 * `<colgroup>` and the two head rows (kind, version) of the grid. Widths are fixed so ten columns
 * and a case column fit 1280 px; an unavailable column is narrower, it has nothing to show.
 */
export function gridHead(
  proxies: MatrixProxy[],
  widthOf: (p: MatrixProxy) => number = (p) => (isUnavailable(p) ? UNAVAILABLE_WIDTH : AVAILABLE_WIDTH),
  corner = 'case',
): { table: string; colgroup: string; rows: string } {
  const cols = proxies.map((p) => `<col style="width:${widthOf(p)}px">`).join('');
  const minWidth = CASE_MIN_WIDTH + proxies.reduce((n, p) => n + widthOf(p), 0);
  const kinds: Array<{ kind: string; span: number }> = [];
  for (const p of proxies) {
    const { kind } = columnLabel(p.id);
    const last = kinds[kinds.length - 1];
    if (last && last.kind === kind) last.span++;
    else kinds.push({ kind, span: 1 });
  }
  const kindRow = `<tr class="kinds"><th class="case-col corner" rowspan="2" scope="col">${escapeHtml(corner)}</th>${kinds.map((k) => `<th scope="colgroup" colspan="${k.span}">${escapeHtml(k.kind)}</th>`).join('')}</tr>`;
  const versionRow = `<tr class="versions">${proxies
    .map((p) => {
      const classes = [isUnavailable(p) ? 'unavailable' : '', p.candidate ? 'candidate' : ''].filter(Boolean).join(' ');
      const mark = p.candidate ? '<span class="cand" title="candidate column (EWC_CANDIDATES): a release no entry names, never a baseline">candidate</span>' : '';
      return `<th scope="col" data-proxy="${escapeHtml(p.id)}"${classes ? ` class="${classes}"` : ''} title="${escapeHtml(proxyTitle(p))}">${escapeHtml(columnLabel(p.id).version)}${mark}</th>`;
    })
    .join('')}</tr>`;
  return { table: `<table class="grid" style="min-width:${minWidth}px">`, colgroup: `<colgroup><col class="case-col">${cols}</colgroup>`, rows: kindRow + versionRow };
}

/** The "what each column ran" list, collapsed under one line: image, `envoy --version`, runtimes, or why not runnable. */
export function columnsDetails(proxies: MatrixProxy[]): string {
  const down = proxies.filter(isUnavailable);
  const rows = proxies.map((p) => {
    if (isUnavailable(p)) return `<tr class="unavailable" data-proxy="${escapeHtml(p.id)}"><th scope="row">${escapeHtml(p.id)}${p.candidate ? ' (candidate)' : ''}</th><td colspan="4">${escapeHtml(p.available === null ? 'not started' : 'not runnable here')}: ${escapeHtml(p.reason ?? 'unknown')}</td></tr>`;
    const runtimes = p.wasmRuntimes?.map((r) => r.replace('envoy.wasm.runtime.', '')).join(', ') ?? '?';
    const image = `${p.image ?? '?'} (${p.source ?? '?'})${p.entryId ? `, the ${p.entryId} build` : ''}`;
    return `<tr data-proxy="${escapeHtml(p.id)}"><th scope="row">${escapeHtml(p.id)}${p.candidate ? ' (candidate)' : ''}</th><td>${escapeHtml(image)}</td><td><code>${escapeHtml(p.versionLine ?? 'version unknown')}</code></td><td>${escapeHtml(runtimes)}</td><td>${escapeHtml(p.delivery ?? 'local')}</td></tr>`;
  });
  const note = down.length ? `; ${down.length} not runnable here (blank columns: ${down.map((p) => escapeHtml(p.id)).join(', ')})` : '';
  return `<details class="columns"><summary>${proxies.length} columns: image, <code>envoy --version</code>, wasm runtimes, delivery${note}</summary><table class="facts"><thead><tr><th>column</th><th>image</th><th>version</th><th>wasm runtimes</th><th>delivery</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}

export function legendHtml(extra = ''): string {
  return `<span class="legend">${LEGEND.map(([s, label]) => `<span class="sym ${statusClass(s)}">${SYMBOL[s]}</span> ${label}`).join(' ')} <span class="sym na"></span> not runnable${extra}</span>`;
}

/** The controls both pages have: a filter to the rows that matter, and every suite open or closed. */
export function controlsHtml(onlyLabel: string, notable: number, extraLegend = ''): string {
  const disabled = notable ? '' : ' disabled';
  return `<div class="controls"><label><input type="checkbox" id="only-notable"${disabled}> ${escapeHtml(onlyLabel)} (${notable})</label>
<button type="button" data-groups="expand">Expand all</button> <button type="button" data-groups="collapse">Collapse all</button> ${legendHtml(extraLegend)}</div>`;
}
