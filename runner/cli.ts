/**
 * What the commands (scripts/, bench/) share on their command line: their arguments read with
 * node:util parseArgs, the usage error (exit 2), proxy project ids and filter implementation ids
 * checked with the known ones named.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { istioWiringProjects, loadEntries } from '../envoy-versions';
import { candidateEntriesSync } from '../engine/release-index';
import { type FilterImplementation, implementationById, UnknownImplementationError } from '../implementations';

/** Prints `[tag] why` and the usage text, exits 2. */
export function usageError(tag: string, usage: string, why: string): never {
  console.error(`[${tag}] ${why}\nusage: ${usage}`);
  process.exit(2);
}

/** One option of a command: a flag, or one that takes a value (`--name value` or `--name=value`). */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** A string option that may be given more than once (its values in order). */
  multiple?: boolean;
  /** The message when the value is missing (default: `--<name> needs a value`). */
  needs?: string;
}

type Values<S extends Record<string, OptionSpec>> = {
  [K in keyof S]?: S[K]['type'] extends 'string' ? (S[K]['multiple'] extends true ? string[] : string) : boolean;
};

export interface ArgsPolicy {
  /** Arguments that are no option are the command's operands (default: refused as unknown). */
  positionals?: boolean;
  /** Keep every argument that is not one of the options, in order, as given (`rest`), instead of refusing it. */
  passThrough?: boolean;
  /** Refuse all unknown arguments at once, after reading them all (default: the first one, where it stands). */
  collectUnknown?: boolean;
  /** The message for unknown arguments (default: `unknown argument <first>`). */
  unknown?: (args: string[]) => string;
}

export interface CommandArgs<S extends Record<string, OptionSpec>> {
  values: Values<S>;
  positionals: string[];
  /** With passThrough: every argument that is none of the options, in order, as given. */
  rest: string[];
}

/**
 * A command's arguments, read by node:util parseArgs. The first problem, in argument order (an
 * unknown argument, a value missing), is given to `fail` with its message; `fail` does not return
 * (usageError, or a throw the command reports). A value is the next argument whatever it looks like
 * (`--out -x` gives `-x`), as the commands always read it; `--` is an unknown argument.
 */
export function readArgs<S extends Record<string, OptionSpec>>(argv: string[], spec: S, fail: (why: string) => never, policy: ArgsPolicy = {}): CommandArgs<S> {
  const options = Object.fromEntries(Object.entries(spec).map(([name, o]) => [name, { type: o.type, ...(o.multiple ? { multiple: true } : {}) }]));
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const rest: string[] = [];
  const unknown: string[] = [];
  const seen = new Set<number>();
  const other = (index: number): void => {
    // A group of short options (-abc) is one argument, seen once.
    if (seen.has(index)) return;
    seen.add(index);
    if (policy.passThrough) rest.push(argv[index]);
    else if (policy.collectUnknown) unknown.push(argv[index]);
    else fail((policy.unknown ?? defaultUnknown)([argv[index]]));
  };
  let terminated = false;
  for (const t of tokens) {
    if (t.kind === 'option-terminator') {
      terminated = true;
      other(t.index);
    } else if (t.kind === 'positional') {
      if (policy.positionals && !terminated) positionals.push(t.value);
      else other(t.index);
    } else {
      const o = Object.hasOwn(spec, t.name) ? spec[t.name] : undefined;
      // A flag never takes a value: `--strict=yes` is no option of the command.
      if (!o || (o.type === 'boolean' && t.value !== undefined)) other(t.index);
      else if (o.type === 'boolean') values[t.name] = true;
      else if (t.value === undefined) fail(o.needs ?? `${t.rawName} needs a value`);
      else if (o.multiple) values[t.name] = [...((values[t.name] as string[] | undefined) ?? []), t.value];
      else values[t.name] = t.value;
    }
  }
  if (unknown.length) fail((policy.unknown ?? defaultUnknown)(unknown));
  return { values: values as Values<S>, positionals, rest };
}

const defaultUnknown = (args: string[]): string => `unknown argument ${args[0]}`;

/** readArgs for a command whose bad arguments are a usage error: `[tag] why`, the usage, exit 2. */
export function commandArgs<S extends Record<string, OptionSpec>>(tag: string, usage: string, argv: string[], spec: S, policy: ArgsPolicy = {}): CommandArgs<S> {
  return readArgs(argv, spec, (why) => usageError(tag, usage, why), policy);
}

/** The implementation `id` names; an unknown id goes to `fail` as `<prefix>unknown filter implementation "<id>". Known: …`. */
export function implementationNamed(id: string, fail: (why: string) => never, prefix = ''): FilterImplementation {
  try {
    return implementationById(id);
  } catch (e) {
    if (e instanceof UnknownImplementationError) fail(`${prefix}${e.message}`);
    throw e;
  }
}

/** Every Playwright project that runs a proxy: entry ids, the candidate columns of EWC_CANDIDATES, and the istio `-wiring` projects. */
export function proxyProjectIds(): string[] {
  const all = loadEntries();
  const candidates = candidateEntriesSync(all);
  return [...all.map((e) => e.id), ...candidates.map((e) => e.id), ...istioWiringProjects([...all, ...candidates], all).map((p) => p.name)];
}

/** The candidate columns EWC_CANDIDATES adds (resolved once per run), by id. */
export function candidateIds(): string[] {
  return candidateEntriesSync(loadEntries()).map((e) => e.id);
}

/** The message for an id that is not a proxy project, or null when it is one. */
export function unknownProjectMessage(id: string): string | null {
  const known = proxyProjectIds();
  return known.includes(id) ? null : `unknown version id "${id}". Known ids: ${known.join(', ')}`;
}

/** A path as a user would type it here: relative when under the working directory, else absolute. */
export function shownPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}
