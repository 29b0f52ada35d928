/** Runs the project's own commands (npm run gate/repro/..., Playwright) in a child process, as a user would. */
import { spawn } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..');
const TSX = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface CommandOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The child is a run of its own: none of our worker's TEST_/PW_/EWC_ variables (above all not our
 * run id, or its sweep would remove this run's containers), no colours.
 */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(TEST_|PW_|PLAYWRIGHT_|EWC_)/.test(k)) env[k] = v;
  const merged: NodeJS.ProcessEnv = { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
  // A key given as undefined is unset in the child (e.g. DOCKER_HOST, to exercise discovery).
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return merged;
}

/** Runs `node <args>` in the repo with `env` on top of childEnv(); collects its output; kills it past the deadline. */
export function runNode(args: string[], env: Record<string, string | undefined>, timeoutMs: number, uid?: number): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    // With `uid`, the child runs as that user (and its group): how a non-root user runs the suite.
    const child = spawn(process.execPath, args, { cwd: repoRoot, env: childEnv(env), ...(uid === undefined ? {} : { uid, gid: uid }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`node ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `npm run <script>` equivalent: scripts/<script> through tsx, reports under `reportsRoot`. */
export function runCommand(script: string, args: string[], reportsRoot: string, timeoutMs: number, env: Record<string, string | undefined> = {}): Promise<CommandOutput> {
  return runNode([TSX, path.join(repoRoot, 'scripts', script), ...args], { EWC_REPORTS_ROOT: reportsRoot, EWC_WORKERS: '1', ...env }, timeoutMs);
}
