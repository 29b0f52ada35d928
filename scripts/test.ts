/** `npm test [-- <playwright args>]`: type check, then every suite on every matrix entry. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../fixtures/paths';
import { runPlaywright } from './run-playwright';

(async () => {
  const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { stdio: 'inherit', cwd: repoRoot });
  if (tsc.status !== 0) {
    console.error('[test] type check failed');
    process.exit(1);
  }
  console.log('[test] type check passed');
  process.exitCode = await runPlaywright(process.argv.slice(2));
})().catch((e: Error) => {
  console.error(`[test] ${e.message}`);
  process.exit(1);
});
