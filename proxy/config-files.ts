/**
 * The files Envoy watches: the host directory bind-mounted at DYNAMIC_DIR_IN_CONTAINER holds the
 * listeners (LDS) and, under ECDS delivery, one file per extension config. Each file is written by
 * rename, so Envoy's watcher sees one complete file per update, and only when its resource changed:
 * under ECDS a new plugin configuration is an extension config update and the listener is not
 * touched (no drain). What goes in the files is delivery.ts's plan, rendered by bootstrap.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScratchDirPrefix } from '../engine/ownership';
import { buildEcdsFile, buildLdsFile, buildListener, DYNAMIC_DIR_IN_CONTAINER, ecdsFile, extensionConfig, LDS_FILE, type ListenerOptions, type WasmFilterOptions } from './bootstrap';
import { type CodeServer, type DeliveryMode, type ExtensionConfigOptions, moduleSha256, planDelivery, publishModule } from './delivery';
import type { Wiring } from './wiring';

/** What one write changed: the listeners, and which extension configs (by name). */
export interface ConfigWrite {
  lds: boolean;
  ecds: string[];
}

export class ConfigFiles {
  /** Made by EnvoyContainer.start(), not before: a container that is never started leaves nothing on disk. */
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), runScratchDirPrefix()));
  private version = 0;
  private ldsResources = '';
  /** Extension config name -> its resource as written ('' for a file without one). */
  private readonly ecdsResources = new Map<string, string>();
  /** Under ECDS delivery: the extension config name of each listener port, from the last write. */
  readonly configNames = new Map<number, string>();
  /** The wiring the Envoy started with: a later listener that names none is wired the same way. */
  private wiring: Wiring | undefined;
  /** The LDS file in force (attached on failure). */
  current = '';

  constructor(
    readonly delivery: DeliveryMode,
    /** The module a listener without a codePath loads (host path), for remote delivery. */
    private readonly defaultModule: string | undefined,
    private readonly codeServer: CodeServer | undefined,
  ) {}

  /** The bootstrap, beside the watched files (bind-mounted on its own path): its host path. */
  writeBootstrap(yaml: string): string {
    const file = path.join(this.dir, 'bootstrap.yaml');
    fs.writeFileSync(file, yaml);
    return file;
  }

  /** Writes the listeners (and under ECDS delivery their extension configs); a listener without a wiring gets the first one's. */
  async write(opts: ListenerOptions | ListenerOptions[]): Promise<ConfigWrite> {
    const list = Array.isArray(opts) ? opts : [opts];
    this.wiring ??= list.find((o) => o.wiring)?.wiring;
    const plan = planDelivery(this.delivery, list.map((o) => ({ ...o, wiring: o.wiring ?? this.wiring })));
    for (const [port, name] of plan.configNames) this.configNames.set(port, name);
    // Extension configs first: a new listener naming one finds it in place.
    const ecds = await this.writeExtensionConfigs(plan.extensionConfigs);
    const listeners: object[] = [];
    for (const o of plan.listeners) {
      // A listener naming an extension config needs its file to exist (else Envoy rejects the listener).
      if (o.configDiscovery && !this.ecdsResources.has(o.configDiscovery.name)) this.writeEcds(o.configDiscovery.name, '');
      listeners.push(buildListener(o.configDiscovery ? o : await this.placeCode(o)));
    }
    const body = JSON.stringify(listeners);
    if (body === this.ldsResources) return { lds: false, ecds };
    this.ldsResources = body;
    this.current = buildLdsFile(listeners, ++this.version);
    this.replace(LDS_FILE, this.current);
    return { lds: true, ecds };
  }

  /** Writes extension configs (ECDS resources), one file each; returns the names whose resource changed. */
  async writeExtensionConfigs(configs: ExtensionConfigOptions[]): Promise<string[]> {
    const changed: string[] = [];
    for (const c of configs) {
      const text = JSON.stringify(extensionConfig(c.name, await this.placeCode(c)));
      if (this.ecdsResources.get(c.name) === text) continue;
      this.writeEcds(c.name, text);
      changed.push(c.name);
    }
    return changed;
  }

  /** Every extension config file in force, for the failure attachments. */
  extensionConfigYaml(): string {
    return [...this.ecdsResources.keys()].map((name) => `# ${ecdsFile(name)}\n${fs.readFileSync(path.join(this.dir, ecdsFile(name)), 'utf8')}`).join('\n');
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** A codePath on the host, copied into the mounted dir and named there; or, under remote delivery, published. */
  private async placeCode(o: WasmFilterOptions): Promise<WasmFilterOptions> {
    if (o.remoteCode) return o;
    if (this.delivery === 'remote') {
      const file = o.codePath ?? this.defaultModule;
      if (!file || !this.codeServer) throw new Error('remote delivery needs the module file and a code server');
      return { ...o, codePath: undefined, remoteCode: await publishModule(this.codeServer, file) };
    }
    if (!o.codePath) return o;
    // Named by content too: two builds share a basename (filter/build/filter.wasm, filter/build/rust/filter.wasm).
    const file = `${path.basename(o.codePath, '.wasm')}-${moduleSha256(o.codePath).slice(0, 12)}.wasm`;
    fs.copyFileSync(o.codePath, path.join(this.dir, file));
    return { ...o, codePath: `${DYNAMIC_DIR_IN_CONTAINER}/${file}` };
  }

  private writeEcds(name: string, resource: string): void {
    this.ecdsResources.set(name, resource);
    this.replace(ecdsFile(name), buildEcdsFile(resource ? (JSON.parse(resource) as object) : undefined, ++this.version));
  }

  private replace(file: string, text: string): void {
    const tmp = path.join(this.dir, `.${file}.tmp`);
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, path.join(this.dir, file));
  }
}
