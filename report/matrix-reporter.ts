/**
 * The compatibility matrix a user reads: rows are cases, columns are proxy versions (Playwright
 * projects), cells pass / FAIL / skipped. Prints a progress line per finished case and, at the end,
 * which image and `envoy --version` each column ran, the table, and one closing count line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SELFTEST_PROJECT } from './projects';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';

type Cell = 'pass' | 'FAIL' | 'skipped' | 'flaky' | 'not run';

interface ProxyManifest {
  id: string;
  available: boolean;
  image?: string;
  source?: string;
  versionLine?: string;
  wasmRuntimes?: string[];
  reason?: string;
}

const caseName = (test: TestCase): string => test.titlePath().slice(3).join(' › ');
const fileName = (test: TestCase): string => path.basename(test.location.file).replace(/\.spec\.ts$/, '');

export default class MatrixReporter implements Reporter {
  private projects: string[] = [];
  private total = new Map<string, number>();
  private done = new Map<string, number>();
  private cells = new Map<string, Map<string, { cell: Cell; reason: string }>>();

  onBegin(_config: FullConfig, suite: Suite): void {
    // Workers write one manifest per proxy they resolve; drop those of earlier runs.
    fs.rmSync(path.join('reports', 'proxies'), { recursive: true, force: true });
    for (const project of suite.suites) {
      const name = project.project()?.name ?? project.title;
      if (name === SELFTEST_PROJECT) continue;
      this.projects.push(name);
      this.total.set(name, project.allTests().length);
      this.done.set(name, 0);
    }
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const project = test.parent.project()?.name ?? '?';
    if (project === SELFTEST_PROJECT) return;
    const row = `${fileName(test)} › ${caseName(test)}`;
    const outcome = test.outcome();
    const cell: Cell = result.status === 'interrupted' ? 'not run' : outcome === 'expected' ? (result.status === 'skipped' ? 'skipped' : 'pass') : outcome === 'skipped' ? 'skipped' : outcome === 'flaky' ? 'flaky' : 'FAIL';
    const reason = cell === 'skipped' ? (test.annotations.find((a) => a.type === 'skip')?.description ?? '') : cell === 'FAIL' ? (result.error?.message ?? '').split('\n')[0] : '';
    if (!this.cells.has(row)) this.cells.set(row, new Map());
    this.cells.get(row)!.set(project, { cell, reason });
    this.done.set(project, (this.done.get(project) ?? 0) + 1);
    console.log(`[matrix] ${cell.padEnd(7)} ${project}  ${row}  (${this.done.get(project)}/${this.total.get(project)} of ${project})`);
  }

  onEnd(result: FullResult): void {
    const out: string[] = ['', `Conformance matrix (run ${process.env.EWC_RUN_ID ?? '?'}, ${result.status})`, ''];
    for (const p of this.projects) {
      const file = path.join('reports', 'proxies', `${p}.json`);
      const m: ProxyManifest | undefined = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
      const what = !m ? 'not started' : m.available ? `${m.image} (${m.source}) ${m.versionLine?.replace(/^.*version: /, '')} runtimes: ${m.wasmRuntimes?.map((r) => r.replace('envoy.wasm.runtime.', '')).join(',')}` : `not runnable: ${m.reason}`;
      out.push(`  ${p.padEnd(16)} ${what}`);
    }
    const width = Math.max(20, ...[...this.cells.keys()].map((r) => r.length));
    const col = Math.max(...this.projects.map((p) => p.length), 7) + 2;
    out.push('', `${'case'.padEnd(width)}  ${this.projects.map((p) => p.padEnd(col)).join('')}`);
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const reasons = new Set<string>();
    for (const [row, byProject] of this.cells) {
      const cells = this.projects.map((p) => {
        const c = byProject.get(p);
        if (!c) return '-'.padEnd(col);
        if (c.cell === 'pass') counts.passed++;
        else if (c.cell === 'skipped' || c.cell === 'not run') counts.skipped++;
        else counts.failed++;
        if (c.reason) reasons.add(`${p}: ${c.cell === 'skipped' ? 'skipped' : 'failed'}: ${c.reason}`);
        return c.cell.padEnd(col);
      });
      out.push(`${row.padEnd(width)}  ${cells.join('')}`);
    }
    if (reasons.size) out.push('', ...[...reasons].map((r) => `  ${r}`));
    out.push('', `matrix: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
    console.log(out.join('\n'));
  }

  printsToStdio(): boolean {
    return true;
  }
}
