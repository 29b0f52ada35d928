/**
 * The compatibility matrix a user reads: rows are cases, columns are proxy versions (Playwright
 * projects), cells pass / FAIL / skipped. Prints a progress line per finished case; at the end writes
 * `<outputDir>/matrix.json`, `matrix.html`, `junit.xml` and prints the table. Everything comes from
 * reporter events, so `playwright merge-reports` of shard blobs gives the same files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { settings } from '../runner/settings';
import { MatrixBuilder } from './model';
import { renderHtml } from './render-html';
import { renderJunit } from './render-junit';
import { CELL_LABEL, renderTerminal } from './render-terminal';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';

export interface MatrixReporterOptions {
  /** Where matrix.json, matrix.html and junit.xml go; relative to the working directory. */
  outputDir?: string;
}

export default class MatrixReporter implements Reporter {
  private readonly outputDir: string;
  private readonly builder = new MatrixBuilder();

  constructor(options: MatrixReporterOptions = {}) {
    this.outputDir = path.resolve(options.outputDir ?? settings.matrixDir);
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.builder.onBegin(config, suite);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const p = this.builder.onTestEnd(test, result);
    if (!p) return;
    console.log(`[matrix] ${CELL_LABEL[p.status].padEnd(7)} ${p.project}  ${p.caseId}  (${p.done}/${p.total} of ${p.project})`);
  }

  onEnd(result: FullResult): void {
    const matrix = this.builder.build(result);
    // A run with no proxy column (selftest only) has no matrix to report.
    if (!matrix.proxies.length) return;
    fs.mkdirSync(this.outputDir, { recursive: true });
    fs.writeFileSync(path.join(this.outputDir, 'matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
    fs.writeFileSync(path.join(this.outputDir, 'matrix.html'), renderHtml(matrix));
    fs.writeFileSync(path.join(this.outputDir, 'junit.xml'), renderJunit(matrix));
    const shown = path.relative(process.cwd(), this.outputDir);
    console.log(`[matrix] reports: ${shown && !shown.startsWith('..') ? shown : this.outputDir}/{matrix.json,matrix.html,junit.xml}`);
    // The closing count line stays the last thing printed: scripts and people read it there.
    console.log(renderTerminal(matrix));
  }

  printsToStdio(): boolean {
    return true;
  }
}
