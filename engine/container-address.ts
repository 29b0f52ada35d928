/**
 * How this process reaches a port of a container. `direct`: the container's own IP on its network
 * and the port it listens on (a local Linux engine routes its bridge networks to the host), so no
 * port is published: Docker starts no docker-proxy per published port (two per port, IPv4 and IPv6,
 * each a process start, and every byte of every request copied through it) and writes no NAT rule.
 * `published`: a host port Docker publishes, for an engine in a VM or on another host.
 * EWC_CONTAINER_ADDRESS (runner/settings.ts) chooses; the default is direct where it works.
 */
import type Dockerode from 'dockerode';
import { getContainerRuntimeClient, type BoundPorts, type GenericContainer, type StartedTestContainer } from 'testcontainers';
import { settings } from '../runner/settings';

/** Declares the ports this process will reach: published only when they are reached through host ports. */
export function reachablePorts<T extends GenericContainer>(container: T, ...ports: number[]): T {
  return settings.containerAddress === 'published' ? container.withExposedPorts(...ports) : container;
}

/** The container's IP on its first network (the run's network; `bridge` when it joined none); undefined when it has none (yet, or no more: a stopped container loses it). */
const ipOf = (networks: Record<string, { IPAddress?: string }>): string | undefined => Object.values(networks).map((n) => n.IPAddress).find((a) => a);

/** `host:port` of a started container's port. */
export function addressOf(started: StartedTestContainer, port: number): string {
  if (settings.containerAddress === 'published') return `${started.getHost()}:${started.getMappedPort(port)}`;
  const name = started.getNetworkNames()[0];
  if (!name) throw new Error(`container ${started.getId().slice(0, 12)} is on no network`);
  return `${started.getIpAddress(name)}:${port}`;
}

/**
 * `host:port` of a container's port while it starts (wait strategies get the raw container), or
 * undefined while it has no address: a wait asks again, after checking whether the container exited.
 */
export async function startingAddressOf(container: Dockerode.Container, boundPorts: BoundPorts, port: number): Promise<string | undefined> {
  if (settings.containerAddress === 'published') return `${(await getContainerRuntimeClient()).info.containerRuntime.host}:${boundPorts.getBinding(port)}`;
  const ip = ipOf((await container.inspect()).NetworkSettings.Networks);
  return ip && `${ip}:${port}`;
}

/** What to try when a container's port does not answer: the other way of reaching it. */
export const unreachableHint = (): string =>
  settings.containerAddress === 'direct'
    ? ' (reached at the container IP, EWC_CONTAINER_ADDRESS=direct: where container IPs are not routed to this machine, such as Docker Desktop, rootless or remote engines, set EWC_CONTAINER_ADDRESS=published)'
    : '';
