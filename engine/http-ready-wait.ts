/**
 * Ready when `GET <path>` on `port` answers 200, at the address engine/container-address.ts gives;
 * a container that has stopped fails the wait at once with its exit code (testcontainers' HTTP
 * wait reaches only published ports).
 */
import type Dockerode from 'dockerode';
import { request } from 'undici';
import type { BoundPorts } from 'testcontainers';
import { startingAddressOf, unreachableHint } from './container-address';
import { containerState } from './docker-logs';
import { pollUntil } from './poll';
import { TimedWait } from './timed-wait';

export class HttpReadyWait extends TimedWait {
  constructor(private readonly port: number, private readonly path: string, private readonly what: string) {
    super();
  }

  async waitUntilReady(container: Dockerode.Container, boundPorts: BoundPorts): Promise<void> {
    let url: string | undefined;
    let last = 'no answer yet';
    await pollUntil(
      `${this.what} ready (${this.path} 200)`,
      async () => {
        try {
          url ??= await startingAddressOf(container, boundPorts, this.port).then((a) => a && `http://${a}${this.path}`);
          if (!url) throw new Error('no address on any network yet');
          const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
          last = `${res.statusCode} ${(await res.body.text()).trim()}`;
          if (res.statusCode === 200) return true;
        } catch (e) {
          last = (e as Error).message;
        }
        const { State } = await containerState(container.id);
        if (!State.Running && State.Status !== 'created') throw new Error(`${this.what} exited with code ${State.ExitCode} before it was ready`);
        return undefined;
      },
      { timeoutMs: this.startupTimeoutMs },
    ).catch((e: unknown) => {
      throw new Error(`${(e as Error).message} (last answer: ${last})${/^(connect|no address)/.test(last) ? unreachableHint() : ''}`);
    });
  }
}
