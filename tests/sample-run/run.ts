/** Runs Playwright in a child process, as a user would, for the report selftests. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Matrix } from '../../report/schema';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const SAMPLE_CONFIG = path.join(__dirname, 'playwright.config.ts');
export const MERGE_CONFIG = path.join(repoRoot, 'report', 'merge.config.ts');
const CLI = path.join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js');

export interface RunOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The child must not think it is one of our workers (TEST_WORKER_INDEX etc.), nor inherit our report dir. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(TEST_|PW_|PLAYWRIGHT_|EWC_)/.test(k)) env[k] = v;
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', CI: '', ...extra };
}

export function playwright(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: repoRoot, env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`playwright ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
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
  for (const c of copy.cases) for (const cell of Object.values(c.cells)) (cell as { durationMs?: number }).durationMs = undefined;
  return JSON.parse(JSON.stringify(copy));
}

/** { case id: { proxy id: status } }: the matrix at a glance, for exact assertions. */
export const statuses = (m: Matrix): Record<string, Record<string, string>> =>
  Object.fromEntries(m.cases.map((c) => [c.id, Object.fromEntries(Object.entries(c.cells).map(([p, cell]) => [p, cell.status]))]));
