/**
 * matrix.html: one self-contained file (inline CSS, no script, no network) a user can open from a CI
 * artifact. Cases x versions, coloured cells; a failed cell opens to its error and every text
 * attachment (Envoy log, wasm log, config_dump ...), each in its own collapsible block.
 */
import { CELL_LABEL, describeProxy } from './render-terminal';
import { summaryCounts } from './schema';
import type { Matrix, MatrixCell, MatrixProxy } from './schema';

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1f24; }
table.matrix { border-collapse: collapse; }
.matrix th, .matrix td { border: 1px solid #d0d7de; padding: 4px 8px; vertical-align: top; text-align: left; }
.matrix thead th { background: #f6f8fa; }
.proxy-meta { font-weight: normal; font-size: 12px; color: #57606a; max-width: 22em; overflow-wrap: anywhere; }
td.cell { min-width: 6em; }
.status-passed { background: #dafbe1; }
.status-failed { background: #ffd8d3; }
.status-flaky { background: #fff1c2; }
.status-skipped, .status-not-run, .status-interrupted { background: #eaeef2; color: #57606a; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 40em; overflow: auto; background: #f6f8fa; padding: 6px; font-size: 12px; }
details.attachment { margin-left: 1em; }
summary { cursor: pointer; }
.reason { font-size: 12px; }
`;

/** `proxyReason`: why the column's proxy is not runnable; said once in its header, not in every cell. */
function cellHtml(cell: MatrixCell, proxyReason?: string | null): string {
  const cls = `cell status-${cell.status.replace(' ', '-')}`;
  const label = escapeHtml(CELL_LABEL[cell.status]);
  const head = `<td class="${cls}" data-status="${escapeHtml(cell.status)}">`;
  if (cell.status === 'skipped') {
    if (cell.skipReason && cell.skipReason === proxyReason) return `<td class="${cls}" data-status="skipped" title="${escapeHtml(cell.skipReason)}">${label}</td>`;
    return `${head}${label}${cell.skipReason ? `<div class="reason">${escapeHtml(cell.skipReason)}</div>` : ''}</td>`;
  }
  if (!cell.error && !cell.attachments.length) return `${head}${label}</td>`;
  const attachments = cell.attachments.map((a) => {
    const body = a.body !== undefined ? `<pre>${escapeHtml(a.body)}</pre>` : `<p>${escapeHtml(a.contentType)}, ${a.size ?? '?'} bytes: not inlined (binary or over 256 KB); see the Playwright HTML report</p>`;
    return `<details class="attachment"><summary>${escapeHtml(a.name)} <small>(${escapeHtml(a.contentType)})</small></summary>${body}</details>`;
  });
  const error = cell.error ? `<pre class="error">${escapeHtml(cell.error)}</pre>` : '';
  return `${head}<details class="cell-details"><summary>${label}</summary>${error}${attachments.join('')}</details></td>`;
}

function proxyMeta(p: MatrixProxy): string {
  if (!p.available) return escapeHtml(describeProxy(p));
  const runtimes = p.wasmRuntimes?.map((r) => r.replace('envoy.wasm.runtime.', '')).join(', ') ?? '?';
  return [`${p.image ?? '?'} (${p.source ?? '?'})`, p.versionLine ?? 'version unknown', `wasm runtimes: ${runtimes}`].map(escapeHtml).join('<br>');
}

export function renderHtml(m: Matrix): string {
  const c = summaryCounts(m.counts);
  const header = m.proxies.map((p) => `<th scope="col" data-proxy="${escapeHtml(p.id)}">${escapeHtml(p.id)}<div class="proxy-meta">${proxyMeta(p)}</div></th>`).join('');
  const rows = m.cases
    .map((k) => `<tr><th scope="row">${escapeHtml(k.id)}</th>${m.proxies.map((p) => cellHtml(k.cells[p.id], p.reason)).join('')}</tr>`)
    .join('\n');
  const filter = m.filter ? `filter <code>${escapeHtml(m.filter.variant)}</code>, ${m.filter.size ?? '?'} bytes, sha256 <code>${escapeHtml(m.filter.sha256 ?? '?')}</code>` : 'filter: unknown';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Conformance matrix ${escapeHtml(m.runId ?? '')}</title>
<style>${CSS}</style></head>
<body>
<h1>Conformance matrix</h1>
<p>run <code>${escapeHtml(m.runId ?? '?')}</code>, ${escapeHtml(m.status)}, ${escapeHtml(m.startedAt)} to ${escapeHtml(m.finishedAt)}<br>${filter}</p>
<p class="summary">matrix: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped</p>
<table class="matrix">
<thead><tr><th scope="col">case</th>${header}</tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
