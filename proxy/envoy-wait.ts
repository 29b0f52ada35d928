/**
 * Starting an Envoy races its exit against its readiness. Ready is admin /ready answering 200; an
 * Envoy that exits first (a bootstrap or a module it refuses) is an EnvoyStartError with its exit
 * code and its own log, however fast or slow it exits: before its ports are bound (testcontainers
 * would only time out waiting for them) as well as while the wait strategy asks /ready.
 */
import type Dockerode from 'dockerode';
import { request } from 'undici';
import type { BoundPorts } from 'testcontainers';
import { TimedWait } from '../engine/timed-wait';
import { startingAddressOf, unreachableHint } from '../engine/container-address';
import { containerOutput, containerState } from '../engine/docker-logs';
import { pollUntil } from '../engine/poll';

/** An Envoy that never became ready: its exit code when it exited, and its whole log. */
export class EnvoyStartError extends Error {
  constructor(message: string, readonly exitCode: number | undefined, readonly log: readonly string[]) {
    super(message);
  }
}

/** An Envoy that stopped while a case was using it: its exit code and the tail of its whole log. */
export class EnvoyExitedError extends Error {
  constructor(readonly entryId: string, readonly exitCode: number, readonly oomKilled: boolean, readonly log: readonly string[]) {
    super(`Envoy ${entryId} exited with code ${exitCode}${oomKilled ? ' (killed for lack of memory)' : ''} during the case\n--- last Envoy log lines ---\n${log.slice(-40).join('\n')}`);
  }
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l.length);

/** A container that has stopped (never started counts as not stopped): its exit code and whole output from Docker. */
export async function exitOf(containerId: string): Promise<{ exitCode: number; oomKilled: boolean; log: string[] } | undefined> {
  const { State } = await containerState(containerId);
  if (State.Running || State.Status === 'created') return undefined;
  // From Docker itself: the followed stream may not have delivered the last lines yet, or not be attached at all.
  return { exitCode: State.ExitCode, oomKilled: State.OOMKilled, log: lines(await containerOutput(containerId)) };
}

export const startError = (entryId: string, exit: { exitCode: number; log: string[] }): EnvoyStartError =>
  new EnvoyStartError(`Envoy ${entryId} exited with code ${exit.exitCode} before it was ready\n--- last Envoy log lines ---\n${exit.log.slice(-40).join('\n')}`, exit.exitCode, exit.log);

/**
 * Resolves with the container's exit once it has stopped; polls Docker's state until `settled` says
 * the start is over either way (then resolves undefined).
 */
export async function watchExit(containerId: string, settled: () => boolean): Promise<Awaited<ReturnType<typeof exitOf>>> {
  try {
    return (await pollUntil(`Envoy container ${containerId.slice(0, 12)} exiting`, async () => (settled() ? null : ((await exitOf(containerId)) ?? undefined)), { timeoutMs: 10 * 60_000, firstPauseMs: 50, maxPauseMs: 100 })) ?? undefined;
  } catch {
    // The container is gone (removed by testcontainers after a failed wait) or Docker did not answer: the start's own outcome stands.
    return undefined;
  }
}

/** How often a start asks Docker whether Envoy exited while admin does not answer yet. */
const EXIT_CHECK_MS = 100;

/** Ready when admin /ready answers 200; fails with EnvoyStartError once the container has exited. */
export class EnvoyReadyWait extends TimedWait {
  constructor(private readonly adminPort: number, private readonly entryId: string) {
    super();
  }

  async waitUntilReady(container: Dockerode.Container, boundPorts: BoundPorts): Promise<void> {
    let url: string | undefined;
    let last = 'no answer yet';
    let exitCheckedAt = 0;
    // Docker is asked whether the container exited only when admin did not answer, and at most every
    // EXIT_CHECK_MS (each ask is work for the daemon; the start is also raced against the exit itself).
    const exitCheck = async (): Promise<void> => {
      if (Date.now() - exitCheckedAt < EXIT_CHECK_MS) return;
      exitCheckedAt = Date.now();
      const exit = await exitOf(container.id);
      if (exit) throw startError(this.entryId, exit);
    };
    await pollUntil(
      `Envoy ${this.entryId} ready (admin /ready 200)`,
      async () => {
        if (!url) {
          await exitCheck();
          // Asked after the exit check: an Envoy that exited at once has no address, and its exit is the answer.
          url = await startingAddressOf(container, boundPorts, this.adminPort).then((a) => a && `http://${a}/ready`);
          if (!url) {
            last = 'no address on any network yet';
            return undefined;
          }
        }
        try {
          const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
          last = `${res.statusCode} ${(await res.body.text()).trim()}`;
          if (res.statusCode === 200) return true;
        } catch (e) {
          last = (e as Error).message;
        }
        await exitCheck();
        return undefined;
      },
      { timeoutMs: this.startupTimeoutMs },
    ).catch((e: unknown) => {
      throw e instanceof EnvoyStartError ? e : new Error(`${(e as Error).message} (last answer: ${last})${/^(connect|no address)/.test(last) ? unreachableHint() : ''}`);
    });
  }
}
