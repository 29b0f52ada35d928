/** Small command-line helpers shared by the scripts that take a proxy id (gate, repro). */
import { istioWiringProjects, loadEntries } from '../envoy-versions';

/** The value after `--name`, if given. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Prints `[tag] why` and the usage text, exits 2. */
export function usageError(tag: string, usage: string, why: string): never {
  console.error(`[${tag}] ${why}\nusage: ${usage}`);
  process.exit(2);
}

/** Every Playwright project that runs a proxy: entry ids and the istio `-wiring` projects. */
export function proxyProjectIds(): string[] {
  const all = loadEntries();
  return [...all.map((e) => e.id), ...istioWiringProjects(all, all).map((p) => p.name)];
}

/** The message for an id that is not a proxy project, or null when it is one. */
export function unknownProjectMessage(id: string): string | null {
  const known = proxyProjectIds();
  return known.includes(id) ? null : `unknown version id "${id}". Known ids: ${known.join(', ')}`;
}
