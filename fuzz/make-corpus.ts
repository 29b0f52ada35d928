/**
 * The committed corpus (`fuzz/corpus.json`): generated header-service answers, one representative
 * per class and near-miss class of fuzz/answers.ts (drawn with a fixed seed), plus hand-written
 * edges the issue names, each with the verdict the ORACLE (fuzz/oracle.ts) gives it: the exact set
 * injected, or the exact refusal line; where the contract is silent (the oracle's QUESTIONS), every
 * verdict it allows, with the questions named. Never computed by running a filter.
 *
 * `npx tsx fuzz/make-corpus.ts` rewrites corpus.json; `--check` only says whether it is what this
 * script makes today (exit 1 when not). Deterministic: same fast-check version, same corpus.
 * suites/contract-corpus.spec.ts runs it through real Envoy; tests/corpus.spec.ts checks it.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { bodyBytes, CLASSES, cpBytes, type FuzzCase, fuzzCase, utf8 } from './answers';
import { type AnswerVerdict, type ByteHeaders, expectAnswer, type LineRule, QUESTIONS, type QuestionId } from './oracle';

export const CORPUS_FILE = path.join(__dirname, 'corpus.json');
/** The seed and the number of generated answers the representatives are drawn from. */
export const CORPUS_SEED = 23;
export const CORPUS_DRAWS = 20000;

/** A refusal line after `header-augmenter: `: exact, or (where the contract leaves part of it open) a pattern. */
export type CorpusLine = { exact: string } | { pattern: string; shown: string };
/** One verdict: the set injected (names lowercased; values as UTF-8 text, which the contract requires of them), or the refusal line. */
export type CorpusVerdict = { injected: Array<[string, string]> } | { refused: CorpusLine };

export interface CorpusEntry {
  id: string;
  /** The class of fuzz/answers.ts (CLASSES), the part before `/` of `detail`. */
  class: string;
  /** `<class>/<detail>` of the generator, or `<class>/edge-<name>` for a hand-written one. */
  detail: string;
  status: number;
  bodyBase64: string;
  /** Run on every column (one entry per class); the rest run with EWC_CORPUS=full. */
  everyColumn: boolean;
  /** The oracle's verdict: exact (`injected` / `refused`), or `open` where the contract is silent. */
  expected: { verdict: 'exact'; is: CorpusVerdict } | { verdict: 'open'; questions: QuestionId[]; anyOf: CorpusVerdict[] };
  /** Why real Envoy cannot show the verdict (the entry stays out of the real-Envoy suite), if so. */
  notInEnvoy?: string;
}

export interface Corpus {
  about: string;
  seed: number;
  draws: number;
  entries: CorpusEntry[];
  /** Ids of the entries whose verdict leans on a question of the contract (asserted only as "refused or injected, never half"). */
  open: Record<string, QuestionId[]>;
}

// ---------------------------------------------------------------------------------------------
// The hand-written edges (issue 23): bodies as byte strings (latin1).

const many = (n: number): string => `{${Array.from({ length: n }, (_, i) => `"x-c${i}":"${i}"`).join(',')}}`;
/** `{"x-e":"<unit * k><pad>"}` whose name and value come to `bytes` decoded bytes. */
const sized = (unit: string, bytes: number): string => {
  const k = Math.floor((bytes - 3) / unit.length);
  return `{"x-e":"${unit.repeat(k)}${'a'.repeat(bytes - 3 - k * unit.length)}"}`;
};
/** A body of exactly `n` bytes: a member with multi-byte text, then blanks. */
const bodyOf = (n: number): string => {
  const head = `{"x-b":"${utf8('é€😀')}"`;
  return head + ' '.repeat(n - head.length - 1) + '}';
};

const EDGES: Array<[cls: string, name: string, body: string, status?: number]> = [
  ['whitespace', 'tab-lf-cr', '\t{\n"x-ws"\r:\t"v"\r\n,\n"x-ws2" : "w"\t}\r\n'],
  ['whitespace', 'ff-before-member', '{\f"x-ws":"v"}'],
  ['whitespace', 'vt-after-colon', '{"x-ws":\v"v"}'],
  ['whitespace', 'nbsp-before-brace', `{"x-ws":"v"${cpBytes(0xa0)}}`],
  ['escape', 'u-above-7f', '{"x-esc":"\\u00e9\\u00E9\\u07ff\\u0800\\u20ac\\uffff"}'],
  ['escape', 'surrogate-pairs', '{"x-esc":"\\ud83d\\ude00\\uD83D\\uDE80\\ud800\\udc00\\udbff\\udfff"}'],
  ['escape', 'all-simple', '{"x-esc":"\\"\\\\\\/\\tz"}'],
  ['escape', 'escaped-name', '{"\\u0078-\\u0045sc":"v"}'],
  ['escape', 'lone-high-then-end', '{"x-esc":"a\\ud83d"}'],
  ['escape', 'newline-escape', '{"x-esc":"a\\nb"}'],
  ['value-type', 'number-exponent', '{"x-n":1e999}'],
  ['value-type', 'number-negative-zero', '{"x-n":-0.0}'],
  ['value-type', 'number-leading-zero', '{"x-n":01}'],
  ['value-type', 'nesting-5', '{"x-d":[[[[["x"]]]]]}'],
  ['value-type', 'nesting-31', `{"x-d":${'['.repeat(31)}"x"${']'.repeat(31)}}`],
  ['value-type', 'nesting-32', `{"x-d":${'['.repeat(32)}"x"${']'.repeat(32)}}`],
  ['value-type', 'nesting-40', `{"x-d":${'['.repeat(40)}${']'.repeat(40)}}`],
  ['value-type', 'line-break-in-key', '{"x-key\\nforged":1}'],
  ['root', 'array-of-object', '[{"x-a":"v"}]'],
  ['structure', 'trailing-x', '{"x-t":"v"}x'],
  ['structure', 'trailing-object', '{"x-t":"v"}{}'],
  ['structure', 'trailing-blanks', '{"x-t":"v"} \r\n\t'],
  ['structure', 'trailing-nul', '{"x-t":"v"}\0'],
  ['utf8', 'cut-at-string-end', '{"x-u":"caf\xc3"}'],
  ['utf8', 'cut-3-at-string-end', '{"x-u":"\xe2\x82"}'],
  ['utf8', 'cut-at-body-end', '{"x-u":"caf\xc3'],
  ['utf8', 'overlong-slash', '{"x-u":"a\xc0\xafb"}'],
  ['utf8', 'overlong-3', '{"x-u":"\xe0\x80\xaf"}'],
  ['utf8', 'overlong-4', '{"x-u":"\xf0\x80\x80\xaf"}'],
  ['utf8', 'encoded-surrogate-high', '{"x-u":"\xed\xa0\x80"}'],
  ['utf8', 'encoded-surrogate-pair', '{"x-u":"\xed\xa0\xbd\xed\xb8\x80"}'],
  ['utf8', 'in-name', '{"x-\xc3":"v"}'],
  ['utf8', 'well-formed-1-to-4', `{"x-u":"${utf8('aé€😀')}"}`],
  ['name', 'Host', '{"Host":"evil"}'],
  ['name', 'HOST', '{"x-a":"v","HOST":"evil"}'],
  ['name', 'hOsT', '{"hOsT":"evil","x-a":"v"}'],
  ['name', 'Content-Length', '{"Content-Length":"0"}'],
  ['name', 'CONTENT-LENGTH', '{"CONTENT-LENGTH":"0"}'],
  ['name', 'content-LENGTH', '{"content-LENGTH":"5"}'],
  ['name', 'Transfer-Encoding', '{"Transfer-Encoding":"chunked"}'],
  ['name', 'TE', '{"TE":"trailers"}'],
  ['name', 'Connection', '{"Connection":"close"}'],
  ['name', 'escaped-Host', '{"\\u0048ost":"evil"}'],
  ['name', 'escaped-Content-Length', '{"Content\\u002dLength":"1"}'],
  ['name', 'quote-in-key', '{"x-\\"q":"v"}'],
  ['name', 'kelvin-sign', '{"\\u212a-x":"v"}'],
  ['name', 'line-break-in-key', '{"x-a\\r\\nx-forged":"v"}'],
  ['name', 'del-quote-backslash-in-key', '{"x\\u007f\\"\\\\":"v"}'],
  ['name', 'hosts-near-miss', '{"Hosts":"v","Content-Lengths":"1"}'],
  ['value', 'tab-inside', '{"x-v":"a\\tb\tc"}'],
  ['value', 'esc', '{"x-v":"a\\u001bb"}'],
  ['value', 'del', '{"x-v":"a\x7fb"}'],
  ['size', 'headers-8192-2byte', sized(utf8('é'), 8192)],
  ['size', 'headers-8193-2byte', sized(utf8('é'), 8193)],
  ['size', 'headers-8192-3byte', sized(utf8('€'), 8192)],
  ['size', 'headers-8193-3byte', sized(utf8('€'), 8193)],
  ['size', 'headers-8192-4byte', sized(utf8('😀'), 8192)],
  ['size', 'headers-8193-4byte', sized(utf8('😀'), 8193)],
  ['size', 'body-65536-multibyte', bodyOf(65536)],
  ['size', 'body-65537-multibyte', bodyOf(65537)],
  ['size', 'count-64', many(64)],
  ['size', 'count-65', many(65)],
  ['size', 'count-66-bad-first', `{"x-n":1,${many(65).slice(1)}`],
  ['size', 'body-65537-not-json', `${bodyOf(65536)},`],
  ['duplicate', 'case', '{"X-Dup":"1","x-dup":"2"}'],
  ['duplicate', 'escape', '{"x-dup":"1","x-\\u0064up":"2"}'],
  ['mixed', 'json-error-after-bad-member', '{"Host":"evil","x-n":1,"x-a":"v",}'],
  ['status', 'valid-set-with-201', '{"x-s":"v"}', 201],
  ['status', 'valid-set-with-500', '{"x-s":"v"}', 500],
];

/**
 * The edges that run on every column in place of their class's best-ranked entry: the answers the
 * kill matrix names (filter/variants.json: `lone-surrogate-replaced`, `raw-control-in-log-key` and
 * `unicode-lowercase-names` are killed by the contract-corpus case serving them), and `npm run
 * mutants` runs the every-column subset. Each must be one real Envoy can show, with an exact verdict.
 */
export const EVERY_COLUMN_EDGES: Readonly<Record<string, string>> = {
  escape: 'escape/edge-lone-high-then-end',
  'value-type': 'value-type/edge-line-break-in-key',
  name: 'name/edge-kelvin-sign',
};

// ---------------------------------------------------------------------------------------------
// What real Envoy can show.

/**
 * Names real Envoy's request cannot show as the filter's: the client's and Envoy's own headers on
 * the echoed request (vocabulary/echo.ts leaves them out), and the ones Envoy acts on.
 */
const UNSEEN_NAMES = new Set(['host', 'user-agent', 'accept', 'accept-encoding', 'content-length', 'connection', 'x-forwarded-proto', 'x-forwarded-for', 'x-request-id', 'expect', 'via', 'http2-settings']);
const unseenName = (n: string): boolean => UNSEEN_NAMES.has(n) || n.startsWith('x-envoy-') || n.startsWith(':');

function notInEnvoy(status: number, alternatives: AnswerVerdict[]): string | undefined {
  if (status < 200) return `the header service (Node) cannot answer ${status} as a final status`;
  // The contract passes blanks at a value's ends on as sent (README: not trimmed); the echo upstream's parser strips them.
  if (alternatives.some((a) => a.kind === 'accepted' && a.set.some(([, v]) => /^[ \t]|[ \t]$/.test(v))))
    return "a value with leading or trailing blanks: the echo upstream's HTTP parser strips them, so real Envoy's request cannot show the bytes";
  const hidden = alternatives.flatMap((a) => (a.kind === 'accepted' ? a.set.map(([n]) => n) : [])).find(unseenName);
  if (hidden) return `the set names "${hidden}", which the echoed request cannot show as the filter's`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Verdicts as data.

const textOf = (bytes: string): string => {
  const t = Buffer.from(bytes, 'latin1').toString('utf8');
  if (Buffer.from(t, 'utf8').toString('latin1') !== bytes) throw new Error(`not UTF-8 text: ${JSON.stringify(bytes)}`);
  return t;
};
const lineOf = (rule: LineRule): CorpusLine => ('exact' in rule ? { exact: rule.exact } : { pattern: rule.pattern.source, shown: rule.shown });
const verdictOf = (a: AnswerVerdict): CorpusVerdict => (a.kind === 'accepted' ? { injected: a.set.map(([n, v]): [string, string] => [n, textOf(v)]) } : { refused: lineOf(a.line) });

/** The oracle's expectation for an answer, as corpus data. */
export function expectedOf(status: number, body: Uint8Array): CorpusEntry['expected'] {
  const e = expectAnswer({ status, body });
  if (e.questions.length === 0 && e.alternatives.length === 1) {
    const only = e.alternatives[0];
    if (only.kind === 'refused' && !('exact' in only.line)) throw new Error(`a pattern without a question: ${only.line.shown}`);
    return { verdict: 'exact', is: verdictOf(only) };
  }
  return { verdict: 'open', questions: [...e.questions].sort(), anyOf: e.alternatives.map(verdictOf) };
}

function entryOf(id: string, cls: string, detail: string, status: number, body: string): CorpusEntry {
  const bytes = bodyBytes({ body });
  const e = expectAnswer({ status, body: bytes });
  const why = notInEnvoy(status, e.alternatives);
  return { id, class: cls, detail, status, bodyBase64: Buffer.from(bytes).toString('base64'), everyColumn: false, expected: expectedOf(status, bytes), ...(why ? { notInEnvoy: why } : {}) };
}

/** How good a representative is: runnable in real Envoy first, then an exact verdict, then fewer questions. */
const rank = (e: CorpusEntry): number => (e.notInEnvoy ? 100 : 0) + (e.expected.verdict === 'open' ? 10 + e.expected.questions.length : 0);

export function makeCorpus(): Corpus {
  // Every class and near-miss class of the generator, first drawn first: per class the best-ranked of its draws.
  const draws: FuzzCase[] = fc.sample(fuzzCase(), { seed: CORPUS_SEED, numRuns: CORPUS_DRAWS });
  const best = new Map<string, CorpusEntry>();
  for (const c of draws) {
    const top = c.cls.split('/')[0];
    const candidate = entryOf(c.cls, top, c.cls, c.status, c.body);
    const held = best.get(c.cls);
    // A status's body does not matter: the shortest one keeps the file small.
    const better = held && (rank(candidate) < rank(held) || (rank(candidate) === rank(held) && top === 'status' && candidate.bodyBase64.length < held.bodyBase64.length));
    if (!held || better) best.set(c.cls, candidate);
  }
  const order = (cls: string): number => CLASSES.indexOf(cls as (typeof CLASSES)[number]);
  const generated = [...best.values()].sort((a, b) => order(a.class) - order(b.class) || (a.detail < b.detail ? -1 : a.detail > b.detail ? 1 : 0));
  const edges = EDGES.map(([cls, name, body, status]) => entryOf(`${cls}/edge-${name}`, cls, `${cls}/edge-${name}`, status ?? 200, body));
  const entries = [...generated, ...edges].sort((a, b) => order(a.class) - order(b.class));
  const ids = new Set<string>();
  for (const e of entries) {
    if (order(e.class) < 0) throw new Error(`${e.id}: class ${e.class} is not one of CLASSES`);
    if (ids.has(e.id)) throw new Error(`two entries ${e.id}`);
    ids.add(e.id);
  }
  // One entry per class runs on every column: its pinned edge (EVERY_COLUMN_EDGES), else the best-ranked of the class, a generated one before an edge.
  for (const cls of CLASSES) {
    const pinned = EVERY_COLUMN_EDGES[cls];
    const pick = pinned ? entries.find((e) => e.id === pinned) : entries.filter((e) => e.class === cls).sort((a, b) => rank(a) - rank(b))[0];
    if (!pick || pick.notInEnvoy) throw new Error(`class ${cls}: no entry real Envoy can run${pinned ? ` (pinned: ${pinned})` : ''}`);
    if (pinned && (pick.class !== cls || pick.expected.verdict !== 'exact')) throw new Error(`class ${cls}: the pinned ${pinned} must be of the class, with an exact verdict`);
    pick.everyColumn = true;
  }
  const open = Object.fromEntries(entries.flatMap((e) => (e.expected.verdict === 'open' ? [[e.id, e.expected.questions]] : [])));
  return {
    about:
      'Generated by fuzz/make-corpus.ts (npx tsx fuzz/make-corpus.ts); do not edit. Verdicts are the oracle\'s (fuzz/oracle.ts), lines after "header-augmenter: ". ' +
      `Open questions: ${Object.keys(QUESTIONS).join(', ') || 'none'} (fuzz/oracle.ts QUESTIONS). Run through real Envoy by suites/contract-corpus.spec.ts (everyColumn entries; all with EWC_CORPUS=full).`,
    seed: CORPUS_SEED,
    draws: CORPUS_DRAWS,
    entries,
    open,
  };
}

/** The corpus as the file holds it. */
export const corpusText = (c: Corpus): string => `${JSON.stringify(c, null, 1)}\n`;

/** The oracle's verdicts as `ByteHeaders` sets (values as bytes), for comparing with a build's. */
export const setBytes = (set: Array<[string, string]>): ByteHeaders => set.map(([n, v]) => [n, Buffer.from(v, 'utf8').toString('latin1')]);

if (require.main === module) {
  const text = corpusText(makeCorpus());
  if (process.argv.includes('--check')) {
    const same = fs.existsSync(CORPUS_FILE) && fs.readFileSync(CORPUS_FILE, 'utf8') === text;
    console.log(same ? 'fuzz/corpus.json is up to date' : 'fuzz/corpus.json differs from what fuzz/make-corpus.ts makes: run npx tsx fuzz/make-corpus.ts');
    process.exit(same ? 0 : 1);
  }
  fs.writeFileSync(CORPUS_FILE, text);
  const corpus = JSON.parse(text) as Corpus;
  const byClass = new Map<string, number>();
  for (const e of corpus.entries) byClass.set(e.class, (byClass.get(e.class) ?? 0) + 1);
  console.log(`fuzz/corpus.json: ${corpus.entries.length} entries (${[...byClass].map(([c, n]) => `${c} ${n}`).join(', ')}), ${corpus.entries.filter((e) => e.everyColumn).length} on every column, ${Object.keys(corpus.open).length} open, ${corpus.entries.filter((e) => e.notInEnvoy).length} not in Envoy`);
}
