/**
 * Docker contexts as the docker CLI stores them (~/.docker/contexts/meta/<sha256(name)>/meta.json,
 * TLS files under contexts/tls/<sha256(name)>/docker): testcontainers does not read them, so the
 * context in effect is turned into DOCKER_HOST for it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface DockerContext {
  name: string;
  host: string;
  tlsDir?: string;
}

/** The docker CLI's context in effect (DOCKER_CONTEXT, else config.json's currentContext), unless 'default'. */
export function currentDockerContext(env: NodeJS.ProcessEnv = process.env): DockerContext | undefined {
  const configDir = env.DOCKER_CONFIG ?? path.join(env.HOME ?? os.homedir(), '.docker');
  let name = env.DOCKER_CONTEXT;
  if (!name) {
    try {
      name = (JSON.parse(fs.readFileSync(path.join(configDir, 'config.json'), 'utf8')) as { currentContext?: string }).currentContext;
    } catch {
      return undefined;
    }
  }
  if (!name || name === 'default') return undefined;
  // The CLI stores a context under the sha256 of its name.
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = path.join(configDir, 'contexts', 'meta', id, 'meta.json');
  let meta: { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } };
  try {
    meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as typeof meta;
  } catch (e) {
    throw new Error(`docker context "${name}" is selected but ${metaFile} cannot be read (${(e as Error).message})`);
  }
  const host = meta.Endpoints?.docker?.Host;
  if (!host) throw new Error(`docker context "${name}" has no docker endpoint in ${metaFile}`);
  const tlsDir = path.join(configDir, 'contexts', 'tls', id, 'docker');
  return { name, host, tlsDir: fs.existsSync(path.join(tlsDir, 'ca.pem')) ? tlsDir : undefined };
}

/**
 * Turns the docker context in effect into DOCKER_HOST (and its TLS settings) when DOCKER_HOST is not
 * set, before any client exists: the runner, its workers and child commands inherit it, so every
 * process of a run talks to the same engine. A context that cannot be read is remembered in
 * EWC_DOCKER_CONTEXT_ERROR and reported by the engine check, with the file that is missing.
 */
export function applyDockerContext(env: NodeJS.ProcessEnv = process.env): void {
  if (env.DOCKER_HOST || env.EWC_DOCKER_CONTEXT_ERROR) return;
  let ctx: DockerContext | undefined;
  try {
    ctx = currentDockerContext(env);
  } catch (e) {
    env.EWC_DOCKER_CONTEXT_ERROR = (e as Error).message;
    return;
  }
  if (!ctx) return;
  env.DOCKER_HOST = ctx.host;
  env.EWC_DOCKER_CONTEXT = ctx.name;
  if (ctx.tlsDir) {
    env.DOCKER_TLS_VERIFY = '1';
    env.DOCKER_CERT_PATH = ctx.tlsDir;
  }
}

