/**
 * matrix.html: the matrix a person reads on a laptop screen. Cases grouped by suite (a group with a
 * failure open, the others folded to one row of counts), failing cases first, one summary row per
 * column at the top, short sticky column heads, compact cells (colour and a symbol). A cell with
 * something to say (error, logs, skip reason) opens a detail row under its case. One self-contained
 * file: inline CSS and script, no network.
 */
import { groupCases, titleInSuite } from './case-groups';
import { breakagesLink, breakagesSection } from './html-breakages';
import { SYMBOL, columnsDetails, controlsHtml, emptyTally, gridHead, isUnavailable, statusClass, tallyClass, tallyHtml, tallyTitle } from './html-grid';
import { escapeHtml, page, shortTime } from './html-page';
import type { Tally } from './html-grid';
import { CELL_LABEL, closingLine, firstLine } from './render-terminal';
import { isFailing, outcomeOf, summaryCounts } from './schema';
import type { Matrix, MatrixCase, MatrixCell, MatrixProxy } from './schema';

export { escapeHtml } from './html-page';

const seconds = (ms: number): string => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 1000).toFixed(1)} s`);

/** A cell of a column that could not run says nothing its head does not already say. */
const blank = (cell: MatrixCell, p: MatrixProxy): boolean =>
  isUnavailable(p) && (cell.status === 'not run' || (cell.status === 'skipped' && (!cell.skipReason || cell.skipReason === p.reason)));

const rankOf = (c: MatrixCase): number => {
  const cells = Object.values(c.cells);
  if (cells.some((x) => isFailing(x.status))) return 0;
  return cells.some((x) => x.status === 'interrupted') ? 1 : 2;
};

function detailBox(c: MatrixCase, p: MatrixProxy, cell: MatrixCell): string {
  const reason = cell.status === 'skipped' && cell.skipReason ? `<p class="reason">${escapeHtml(cell.skipReason)}</p>` : '';
  const error = cell.error ? `<pre class="error">${escapeHtml(cell.error)}</pre>` : '';
  const attachments = cell.attachments.map((a) => {
    const body = a.body !== undefined ? `<pre>${escapeHtml(a.body)}</pre>` : `<p>${escapeHtml(a.contentType)}, ${a.size ?? '?'} bytes: not inlined (binary or over 256 KB); see the Playwright HTML report</p>`;
    return `<details class="attachment"><summary>${escapeHtml(a.name)} <small>(${escapeHtml(a.contentType)})</small></summary>${body}</details>`;
  });
  const head = `${escapeHtml(c.id)} @ ${escapeHtml(p.id)}: ${escapeHtml(CELL_LABEL[cell.status])} <span class="meta">(${seconds(cell.durationMs)})</span>`;
  return `<div class="detail-box"><h3>${head}</h3>${reason}${error}${attachments.join('')}</div>`;
}

/** The cell, and the detail row it opens when it has anything to show. */
function cellHtml(c: MatrixCase, p: MatrixProxy, cell: MatrixCell, id: string, span: number, notable: boolean): { td: string; detail: string } {
  const data = `data-proxy="${escapeHtml(p.id)}" data-status="${escapeHtml(cell.status)}"`;
  if (blank(cell, p)) return { td: `<td class="cell na" ${data} title="${escapeHtml(p.id)}: not runnable here"></td>`, detail: '' };
  const what = [CELL_LABEL[cell.status], seconds(cell.durationMs), firstLine(cell.error) || firstLine(cell.skipReason)].filter(Boolean).join(' · ');
  const cls = `cell ${statusClass(cell.status)}`;
  const opens = Boolean(cell.error || cell.attachments.length || (cell.status === 'skipped' && cell.skipReason));
  if (!opens) return { td: `<td class="${cls}" ${data} title="${escapeHtml(what)}">${SYMBOL[cell.status]}</td>`, detail: '' };
  const button = `<button type="button" data-open="${id}" aria-expanded="false" title="${escapeHtml(what)}">${SYMBOL[cell.status]}</button>`;
  const detail = `<tr class="detail${notable ? ' notable' : ''}" id="${id}" hidden><td colspan="${span}">${detailBox(c, p, cell)}</td></tr>`;
  return { td: `<td class="${cls}" ${data}>${button}</td>`, detail };
}

function tallies(cases: MatrixCase[], proxies: MatrixProxy[]): Map<string, Tally> {
  const out = new Map(proxies.map((p) => [p.id, emptyTally()]));
  for (const c of cases) for (const p of proxies) {
    const cell = c.cells[p.id];
    if (cell && !blank(cell, p)) out.get(p.id)![outcomeOf(cell.status)]++;
  }
  return out;
}

const countCell = (p: MatrixProxy, t: Tally): string =>
  t.pass + t.fail + t.skip === 0 && isUnavailable(p) ? `<td class="na" data-proxy="${escapeHtml(p.id)}"></td>` : `<td class="${tallyClass(t)}" data-proxy="${escapeHtml(p.id)}" title="${escapeHtml(`${p.id}: ${tallyTitle(t)}`)}">${tallyHtml(t)}</td>`;

function summaryRow(m: Matrix): string {
  const t = tallies(m.cases, m.proxies);
  const cells = m.proxies.map((p) => {
    const x = t.get(p.id)!;
    if (x.pass + x.fail + x.skip === 0 && isUnavailable(p)) return `<td class="na-sum" data-proxy="${escapeHtml(p.id)}" title="${escapeHtml(`${p.id}: not runnable here: ${p.reason ?? 'unknown'}`)}">n/a</td>`;
    const lines = `<span class="n-fail${x.fail ? '' : ' zero'}">✗ ${x.fail}</span><span class="n-pass">✓ ${x.pass}</span><span class="n-skip">– ${x.skip}</span>`;
    return `<td class="stack ${tallyClass(x)}" data-proxy="${escapeHtml(p.id)}" title="${escapeHtml(`${p.id}: ${tallyTitle(x)}`)}">${lines}</td>`;
  });
  return `<tr class="summary"><th class="case-col" scope="row">all ${m.cases.length} cases<span class="group-n stack-note">per column: failed, passed, skipped</span></th>${cells.join('')}</tr>`;
}

function groupHtml(suite: string, cases: MatrixCase[], proxies: MatrixProxy[], firstIndex: Map<MatrixCase, number>): string {
  const failing = cases.filter((c) => rankOf(c) === 0).length;
  const t = tallies(cases, proxies);
  const span = proxies.length + 1;
  const rows = cases.map((c) => {
    const notable = rankOf(c) === 0;
    const i = firstIndex.get(c)!;
    const cells = proxies.map((p, j) => cellHtml(c, p, c.cells[p.id] ?? { status: 'not run', durationMs: 0, attachments: [] }, `d-${i}-${j}`, span, notable));
    const row = `<tr class="case${notable ? ' notable' : ''}" data-case-id="${escapeHtml(c.id)}"><th scope="row" class="case-col" title="${escapeHtml(c.id)}">${escapeHtml(titleInSuite(c.id))}</th>${cells.map((x) => x.td).join('')}</tr>`;
    return row + cells.map((x) => x.detail).join('');
  });
  const n = `${cases.length} case${cases.length === 1 ? '' : 's'}${failing ? `, ${failing} failing` : ''}`;
  // A suite with nothing failing folds to its counts; one with a failure opens on it.
  const cls = `group${failing ? ' notable' : ' collapsed'}`;
  const head = `<tr class="group-head"><th scope="rowgroup" class="case-col"><button type="button" class="group-toggle" aria-expanded="${failing ? 'true' : 'false'}">${escapeHtml(suite)}</button><span class="group-n">${n}</span></th>${proxies.map((p) => countCell(p, t.get(p.id)!)).join('')}</tr>`;
  return `<tbody class="${cls}" data-suite="${escapeHtml(suite)}">${head}${rows.join('')}</tbody>`;
}

export function renderHtml(m: Matrix): string {
  const c = summaryCounts(m.counts);
  const index = new Map(m.cases.map((k, i) => [k, i]));
  const groups = groupCases(m.cases, (k) => k.id, rankOf);
  const failingCases = m.cases.filter((k) => rankOf(k) === 0).length;
  const head = gridHead(m.proxies);
  const filter = m.filter
    ? `filter <strong>${escapeHtml(m.filter.implementation)}</strong> (<code>${escapeHtml(m.filter.abiMarker ?? '?')}</code>) variant <code>${escapeHtml(m.filter.variant)}</code>, ${m.filter.size ?? '?'} bytes, sha256 <code title="${escapeHtml(m.filter.sha256 ?? '?')}">${escapeHtml((m.filter.sha256 ?? '?').slice(0, 12))}</code>${m.filter.differences.map((d) => ` · differs: ${escapeHtml(d.what)} (${escapeHtml(d.why)})`).join('')}`
    : 'filter unknown';
  const took = Date.parse(m.finishedAt) - Date.parse(m.startedAt);
  const body = `<header class="page">
<h1>Conformance matrix <span class="run-status ${escapeHtml(m.status)}">${escapeHtml(m.status)}</span></h1>
<p class="meta">run <code>${escapeHtml(m.runId ?? '?')}</code> · ${escapeHtml(shortTime(m.startedAt))}${Number.isFinite(took) ? ` · ${seconds(took)}` : ''} · ${filter}</p>
<p class="totals"><span class="chip fail${c.failed ? '' : ' zero'}">✗ ${c.failed} failed</span><span class="chip pass">✓ ${c.passed} passed</span><span class="chip skip">– ${c.skipped} skipped</span> <span class="meta summary">${escapeHtml(closingLine(m))}</span></p>
${breakagesLink(m)}
${controlsHtml('Failures only', failingCases)}
${columnsDetails(m.proxies)}
</header>
${head.table}${head.colgroup}
<thead>${head.rows}${summaryRow(m)}</thead>
${groups.map((g) => groupHtml(g.suite, g.rows, m.proxies, index)).join('\n')}
</table>
${breakagesSection(m)}`;
  return page(`Conformance matrix ${m.runId ?? ''}`, body);
}
