/**
 * Who owns a run, and when its owner is provably gone: the rules the sweep (and the build locks)
 * decide by. Docker-free; the EPERM case runs a child as another user.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { identityOf, liveness, processStartTime, thisBootId } from '../engine/processes';
import { ownerFromLabels, parseScratchDir, runLabels } from '../engine/ownership';
import { repoRoot, runNode } from './commands';

test('this process is alive; a pid no process has is gone', async () => {
  expect(liveness(identityOf(process.pid))).toBe('alive');
  // A child that has exited and been reaped: its pid names no process.
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid!;
  const started = processStartTime(pid);
  await new Promise((r) => child.on('exit', r));
  expect(liveness({ host: os.hostname(), bootId: thisBootId(), pid, startTime: started })).toBe('gone');
});

test('a reused pid is not its old owner: same pid, another start time, is gone', () => {
  const me = identityOf(process.pid);
  expect(me.startTime).toMatch(/^\d+$/);
  expect(liveness({ ...me, startTime: String(Number(me.startTime) - 1) })).toBe('gone');
});

test('another boot of this host is gone; another host is never judged here', () => {
  const me = identityOf(process.pid);
  expect(liveness({ ...me, bootId: '00000000-0000-0000-0000-000000000000' })).toBe('gone');
  expect(liveness({ ...me, host: `${os.hostname()}-elsewhere`, pid: 999_999_999 })).toBe('elsewhere');
});

test('EPERM from kill(pid, 0) means alive: a non-root user asking about a root process', async () => {
  test.skip(process.getuid?.() !== 0, 'needs root to run the child as another user');
  const tsx = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const code = `import { liveness } from ${JSON.stringify(path.join(repoRoot, 'engine', 'processes'))};
let eperm = '';
try { process.kill(${process.pid}, 0); } catch (e) { eperm = e.code; }
console.log(eperm, liveness({ pid: ${process.pid} }));`;
  const r = await runNode([tsx, '-e', code], { HOME: os.tmpdir() }, 30_000, 65534);
  expect(r.stdout.trim(), r.stderr).toBe('EPERM alive');
});

test('labels and scratch dir names carry the whole owner, and read back to it', () => {
  const labels = runLabels();
  const owner = ownerFromLabels(labels);
  expect(owner).toEqual({ ...identityOf(Number(process.env.EWC_RUN_OWNER_PID)) });
  expect(parseScratchDir(`ewc-run-20261125043000-abc123-${owner.pid}.${owner.startTime}-Xy12Ab`)).toEqual({
    runId: '20261125043000-abc123',
    owner: { pid: owner.pid, startTime: owner.startTime },
  });
  // Older resources carry the pid only: judged by it alone.
  expect(ownerFromLabels({ 'dev.ewc.owner-pid': '42' })).toEqual({ host: undefined, bootId: undefined, pid: 42, startTime: undefined });
});
