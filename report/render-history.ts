/**
 * history.html: the last runs side by side, laid out like matrix.html (suites, columns, a summary
 * row), each cell a TestGrid-style strip with one square per run, oldest left. A changed or flaky
 * cell shows its pass rate and rings the run where it first changed; clicking it opens that run's
 * error and every run's status. Suites with nothing changed fold to one row.
 */
import { groupCases, titleInSuite } from './case-groups';
import { AVAILABLE_WIDTH, SYMBOL, UNAVAILABLE_WIDTH, columnsDetails, controlsHtml, gridHead, isUnavailable, statusClass } from './html-grid';
import { escapeHtml, page, shortTime } from './html-page';
import { filterLabel, type HistoryCell, type HistoryReport, type HistoryRun, type HistoryStatus } from './history';
import { outcomeOf } from './schema';
import type { MatrixProxy } from './schema';

interface Layout {
  /** Square size in px: big enough for a symbol when there are few runs. */
  sq: number;
  withSymbols: boolean;
}

const layoutOf = (runs: number): Layout => {
  const sq = runs <= 4 ? 14 : Math.max(3, Math.floor(52 / runs) - 1);
  return { sq, withSymbols: sq >= 12 };
};

const runLabel = (r: HistoryRun): string => `run ${r.index} ${r.runId ?? '(no run id)'} (${shortTime(r.startedAt)}${filterLabel(r)})`;
const pct = (x: number): string => `${Math.round(x * 100)}%`;

function strip(statuses: HistoryStatus[], l: Layout, changedAt?: number): string {
  const squares = statuses.map((s, i) => {
    const ring = changedAt === i + 1 ? ' first-change' : '';
    return `<i class="sq ${statusClass(s)}${ring}" data-run="${i + 1}" data-status="${escapeHtml(s)}" style="width:${l.sq}px">${l.withSymbols ? SYMBOL[s] : ''}</i>`;
  });
  return `<span class="strip">${squares.join('')}</span>`;
}

/** One status per run for a set of cells: failing if any failed, passing if any passed, else skipped. */
function aggregate(cells: HistoryCell[], runs: number): HistoryStatus[] {
  return Array.from({ length: runs }, (_, i) => {
    const present = cells.map((c) => c.statuses[i]).filter((s): s is Exclude<HistoryStatus, 'absent'> => s !== 'absent');
    if (!present.length) return 'absent';
    if (present.some((s) => outcomeOf(s) === 'fail')) return 'failed';
    return present.some((s) => s === 'passed') ? 'passed' : 'skipped';
  });
}

function aggregateTitle(cells: HistoryCell[], h: HistoryReport, proxy: string): string {
  return `${proxy}\n${h.runs
    .map((r, i) => {
      const n = { pass: 0, fail: 0, skip: 0 };
      for (const c of cells) if (c.statuses[i] !== 'absent') n[outcomeOf(c.statuses[i] as Exclude<HistoryStatus, 'absent'>)]++;
      return `${runLabel(r)}: ${n.pass} passed, ${n.fail} failed, ${n.skip} skipped`;
    })
    .join('\n')}`;
}

const newest = (c: HistoryCell): HistoryStatus => c.statuses[c.statuses.length - 1];
const failingNow = (c: HistoryCell): boolean => newest(c) !== 'absent' && outcomeOf(newest(c) as Exclude<HistoryStatus, 'absent'>) === 'fail';
const notableCell = (c: HistoryCell): boolean => c.changes > 0 || c.flaky || failingNow(c);

function detailBox(c: HistoryCell, h: HistoryReport): string {
  const rate = c.passRate === null ? 'never ran' : `pass rate ${pct(c.passRate)} (${c.passed} of ${c.passed + c.failed} runs that ran it)`;
  const facts = [rate, c.flaky ? 'flaky' : '', c.changes ? `changed ${c.changes} time${c.changes === 1 ? '' : 's'}` : 'never changed'].filter(Boolean).join(' · ');
  const fc = c.firstChange;
  const change = fc ? `<p class="change">First change: ${escapeHtml(runLabel(h.runs[fc.run - 1]))}: ${escapeHtml(fc.from)} → ${escapeHtml(fc.to)}</p>${fc.error ? `<pre class="error">${escapeHtml(fc.error)}</pre>` : ''}` : '';
  const runs = h.runs.map((r, i) => {
    const s = c.statuses[i];
    const link = r.matrixHtml ? ` · <a href="${escapeHtml(r.matrixHtml)}">matrix.html</a>` : '';
    const error = c.errors?.[i] ? `: <code>${escapeHtml(c.errors[i]!)}</code>` : '';
    return `<li data-run="${r.index}"><span class="sym ${statusClass(s)}">${SYMBOL[s]}</span> ${escapeHtml(runLabel(r))}: ${escapeHtml(s === 'absent' ? 'not in this run' : s)}${error}${link}</li>`;
  });
  return `<div class="detail-box"><h3>${escapeHtml(c.caseId)} @ ${escapeHtml(c.proxy)}</h3><p>${escapeHtml(facts)}</p>${change}<ol class="run-list">${runs.join('')}</ol></div>`;
}

function cellTitle(c: HistoryCell, h: HistoryReport): string {
  const rate = c.passRate === null ? 'never ran' : `pass rate ${pct(c.passRate)}`;
  const change = c.firstChange ? `; first change: run ${c.firstChange.run} (${c.firstChange.from} → ${c.firstChange.to})` : '';
  return `${c.proxy}: ${h.runs.map((r, i) => `run ${r.index} ${c.statuses[i]}`).join(', ')}; ${rate}${c.flaky ? ', flaky' : ''}${change}`;
}

function cellHtml(c: HistoryCell | undefined, p: MatrixProxy, h: HistoryReport, l: Layout, id: string, span: number, rowNotable: boolean, blank: boolean): { td: string; detail: string } {
  if (!c || blank) return { td: `<td class="hcell${blank ? ' na' : ''}" data-proxy="${escapeHtml(p.id)}"></td>`, detail: '' };
  const notable = notableCell(c);
  const cls = `hcell${c.changes ? ' changed' : ''}${c.flaky ? ' flaky' : ''}${failingNow(c) ? ' failing-now' : ''}`;
  const rate = notable && c.passRate !== null && c.passRate < 1 ? `<span class="rate">${pct(c.passRate)}</span>` : '';
  const inner = strip(c.statuses, l, c.firstChange?.run) + rate;
  const data = `data-proxy="${escapeHtml(p.id)}"`;
  if (!c.failed && !c.changes) return { td: `<td class="${cls}" ${data} title="${escapeHtml(cellTitle(c, h))}">${inner}</td>`, detail: '' };
  const button = `<button type="button" data-open="${id}" aria-expanded="false" title="${escapeHtml(cellTitle(c, h))}">${inner}</button>`;
  const detail = `<tr class="detail${rowNotable ? ' notable' : ''}" id="${id}" hidden><td colspan="${span}">${detailBox(c, h)}</td></tr>`;
  return { td: `<td class="${cls}" ${data}>${button}</td>`, detail };
}

/** A column no run could run anything on: blank and narrow, as in matrix.html. */
const idle = (p: MatrixProxy, h: HistoryReport): boolean => isUnavailable(p) && h.cells.every((c) => c.proxy !== p.id || c.passed + c.failed === 0);

function aggregateCells(cells: HistoryCell[], h: HistoryReport, l: Layout, idleColumns: Set<string>): string {
  return h.proxies
    .map((p) => {
      if (idleColumns.has(p.id)) return `<td class="na" data-proxy="${escapeHtml(p.id)}"></td>`;
      const mine = cells.filter((c) => c.proxy === p.id);
      const changed = mine.filter((c) => c.changes > 0 || c.flaky).length;
      const note = changed ? `<span class="rate">Δ${changed}</span>` : '';
      return `<td class="hcell agg" data-proxy="${escapeHtml(p.id)}" title="${escapeHtml(aggregateTitle(mine, h, p.id))}">${strip(aggregate(mine, h.runs.length), l)}${note}</td>`;
    })
    .join('');
}

function runsTable(h: HistoryReport): string {
  const rows = h.runs.map((r) => {
    // The file's last two parts tell the runs apart; the whole path is on hover.
    const file = `<span title="${escapeHtml(r.file)}">${escapeHtml(r.file.split(/[\\/]/).slice(-2).join('/'))}</span>`;
    const link = r.matrixHtml ? `<a href="${escapeHtml(r.matrixHtml)}">matrix.html</a> · ${file}` : file;
    return `<tr data-run="${r.index}"><td>${r.index}</td><td>${escapeHtml(shortTime(r.startedAt))}</td><td><code>${escapeHtml(r.runId ?? '?')}</code></td><td><span class="run-status ${escapeHtml(r.status)}">${escapeHtml(r.status)}</span></td><td><code>${escapeHtml(r.filterImplementation === 'assemblyscript' ? r.filterVariant : `${r.filterImplementation}/${r.filterVariant}`)}</code></td><td>✗ ${r.failed} · ✓ ${r.passed} · – ${r.skipped}</td><td>${link}</td></tr>`;
  });
  return `<details class="runs"${h.runs.length <= 7 ? ' open' : ''}><summary>${h.runs.length} runs, oldest first (a strip's squares, left to right)</summary><table class="facts runs"><thead><tr><th>#</th><th>started</th><th>run</th><th>status</th><th>filter</th><th>cells</th><th>file</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}

export function renderHistory(h: HistoryReport): string {
  const l = layoutOf(h.runs.length);
  const width = Math.max(AVAILABLE_WIDTH, h.runs.length * (l.sq + 1) + 10);
  const idleColumns = new Set(h.proxies.filter((p) => idle(p, h)).map((p) => p.id));
  const head = gridHead(h.proxies, (p) => (idleColumns.has(p.id) ? UNAVAILABLE_WIDTH : width));
  const byCase = new Map<string, HistoryCell[]>();
  for (const c of h.cells) byCase.set(c.caseId, [...(byCase.get(c.caseId) ?? []), c]);
  const caseIds = h.cases.filter((id) => byCase.has(id));
  const rank = (id: string): number => (byCase.get(id)!.some(failingNow) ? 0 : byCase.get(id)!.some(notableCell) ? 1 : 2);
  const span = h.proxies.length + 1;
  const groups = groupCases(caseIds, (id) => id, rank).map((g) => {
    const notable = g.rank < 2;
    const cells = g.rows.flatMap((id) => byCase.get(id)!);
    const rows = g.rows.map((id) => {
      const rowNotable = rank(id) < 2;
      const i = caseIds.indexOf(id);
      const mine = byCase.get(id)!;
      const tds = h.proxies.map((p, j) => cellHtml(mine.find((c) => c.proxy === p.id), p, h, l, `h-${i}-${j}`, span, rowNotable, idleColumns.has(p.id)));
      return `<tr class="case${rowNotable ? ' notable' : ''}" data-case-id="${escapeHtml(id)}"><th scope="row" class="case-col" title="${escapeHtml(id)}">${escapeHtml(titleInSuite(id))}</th>${tds.map((x) => x.td).join('')}</tr>${tds.map((x) => x.detail).join('')}`;
    });
    const n = `${g.rows.length} case${g.rows.length === 1 ? '' : 's'}${notable ? `, ${g.rows.filter((id) => rank(id) < 2).length} changed, flaky or failing` : ''}`;
    const groupHead = `<tr class="group-head"><th scope="rowgroup" class="case-col"><button type="button" class="group-toggle" aria-expanded="${notable}">${escapeHtml(g.suite)}</button><span class="group-n">${n}</span></th>${aggregateCells(cells, h, l, idleColumns)}</tr>`;
    return `<tbody class="group${notable ? ' notable' : ' collapsed'}" data-suite="${escapeHtml(g.suite)}">${groupHead}${rows.join('')}</tbody>`;
  });
  const t = h.totals;
  const first = h.runs[0];
  const last = h.runs[h.runs.length - 1];
  const notableCases = caseIds.filter((id) => rank(id) < 2).length;
  const body = `<header class="page">
<h1>Conformance history</h1>
<p class="meta">${h.runs.length} runs, ${escapeHtml(shortTime(first.startedAt))} to ${escapeHtml(shortTime(last.startedAt))} · newest run <code>${escapeHtml(last.runId ?? '?')}</code></p>
<p class="totals"><span class="chip fail${t.failingNow ? '' : ' zero'}">✗ ${t.failingNow} failing in the newest run</span><span class="chip flaky">≈ ${t.flaky} flaky</span><span class="chip skip">Δ ${t.changed} changed</span> <span class="meta summary">${escapeHtml(h.closingLine)}</span></p>
${runsTable(h)}
${controlsHtml('Changed, flaky or failing only', notableCases, ' <span class="first-change-key"></span> first change')}
${columnsDetails(h.proxies)}
</header>
${head.table}${head.colgroup}
<thead>${head.rows}<tr class="summary"><th class="case-col" scope="row">all ${caseIds.length} cases, per run<span class="group-n stack-note">Δ: cells changed or flaky</span></th>${aggregateCells(h.cells, h, l, idleColumns)}</tr></thead>
${groups.join('\n')}
</table>`;
  return page(`Conformance history (${h.runs.length} runs)`, body);
}
