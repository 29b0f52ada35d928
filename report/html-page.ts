/**
 * The frame of our HTML reports: one self-contained file (inline CSS and script, no network, no
 * framework) that a user opens from a CI artifact, on a laptop screen.
 */

/** `2026-11-28 02:17 UTC`: minutes are what a reader compares runs by. */
export const shortTime = (iso: string): string => (Number.isNaN(Date.parse(iso)) ? iso : `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`);

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

export const CSS = `
:root { --pass: #1a7f37; --pass-bg: #c8efd2; --fail-bg: #cf222e; --flaky-bg: #f2b705; --skip-bg: #e6e9ed; --muted: #57606a; --line: #d8dee4; }
* { box-sizing: border-box; }
body { font: 13px/1.35 system-ui, 'DejaVu Sans', sans-serif; margin: 0 16px 24px; color: #1b1f24; }
header.page h1 { font-size: 18px; margin: 10px 0 2px; }
header.page p { margin: 2px 0; }
.meta { color: var(--muted); }
code { font: 12px ui-monospace, 'DejaVu Sans Mono', monospace; }
.run-status { font-size: 12px; padding: 1px 6px; border-radius: 8px; vertical-align: middle; background: var(--skip-bg); }
.run-status.passed { background: var(--pass-bg); color: var(--pass); }
.run-status.failed, .run-status.timedout { background: var(--fail-bg); color: #fff; }
.totals .chip { display: inline-block; padding: 1px 8px; border-radius: 10px; margin-right: 4px; font-weight: 600; }
.chip.fail { background: var(--fail-bg); color: #fff; } .chip.fail.zero { background: var(--skip-bg); color: var(--muted); }
.chip.pass { background: var(--pass-bg); color: var(--pass); } .chip.skip { background: var(--skip-bg); color: var(--muted); }
.controls { margin: 6px 0; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.controls button { font: inherit; padding: 1px 8px; }
.legend { color: var(--muted); margin-left: auto; }
.legend .sym { display: inline-block; width: 16px; text-align: center; border-radius: 2px; }
details.columns { margin: 4px 0 6px; color: var(--muted); }
table.facts { border-collapse: collapse; font-size: 12px; color: #1b1f24; margin-top: 4px; }
table.facts th, table.facts td { border: 1px solid var(--line); padding: 2px 6px; text-align: left; }
table.facts.runs td { white-space: nowrap; }
table.grid { border-collapse: separate; border-spacing: 0; table-layout: fixed; width: 100%; }
.grid th, .grid td { padding: 0 2px; height: 22px; text-align: center; border-right: 1px solid #fff; border-bottom: 1px solid #fff; overflow: hidden; white-space: nowrap; }
.grid thead { position: sticky; top: 0; z-index: 3; }
.grid thead th { background: #f6f8fa; font-weight: 600; border-bottom: 1px solid var(--line); }
.grid thead tr.kinds th { font-weight: normal; color: var(--muted); font-size: 11px; height: 18px; border-left: 1px solid var(--line); }
.grid thead th .cand { display: block; font-size: 9px; font-weight: 600; text-transform: uppercase; color: #9a6700; }
.grid thead th.candidate { box-shadow: inset 0 3px 0 #d4a72c; }
.grid thead th.unavailable { color: var(--muted); font-weight: normal; font-size: 11px; background: repeating-linear-gradient(135deg, #f6f8fa 0 4px, #e6e9ed 4px 6px); }
.grid .case-col { position: sticky; left: 0; z-index: 2; text-align: left; text-overflow: ellipsis; background: #fff; padding-left: 6px; }
.grid thead .case-col { z-index: 4; background: #f6f8fa; }
.grid tr.summary th, .grid tr.summary td { height: auto; padding: 2px; font-size: 12px; line-height: 1.25; vertical-align: top; }
.grid tr.summary .case-col { font-weight: 600; }
.grid tr.summary .stack span, .stack-note { display: block; }
.stack-note { margin: 0 !important; font-weight: normal; }
.n-fail { color: #a40e26; font-weight: 700; } .n-pass { color: var(--pass); } .n-skip { color: var(--muted); }
.n-fail.zero { color: var(--muted); font-weight: normal; }
td.na-sum { color: var(--muted); vertical-align: middle !important; background: repeating-linear-gradient(135deg, #fff 0 4px, #eceff2 4px 6px); }
.agg-fail { background: #ffd8d3; } .agg-pass { background: #eaf8ee; } .agg-skip { background: #f3f4f6; }
tbody.group tr.group-head th, tbody.group tr.group-head td { border-top: 2px solid var(--line); height: 24px; font-size: 12px; }
tr.group-head .case-col { font-weight: 600; }
.group-toggle { font: inherit; font-weight: 600; border: 0; background: none; padding: 0 4px 0 0; cursor: pointer; }
.group-toggle::before { content: '▾ '; color: var(--muted); }
tbody.group.collapsed .group-toggle::before { content: '▸ '; }
.group-n { color: var(--muted); font-weight: normal; margin-left: 6px; }
tbody.group.collapsed tr.case, tbody.group.collapsed tr.detail { display: none; }
body.only-notable tr.case:not(.notable), body.only-notable tr.detail:not(.notable), body.only-notable tbody.group:not(.notable) { display: none; }
tr.case .case-col { font-weight: normal; padding-left: 18px; }
tr.case:hover td, tr.case:hover th { filter: brightness(0.95); }
td.cell { font-size: 14px; font-weight: 700; }
.st-passed { background: var(--pass-bg); color: var(--pass); }
.st-failed { background: var(--fail-bg); color: #fff; }
.st-flaky { background: var(--flaky-bg); color: #1b1f24; }
.st-skipped, .st-not-run { background: var(--skip-bg); color: var(--muted); }
.st-interrupted { background: #8c959f; color: #fff; }
.st-absent { background: #fff; outline: 1px dashed var(--line); outline-offset: -1px; }
.legend .sym.na { height: 12px; vertical-align: middle; border: 1px solid var(--line); }
td.na, .sym.na { background: repeating-linear-gradient(135deg, #fff 0 4px, #eceff2 4px 6px); }
.cell button, .hcell button { font: inherit; color: inherit; background: none; border: 0; width: 100%; height: 100%; cursor: pointer; padding: 0; }
.cell button[aria-expanded="true"], .hcell button[aria-expanded="true"] { outline: 2px solid #1b1f24; outline-offset: -3px; }
tr.detail[hidden] { display: none; }
section.breakages { margin-top: 18px; }
section.breakages h2 { font-size: 15px; margin: 0 0 2px; }
section.breakages .legend { margin: 2px 0 6px; }
.bk-reproduced { background: #6e40c9; color: #fff; }
.bk-not-affected { background: var(--pass-bg); color: var(--pass); }
section.breakages tr.breakage th.case-col { height: auto; padding: 2px 6px; white-space: normal; line-height: 1.25; }
section.breakages tr.breakage th.case-col code { font-weight: 600; }
section.breakages .refs { display: block; font-size: 11px; font-weight: normal; color: var(--muted); }
section.breakages .refs a { color: inherit; }
.strip { display: inline-flex; gap: 1px; vertical-align: middle; }
.sq { display: inline-block; height: 14px; font: normal 700 10px/14px system-ui, 'DejaVu Sans', sans-serif; text-align: center; border-radius: 2px; }
.sq.first-change { outline: 2px solid #0969da; outline-offset: 0; }
.rate { display: block; font-size: 10px; line-height: 11px; color: var(--muted); font-weight: normal; }
td.hcell.flaky .rate, td.hcell.changed .rate { color: #7d4e00; font-weight: 600; }
td.hcell.failing-now { box-shadow: inset 0 -3px 0 var(--fail-bg); }
td.hcell.agg { background: #f6f8fa; }
.chip.flaky { background: var(--flaky-bg); color: #1b1f24; }
ol.run-list { margin: 4px 0; padding-left: 1.8em; }
ol.run-list li { margin: 2px 0; }
ol.run-list .sym, .sym { display: inline-block; min-width: 16px; text-align: center; border-radius: 2px; }
.first-change-key { display: inline-block; width: 12px; height: 12px; outline: 2px solid #0969da; vertical-align: middle; }
tr.detail td { text-align: left; white-space: normal; height: auto; padding: 0; background: #f6f8fa; border-bottom: 2px solid var(--line); }
.detail-box { position: sticky; left: 0; max-width: calc(100vw - 48px); padding: 6px 10px 10px; }
.detail-box h3 { font-size: 13px; margin: 2px 0 6px; overflow-wrap: anywhere; }
.detail-box p { margin: 2px 0 4px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 32em; overflow: auto; background: #fff; border: 1px solid var(--line); padding: 6px; font-size: 12px; margin: 4px 0; }
pre.error { border-left: 4px solid var(--fail-bg); }
details.attachment { margin: 2px 0 2px 1em; }
summary { cursor: pointer; }
`;

/** Opens a cell's detail row, folds a suite, expands or folds all, filters to the notable rows. */
export const SCRIPT = `
(function () {
  var body = document.body;
  function setGroup(g, collapsed) {
    g.classList.toggle('collapsed', collapsed);
    var t = g.querySelector('.group-toggle');
    if (t) t.setAttribute('aria-expanded', String(!collapsed));
  }
  document.addEventListener('click', function (e) {
    var el = e.target instanceof Element ? e.target : null;
    if (!el) return;
    var opener = el.closest('[data-open]');
    if (opener) {
      var row = document.getElementById(opener.getAttribute('data-open'));
      if (row) { row.hidden = !row.hidden; opener.setAttribute('aria-expanded', String(!row.hidden)); }
      return;
    }
    var toggle = el.closest('.group-toggle');
    if (toggle) { var g = toggle.closest('tbody'); setGroup(g, !g.classList.contains('collapsed')); return; }
    var all = el.closest('[data-groups]');
    if (all) {
      var collapse = all.getAttribute('data-groups') === 'collapse';
      document.querySelectorAll('tbody.group').forEach(function (g) { setGroup(g, collapse); });
    }
  });
  var only = document.getElementById('only-notable');
  if (only) {
    var apply = function () { body.classList.toggle('only-notable', only.checked); };
    only.addEventListener('change', apply);
    apply();
  }
})();
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style></head>
<body>
${body}
<script>${SCRIPT}</script>
</body></html>
`;
}
