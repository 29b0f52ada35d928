/**
 * testcontainers' startup-timeout contract for a wait strategy of our own; a subclass says what
 * ready is (http-ready-wait.ts for the peers, proxy/envoy-wait.ts for Envoy).
 */
import type Dockerode from 'dockerode';
import type { BoundPorts, WaitStrategy } from 'testcontainers';

export abstract class TimedWait implements WaitStrategy {
  protected startupTimeoutMs = 30_000;
  private timeoutSet = false;

  abstract waitUntilReady(container: Dockerode.Container, boundPorts: BoundPorts): Promise<void>;

  withStartupTimeout(ms: number): this {
    this.startupTimeoutMs = ms;
    this.timeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }

  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }
}
