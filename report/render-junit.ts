/**
 * junit.xml for CI dashboards: one <testsuite> per proxy version, one <testcase> per case, the
 * wasm log of a case as its <system-out> (that is what a reader of an ABI failure wants first).
 */
import { firstLine } from './render-terminal';
import type { Matrix, MatrixCell } from './schema';

// XML 1.0 cannot carry most control characters at all, even escaped: drop them.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

export const escapeXml = (s: string): string =>
  s.replace(INVALID_XML, '').replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch] ?? ch);

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function wasmLog(cell: MatrixCell): string | undefined {
  const logs = cell.attachments.filter((a) => /wasm log/i.test(a.name) && a.body !== undefined);
  if (!logs.length) return undefined;
  return logs.length === 1 ? logs[0].body : logs.map((a) => `--- ${a.name}\n${a.body}`).join('\n');
}

function testcase(proxyId: string, caseId: string, cell: MatrixCell): string {
  const open = `    <testcase classname="${escapeXml(proxyId)}" name="${escapeXml(caseId)}" time="${seconds(cell.durationMs)}"`;
  const inner: string[] = [];
  if (cell.status === 'failed' || cell.status === 'flaky') {
    const error = cell.error ?? 'failed without an error message';
    inner.push(`      <failure message="${escapeXml(firstLine(error))}" type="${cell.status}">${escapeXml(error)}</failure>`);
  } else if (cell.status !== 'passed') {
    const reason = cell.status === 'skipped' ? cell.skipReason ?? 'skipped' : cell.status === 'interrupted' ? `interrupted${cell.error ? `: ${firstLine(cell.error)}` : ''}` : 'not run';
    inner.push(`      <skipped message="${escapeXml(reason)}"/>`);
  }
  const log = wasmLog(cell);
  if (log !== undefined) inner.push(`      <system-out>${escapeXml(log)}</system-out>`);
  return inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`;
}

export function renderJunit(m: Matrix): string {
  const suites: string[] = [];
  const total = { tests: 0, failures: 0, skipped: 0, ms: 0 };
  for (const p of m.proxies) {
    const cells = m.cases.map((c) => ({ id: c.id, cell: c.cells[p.id] }));
    const failures = cells.filter(({ cell }) => cell.status === 'failed' || cell.status === 'flaky').length;
    const skipped = cells.filter(({ cell }) => cell.status !== 'passed' && cell.status !== 'failed' && cell.status !== 'flaky').length;
    const ms = cells.reduce((n, { cell }) => n + cell.durationMs, 0);
    Object.assign(total, { tests: total.tests + cells.length, failures: total.failures + failures, skipped: total.skipped + skipped, ms: total.ms + ms });
    const props = [['candidate', p.candidate ? 'true' : undefined], ['image', p.image], ['versionLine', p.versionLine], ['available', p.available === null ? undefined : String(p.available)], ['reason', p.reason]]
      .filter((kv): kv is [string, string] => kv[1] !== undefined)
      .map(([k, v]) => `      <property name="${k}" value="${escapeXml(v)}"/>`);
    suites.push(
      [
        `  <testsuite name="${escapeXml(p.id)}" tests="${cells.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(ms)}" timestamp="${escapeXml(m.startedAt)}">`,
        ...(props.length ? ['    <properties>', ...props, '    </properties>'] : []),
        ...cells.map(({ id, cell }) => testcase(p.id, id, cell)),
        '  </testsuite>',
      ].join('\n'),
    );
  }
  const head = `<testsuites name="envoy-wasm-conformance${m.runId ? ` ${escapeXml(m.runId)}` : ''}" tests="${total.tests}" failures="${total.failures}" errors="0" skipped="${total.skipped}" time="${seconds(total.ms)}">`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${suites.join('\n')}\n</testsuites>\n`;
}
