/**
 * Cases sharing one Envoy: a case's listeners never replace the worker Envoy's default listener.
 * They are added beside it, each on a port, name, vm_id and extension config of the case's own, and
 * removed when the case ends without waiting for their drain: what a removed listener still does
 * while it drains (ticks, callouts, log lines) carries its own vm_id and the earlier case's service
 * paths, so the next case can tell it apart. A case addresses its listeners by the ports it names
 * (LISTENER_PORT, SECOND_LISTENER_PORT); this plan says where they really are. Pure: no I/O.
 */
import { DEFAULT_VM_ID, LISTENER_PORT, type ListenerOptions, SECOND_LISTENER_PORT } from './bootstrap';
import { WIRINGS } from './wiring';

/** The ports a case names, in order: the main one and the second. */
export const CASE_LOGICAL_PORTS = [LISTENER_PORT, SECOND_LISTENER_PORT] as const;

/** First port of the case listeners' pool. */
export const CASE_PORT_BASE = 10100;
/**
 * Slots in the pool: consecutive cases take consecutive slots, so a port is used again only
 * CASE_SLOTS cases later, long after the listener that had it drained (1 s).
 */
export const CASE_SLOTS = 8;

/** Every port of the pool (published up front where containers are reached through host ports). */
export const CASE_PORTS: number[] = Array.from({ length: CASE_SLOTS * CASE_LOGICAL_PORTS.length }, (_, i) => CASE_PORT_BASE + i);

/** Where a case's listeners are: its n-th case on this Envoy, and its tag (what makes its vm_ids its own). */
export interface CaseSlot {
  seq: number;
  tag: string;
}

export interface CaseListenerPlan {
  /** The listeners as written beside the default one. */
  listeners: ListenerOptions[];
  /** Port the case names -> the port its listener has. */
  ports: Map<number, number>;
  /** vm_id of the listener on the case's main port. */
  mainVmId: string;
}

/** The port a case's `logical` port has in `slot`. */
export function casePort(slot: CaseSlot, logical: number): number {
  const index = CASE_LOGICAL_PORTS.indexOf(logical as (typeof CASE_LOGICAL_PORTS)[number]);
  if (index < 0) throw new Error(`a case listener is on port ${LISTENER_PORT} or ${SECOND_LISTENER_PORT}, not ${logical}`);
  return CASE_PORT_BASE + (slot.seq % CASE_SLOTS) * CASE_LOGICAL_PORTS.length + index;
}

/**
 * The case's listeners (as it states them: ports it names, vm_ids it chose or none) placed in its
 * slot. A vm_id the case did not choose becomes the default's with the case tag: a VM (and so
 * shared data) of the case's own, the same across the case's reconfigurations.
 */
export function planCaseListeners(slot: CaseSlot, given: ListenerOptions[]): CaseListenerPlan {
  const ports = new Map<number, number>();
  const listeners = given.map((l) => {
    const logical = l.port ?? LISTENER_PORT;
    if (ports.has(logical)) throw new Error(`two of the case's listeners name port ${logical}`);
    const port = casePort(slot, logical);
    ports.set(logical, port);
    const w = l.wiring ?? WIRINGS.plain;
    const suffix = `case${slot.seq}${logical === LISTENER_PORT ? '' : `.${logical}`}`;
    return { ...l, port, name: `${l.name ?? w.listenerName}.${suffix}`, vmId: l.vmId ?? `${DEFAULT_VM_ID}.${slot.tag}`, extensionConfigName: `${w.ecdsName}.${suffix}` };
  });
  const main = listeners.find((_, i) => (given[i].port ?? LISTENER_PORT) === LISTENER_PORT);
  return { listeners, ports, mainVmId: main?.vmId ?? DEFAULT_VM_ID };
}
