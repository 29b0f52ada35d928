/**
 * The committed corpus of header-service answers (fuzz/corpus.json, made by fuzz/make-corpus.ts
 * from the oracle), as steps the contract-corpus suite serves one after another on one callout path:
 * each step's answer, and what may show that it took effect (its refusal line, or `callout ok` and
 * the set then injected). The file is read as data: nothing of fuzz/ is imported here.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HeaderServiceBehaviour } from '../peer/protocol';

/** Which entries run: one per class (`subset`, every column) or all real Envoy can show (`full`, EWC_CORPUS=full). */
export type CorpusMode = 'subset' | 'full';

type CorpusLine = { exact: string } | { pattern: string; shown: string };
type CorpusVerdict = { injected: Array<[string, string]> } | { refused: CorpusLine };
interface CorpusEntry {
  id: string;
  class: string;
  status: number;
  bodyBase64: string;
  everyColumn: boolean;
  expected: { verdict: 'exact'; is: CorpusVerdict } | { verdict: 'open'; questions: string[]; anyOf: CorpusVerdict[] };
  notInEnvoy?: string;
}

export const CORPUS_FILE = path.join(__dirname, '..', 'fuzz', 'corpus.json');

/** Header pairs as the echo reports them (byte strings, latin1), sorted as addedHeaders sorts them. */
export type HeaderPairs = Array<[string, string]>;
export const sortedPairs = (pairs: HeaderPairs): HeaderPairs => pairs.slice().sort(([a, av], [b, bv]) => a.localeCompare(b) || av.localeCompare(bv));
const sameSet = (a: HeaderPairs, b: HeaderPairs): boolean => JSON.stringify(sortedPairs(a)) === JSON.stringify(sortedPairs(b));

/** A refusal line the step may log (after `header-augmenter: `). */
interface Refusal {
  test: (message: string) => boolean;
  shown: string;
  /** The text every line it takes starts with (for telling two steps' lines apart before either is seen). */
  fixed: string;
}

/** One answer served to the filter, and the outcomes the oracle allows for it. */
export interface CorpusStep {
  id: string;
  /** The corpus class (or `separator`). */
  cls: string;
  behaviour: HeaderServiceBehaviour;
  /** Refusal lines it may give; empty when it must be accepted. */
  refusals: Refusal[];
  /** The sets it may become (byte strings, sorted); empty when it must be refused. */
  sets: HeaderPairs[];
  /** The questions of the contract its verdict leans on (asserted only as "refused or injected, never half"). */
  questions: string[];
  /** What the oracle says, for failure messages. */
  shown: string;
}

/** The `callout ok` line of an accepted set of `n` headers. */
const okLine = (n: number): string => `callout ok: status=200 headers=${n}`;

/** Whether a filter message is one of this step's outcome lines (a refusal it may log, or the `callout ok` of a set it may become). */
export const isOutcomeOf = (step: CorpusStep, message: string): boolean => step.refusals.some((r) => r.test(message)) || step.sets.some((s) => message === okLine(s.length));

const bytesOf = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

function stepOf(e: CorpusEntry): CorpusStep {
  const verdicts = e.expected.verdict === 'exact' ? [e.expected.is] : e.expected.anyOf;
  const refusals: Refusal[] = [];
  const sets: HeaderPairs[] = [];
  for (const v of verdicts) {
    if ('injected' in v) sets.push(sortedPairs(v.injected.map(([n, t]): [string, string] => [n, bytesOf(t)])));
    else if ('exact' in v.refused) {
      const line = v.refused.exact;
      refusals.push({ test: (m) => m === line, shown: line, fixed: line });
    } else {
      const re = new RegExp(v.refused.pattern, 's');
      refusals.push({ test: (m) => re.test(m), shown: v.refused.shown, fixed: v.refused.shown.slice(0, v.refused.shown.indexOf('<')) });
    }
  }
  const shown = [...refusals.map((r) => `refused: ${r.shown}`), ...sets.map((s) => `injected: ${JSON.stringify(s)}`)].join(' | or | ');
  return { id: e.id, cls: e.class, behaviour: { status: e.status, headers: {}, rawBodyBase64: e.bodyBase64 }, refusals, sets, questions: e.expected.verdict === 'open' ? e.expected.questions : [], shown };
}

/** The case groups of the contract-corpus suite: each is one plugin configuration serving its classes' answers in turn. */
export const CORPUS_GROUPS = [
  { title: 'JSON grammar (valid sets, whitespace, escapes, values that are no string, roots, structure)', classes: ['valid', 'whitespace', 'escape', 'value-type', 'root', 'structure'] },
  { title: 'UTF-8, names, values and duplicates', classes: ['utf8', 'name', 'value', 'duplicate'] },
  { title: 'sizes, statuses and answers with several bad members', classes: ['size', 'status', 'mixed'] },
] as const;

/** The state a step leaves: its outcome line and the set then in force. */
export interface CorpusOutcome {
  line: string;
  inForce: HeaderPairs;
}

/**
 * Whether `next` could be mistaken for the outcome `prev` left: a line of `prev`'s answer still in
 * flight past the mark would pass for `next`'s (the same refusal line, or a `callout ok` where
 * `next` may also be refused), or the set in force already is one `next` may become.
 */
export function mistakable(prev: CorpusOutcome, next: CorpusStep): boolean {
  if (next.sets.some((s) => sameSet(s, prev.inForce))) return true;
  if (next.refusals.some((r) => r.test(prev.line))) return true;
  return next.refusals.length > 0 && next.sets.some((s) => prev.line === okLine(s.length));
}

/** The same, before either step ran: every line `prev` may log against every line `next` may. */
function mayBeMistaken(prev: CorpusStep, next: CorpusStep): boolean {
  if (prev.sets.some((p) => next.sets.some((s) => sameSet(s, p)))) return true;
  const overlap = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);
  if (prev.refusals.some((p) => next.refusals.some((r) => overlap(p.fixed, r.fixed)))) return true;
  return next.refusals.length > 0 && prev.sets.some((p) => next.sets.some((s) => p.length === s.length));
}

/**
 * A step between two answers that could be mistaken for each other: a fresh set of its own
 * (`x-corpus-step-<i>` names), with as many headers as none of `next`'s sets has.
 */
export function separatorBefore(next: CorpusStep, value: string): CorpusStep {
  let n = 1;
  while (next.sets.some((s) => s.length === n)) n++;
  const set = sortedPairs(Array.from({ length: n }, (_, i): [string, string] => [`x-corpus-step-${i}`, value]));
  return { id: `separator (${value})`, cls: 'separator', behaviour: { status: 200, headers: Object.fromEntries(set) }, refusals: [], sets: [set], questions: [], shown: `injected: ${JSON.stringify(set)}` };
}

let loaded: CorpusEntry[] | undefined;
const corpusEntries = (): CorpusEntry[] => (loaded ??= (JSON.parse(fs.readFileSync(CORPUS_FILE, 'utf8')) as { entries: CorpusEntry[] }).entries);

/**
 * The steps of one group, in an order where no answer follows one it could be mistaken for where
 * avoidable (the case puts a separator between the rest): the entries real Envoy can show,
 * everyColumn ones only in `subset` mode.
 */
export function corpusSteps(classes: readonly string[], mode: CorpusMode): CorpusStep[] {
  const left = corpusEntries()
    .filter((e) => classes.includes(e.class) && !e.notInEnvoy && (mode === 'full' || e.everyColumn))
    .map(stepOf);
  const ordered: CorpusStep[] = [];
  while (left.length) {
    const prev = ordered.at(-1);
    const at = prev ? left.findIndex((s) => !mayBeMistaken(prev, s)) : 0;
    ordered.push(...left.splice(Math.max(at, 0), 1));
  }
  return ordered;
}
