/** Runs Playwright in a child process, as a user would, for the report selftests. */
import fs from 'node:fs';
import path from 'node:path';
import type { Matrix } from '../../report/schema';
import { runNode, type CommandOutput } from '../commands';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const SAMPLE_CONFIG = path.join(__dirname, 'playwright.config.ts');
export const MERGE_CONFIG = path.join(repoRoot, 'report', 'merge.config.ts');
const CLI = path.join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js');

export type RunOutput = CommandOutput;

export function playwright(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<RunOutput> {
  return runNode([CLI, ...args], { CI: '', ...env }, timeoutMs);
}

/** One whole sample run with the matrix reporter writing into `<dir>/matrix`. */
export function runSample(dir: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<RunOutput> {
  return playwright(['test', '-c', SAMPLE_CONFIG, ...extraArgs], { EWC_RUN_ID: 'sample-run', EWC_REPORT_DIR: path.join(dir, 'matrix'), ...env });
}

export const readJson = (file: string): Matrix => JSON.parse(fs.readFileSync(file, 'utf8')) as Matrix;

/** What must not differ between an unsharded run and a merge of its shards: all but ids, times and durations. */
export function stableContent(m: Matrix): unknown {
  const copy = JSON.parse(JSON.stringify(m)) as Partial<Matrix> & Pick<Matrix, 'cases'>;
  delete copy.runId;
  delete copy.startedAt;
  delete copy.finishedAt;
  // Times differ between any two runs: when a case ran, how long, and where its time went.
  for (const c of copy.cases)
    for (const cell of Object.values(c.cells)) Object.assign(cell, { durationMs: undefined, startedAt: undefined, timeSpent: undefined });
  return JSON.parse(JSON.stringify(copy));
}

/** { case id: { proxy id: status } }: the matrix at a glance, for exact assertions. */
export const statuses = (m: Matrix): Record<string, Record<string, string>> =>
  Object.fromEntries(m.cases.map((c) => [c.id, Object.fromEntries(Object.entries(c.cells).map(([p, cell]) => [p, cell.status]))]));
