/**
 * matrix.html's breakage catalogue section: a row per entry of breakages/ (its upstream refs in the
 * row head, linked), a cell per column with a symbol as well as a colour (greyscale-safe, as the
 * grid), the reason on hover where it cannot run or failed. Same column heads as the grid.
 */
import { gridHead, isUnavailable } from './html-grid';
import { escapeHtml } from './html-page';
import type { BreakageOutcome, Matrix, MatrixBreakage, MatrixBreakageCell, MatrixProxy } from './schema';

export const BREAKAGE_SYMBOL: Record<BreakageOutcome, string> = { reproduced: '●', 'not affected': '○', 'cannot run here': '–', failed: '✗', 'not run': '·' };
const CLASS: Record<BreakageOutcome, string> = { reproduced: 'bk-reproduced', 'not affected': 'bk-not-affected', 'cannot run here': 'st-skipped', failed: 'st-failed', 'not run': 'st-not-run' };
const LEGEND: Array<[BreakageOutcome, string]> = [['reproduced', 'reproduced'], ['not affected', 'not affected'], ['cannot run here', 'cannot run here'], ['failed', 'failed: the measured outcome no longer holds'], ['not run', 'not run']];

/** `owner/repo#n` links to its GitHub issue (GitHub forwards a pull request's number); other text stays text. */
function refHtml(ref: string): string {
  const m = /^([\w.-]+\/[\w.-]+)#(\d+)$/.exec(ref);
  return m ? `<a href="https://github.com/${escapeHtml(m[1])}/issues/${m[2]}">${escapeHtml(ref)}</a>` : escapeHtml(ref);
}

/** As in the grid: a column that could not run says so once, in its head; its cells are blank and not counted. */
const blank = (p: MatrixProxy, cell: MatrixBreakageCell): boolean =>
  isUnavailable(p) && (cell.outcome === 'not run' || (cell.outcome === 'cannot run here' && (!cell.reason || cell.reason === p.reason)));

const entries = (n: number): string => `${n} entr${n === 1 ? 'y' : 'ies'}`;

function cellHtml(b: MatrixBreakage, p: MatrixProxy, cell: MatrixBreakageCell): string {
  const data = `data-proxy="${escapeHtml(p.id)}" data-outcome="${escapeHtml(cell.outcome)}"`;
  if (blank(p, cell))
    return `<td class="cell na" ${data} title="${escapeHtml(p.id)}: not runnable here"></td>`;
  const measured = cell.asMeasuredOn ? ` as measured on ${cell.asMeasuredOn} (not measured on this release)` : '';
  const title = `${b.entry} @ ${p.id}: ${cell.outcome}${measured}${cell.reason ? `: ${cell.reason}` : ''}`;
  return `<td class="cell ${CLASS[cell.outcome]}" ${data} title="${escapeHtml(title)}">${BREAKAGE_SYMBOL[cell.outcome]}</td>`;
}

/** The section, or '' when the run had no breakage case. */
export function breakagesSection(m: Matrix): string {
  const rows = m.breakages ?? [];
  if (!rows.length) return '';
  const head = gridHead(m.proxies, undefined, 'entry');
  const body = rows.map((b) => {
    const th = `<th scope="row" class="case-col" title="${escapeHtml(`${b.entry}: ${b.upstream.join(', ')}`)}"><code>${escapeHtml(b.entry)}</code><span class="refs">${b.upstream.map(refHtml).join(', ')}</span></th>`;
    const cells = m.proxies.map((p) => cellHtml(b, p, b.cells[p.id] ?? { outcome: 'not run' }));
    return `<tr class="breakage" data-entry="${escapeHtml(b.entry)}">${th}${cells.join('')}</tr>`;
  });
  const legend = LEGEND.map(([o, label]) => `<span class="sym ${CLASS[o]}">${BREAKAGE_SYMBOL[o]}</span> ${escapeHtml(label)}`).join(' ');
  return `<section class="breakages" id="breakages">
<h2>Breakage catalogue <span class="meta">${entries(rows.length)} of <code>breakages/</code>, each on each column</span></h2>
<p class="legend">${legend} <span class="sym na"></span> not runnable · a cell's reason on hover</p>
${head.table}${head.colgroup}
<thead>${head.rows}</thead>
<tbody>${body.join('')}</tbody>
</table>
</section>`;
}

/** The line under the page's title that leads to the section. */
export function breakagesLink(m: Matrix): string {
  const rows = m.breakages ?? [];
  if (!rows.length) return '';
  const shown = rows.flatMap((b) => m.proxies.flatMap((p) => (b.cells[p.id] && !blank(p, b.cells[p.id]) ? [b.cells[p.id].outcome] : [])));
  const count = (o: BreakageOutcome): number => shown.filter((x) => x === o).length;
  const parts = (['reproduced', 'not affected', 'cannot run here', 'failed'] as const).map((o) => `${count(o)} ${o}`);
  return `<p class="meta"><a href="#breakages">Breakage catalogue</a>: ${entries(rows.length)}, cells ${parts.join(', ')}</p>`;
}
