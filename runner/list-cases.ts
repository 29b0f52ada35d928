/** The case ids of a project as the matrix names them, from Playwright's own listing (no Docker, no setup). */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../engine/paths';

/** Case ids (`<spec> › <title>`) of one project, from Playwright's own listing (no Docker needed). */
export function listCases(project: string): Set<string> {
  const cli = path.join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js');
  // Not a calling Playwright worker's variables: the listing is a run of its own.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEST_|PW_|PLAYWRIGHT_)/.test(k)));
  // The configured reporters run on a listing too: their files go to a scratch root, never over the
  // reports of the run that just finished (npm test lists cases right after the matrix).
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ewc-list-'));
  const { EWC_REPORT_DIR: _, ...rest } = env;
  let r: SpawnSyncReturns<string>;
  try {
    r = spawnSync(process.execPath, [cli, 'test', '--list', '--project', project], { cwd: repoRoot, encoding: 'utf8', env: { ...rest, EWC_SELFTESTS: '0', EWC_REPORTS_ROOT: scratch } });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  if (r.status !== 0) throw new Error(`playwright test --list failed:\n${r.stdout}${r.stderr}`);
  const ids = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const parts = line.trim().split(' › ');
    if (parts.length < 3 || !parts[0].startsWith('[')) continue;
    ids.add(`${path.basename(parts[1].split(':')[0], '.spec.ts')} › ${parts.slice(2).join(' › ')}`);
  }
  return ids;
}

