/**
 * How Envoy gets the filter, as production delivers it (a setting, like the version and the
 * implementation): `local` names a file in the listener; `remote` fetches the module over HTTP from
 * a code server (another process) and checks its sha256; `ecds` declares the HTTP filter with
 * `config_discovery` and serves its TypedExtensionConfig from a watched file, as Istio's WasmPlugin
 * does. A case that changes the plugin configuration changes the extension config under `ecds`
 * (no listener change, so no drain) and the listener under the other two.
 * This module decides (a pure plan: which listener carries the code, which extension configs exist);
 * config-files.ts writes what it decides, bootstrap.ts renders.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { CodeServerClient } from '../peer/client';
import { CODE_PORT } from '../peer/protocol';
import type { ListenerOptions, RemoteCode, WasmFilterOptions } from './bootstrap';
import { LISTENER_PORT } from './bootstrap';
import { WIRINGS } from './wiring';

export const DELIVERY_MODES = ['local', 'remote', 'ecds'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export const DELIVERY_DESCRIPTIONS: Record<DeliveryMode, string> = {
  local: 'vm_config.code.local: a file named in the listener',
  remote: 'vm_config.code.remote: fetched over HTTP from a code server (another container) and checked against its sha256',
  ecds: 'config_discovery: the HTTP filter names an extension config, served (TypedExtensionConfig) from a watched file',
};

export class UnknownDeliveryError extends Error {}

/** The mode EWC_DELIVERY names (unset or empty: local); an unknown one is an error naming the known ones. */
export function selectDelivery(value: string | undefined): DeliveryMode {
  const v = value?.trim() || 'local';
  if (!(DELIVERY_MODES as readonly string[]).includes(v)) throw new UnknownDeliveryError(`unknown delivery mode "${v}". Known: ${DELIVERY_MODES.join(', ')}`);
  return v as DeliveryMode;
}

/** Where remote modules live: the code server's name on the run's network, and its control client. */
export interface CodeServer {
  host: string;
  client: CodeServerClient;
}

export const codeServerAddress = (host: string): { host: string; port: number } => ({ host, port: CODE_PORT });

const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The sha256 (hex) a remote code source names a module file by. */
export const moduleSha256 = (file: string): string => sha256Of(fs.readFileSync(file));

/**
 * Stores a module on the code server under its sha256 (content-addressed, so a URL never changes
 * meaning) and returns the `code.remote` a listener names it with.
 */
export async function publishModule(server: CodeServer, file: string, opts: Pick<RemoteCode, 'numRetries' | 'timeoutMs'> = {}): Promise<RemoteCode> {
  return publishBytes(server, fs.readFileSync(file), opts);
}

export async function publishBytes(server: CodeServer, bytes: Uint8Array, opts: Pick<RemoteCode, 'numRetries' | 'timeoutMs'> = {}): Promise<RemoteCode> {
  const sha256 = sha256Of(bytes);
  const name = `${sha256}.wasm`;
  await server.client.storeModule(name, bytes);
  return { uri: `http://${server.host}:${CODE_PORT}/modules/${name}`, sha256, ...opts };
}

/**
 * The module with a custom section naming `tag` appended: the same code under another sha256. Envoy
 * caches fetched modules (and failed fetches) by sha256, so a case about fetching needs one it has
 * never seen.
 */
export function distinctModule(file: string, tag: string): Buffer {
  const name = Buffer.from('ewc-tag');
  const payload = Buffer.from(tag);
  const body = Buffer.concat([leb128(name.length), name, payload]);
  return Buffer.concat([fs.readFileSync(file), Buffer.from([0]), leb128(body.length), body]);
}

function leb128(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}

/** The extension config name of a listener under ECDS: the wiring's, per port (two listeners, two configs). */
export function extensionConfigName(o: ListenerOptions): string {
  if (o.extensionConfigName) return o.extensionConfigName;
  const base = (o.wiring ?? WIRINGS.plain).ecdsName;
  return (o.port ?? LISTENER_PORT) === LISTENER_PORT ? base : `${base}.${o.port}`;
}

/** An extension config (ECDS resource): its name and the wasm filter it carries. */
export interface ExtensionConfigOptions extends WasmFilterOptions {
  name: string;
}

/** What Envoy is to be given for a set of listeners under one delivery mode. */
export interface DeliveryPlan {
  /** The listeners as written: under ECDS each names its extension config and carries no code. */
  listeners: ListenerOptions[];
  /** The extension configs those listeners name, each with the module and plugin configuration. */
  extensionConfigs: ExtensionConfigOptions[];
  /** Port -> the extension config name its listener names (ECDS delivery only). */
  configNames: Map<number, string>;
}

/**
 * Under `ecds`, every listener that does not already name an extension config gets one of its own
 * (the wiring's name, per port) and the module goes there; under `local` and `remote` the listener
 * carries the module itself (a listener naming an extension config keeps naming it).
 */
export function planDelivery(mode: DeliveryMode, listeners: ListenerOptions[]): DeliveryPlan {
  const plan: DeliveryPlan = { listeners: [], extensionConfigs: [], configNames: new Map() };
  for (const o of listeners) {
    if (mode !== 'ecds' || o.configDiscovery) {
      plan.listeners.push(o);
      continue;
    }
    const name = extensionConfigName(o);
    plan.configNames.set(o.port ?? LISTENER_PORT, name);
    plan.extensionConfigs.push({ ...o, name });
    plan.listeners.push({ ...o, codePath: undefined, remoteCode: undefined, configDiscovery: { name } });
  }
  return plan;
}
