/**
 * The oracle: what filter/README.md (the contract) says the filter does with one header-service
 * answer, written from that README alone, never by running or reading either filter.
 *
 * Byte strings: header names and values are "byte strings" (one JS char per byte, latin1), so a
 * verdict says exactly which bytes a request gets, whatever their encoding.
 *
 * Where the contract is silent the oracle does not guess silently: it gives every reading as an
 * alternative and names the question (QUESTIONS below, by id; none is open today). Both builds must
 * still agree with each other exactly; the oracle only says which verdicts the contract allows.
 */

/**
 * The contract's open questions: where filter/README.md is silent, the oracle allows every reading
 * (each an alternative of the `Expectation`) and names the question in `questions`, so the fuzzer
 * and the corpus hold both builds to "one of these" until the README says which. None is open
 * today: the thirteen of issue 23's first round (two of them, a lone surrogate escape and a key with
 * a control character in a log line, answered by a fix in both builds) and the one found while
 * answering them (a name that is a token only after Unicode lowercasing, fixed too) are answered in
 * the README and implemented below exactly; docs/fuzz.md lists them. A new one goes here, by id,
 * with what both builds do and why the contract is silent.
 */
export const QUESTIONS = {} as const;
export type QuestionId = keyof typeof QUESTIONS;

export const LIMITS = { bodyBytes: 65536, headers: 64, headerBytes: 8192 } as const;
/** Names refused whole (`forbidden header "<name>"`), lowercase. */
export const FORBIDDEN = ['host', 'connection', 'content-length', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'keep-alive', 'proxy-connection'] as const;
/** RFC 9110 tchar besides DIGIT and ALPHA. */
const TCHAR_PUNCT = "!#$%&'*+-.^_`|~";
/** README: "a value with more than 32 arrays or objects around it" is `nesting too deep`. */
const MAX_AROUND = 32;

export interface Answer {
  status: number;
  body: Uint8Array;
}
/** The plugin configuration in force, as far as an answer's verdict depends on it. */
export interface PluginSettings {
  overwrite: boolean;
  onMissing: 'pass' | 'deny';
  /** header_cache_expiry in ms (the `cache updated: ... expires_in=` figure). */
  expiryMs: number;
}
export type ByteHeaders = Array<[string, string]>;

/** One verdict the contract allows for an answer: the set it becomes, or the refusal line. */
export type AnswerVerdict = { kind: 'accepted'; set: ByteHeaders } | { kind: 'refused'; line: LineRule };
/** A refusal line: exact text (after `header-augmenter: `), or a pattern where the contract leaves part open. */
export type LineRule = { exact: string } | { pattern: RegExp; shown: string };

export interface Expectation {
  /** Every verdict the contract allows (usually one). */
  alternatives: AnswerVerdict[];
  /** The questions that made more than one verdict (or a pattern) acceptable. */
  questions: QuestionId[];
}

// ---------------------------------------------------------------------------------------------
// JSON (RFC 8259) over bytes, strict, with UTF-8 (RFC 3629, Unicode table 3-7) inside strings, and
// the errors of README *Checked in this order* (the JSON errors table): text and offset.

type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';
type JsonValue = { type: 'string'; bytes: string } | { type: Exclude<JsonType, 'string'> };
interface Member {
  key: string; // decoded, as a byte string (UTF-8 bytes)
  value: JsonValue;
}
/** A JSON error: the README's text and offset. */
interface ParseError {
  text: string;
  offset: number;
}
interface ParseResult {
  rootType?: JsonType;
  /** Members of a root object. */
  members: Member[];
  error?: ParseError;
}

class Fail extends Error {
  constructor(readonly err: ParseError) {
    super('json');
  }
}

const isWs = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;
const hexDigit = (b: number | undefined): number =>
  b === undefined ? -1 : b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x41 && b <= 0x46 ? b - 0x37 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1;
const SIMPLE_ESCAPES: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 8, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };

/** The body parsed whole; the first error in byte order. */
function parseJson(body: Uint8Array): ParseResult {
  let pos = 0;
  const len = body.length;
  const members: Member[] = [];
  const fail = (text: string, offset = pos): never => {
    throw new Fail({ text, offset });
  };
  const ws = (): void => {
    while (pos < len && isWs(body[pos])) pos++;
  };
  /** Four hex digits after `\u` at `at`, or -1; never moves. */
  const hexAt = (at: number): number => {
    if (at + 4 > len) return -1;
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const d = hexDigit(body[at + i]);
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  };
  const str = (): string => {
    pos++; // opening quote
    const out: number[] = [];
    let illFormed = false;
    for (;;) {
      if (pos >= len) fail('unterminated string');
      const b = body[pos++];
      if (b === 0x22) {
        // Checked when the string closes: the offset is one past the closing quote.
        if (illFormed) fail('invalid UTF-8 in string');
        return String.fromCharCode(...out);
      }
      if (b < 0x20) fail('control character in string'); // one past the byte
      if (b === 0x5c) {
        if (pos >= len) fail('unterminated string');
        const e = body[pos++];
        if (e in SIMPLE_ESCAPES) {
          out.push(SIMPLE_ESCAPES[e]);
          continue;
        }
        if (e !== 0x75) fail('invalid escape'); // one past the byte
        // `\u`: four hex digits, else one past the first that is not one (just after `u` when fewer than four bytes follow).
        if (pos + 4 > len) fail('invalid \\u escape');
        let u = 0;
        for (let i = 0; i < 4; i++) {
          const d = hexDigit(body[pos++]);
          if (d < 0) fail('invalid \\u escape');
          u = u * 16 + d;
        }
        if (u >= 0xd800 && u <= 0xdbff && body[pos] === 0x5c && body[pos + 1] === 0x75) {
          const lo = hexAt(pos + 2);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            out.push(...utf8Encode(0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00)));
            pos += 6;
            continue;
          }
        }
        // A lone surrogate (a low one, or a high one without a low one's `\u` escape right after it):
        // one past its escape's fourth hex digit (`pos` is there: hexAt never moves).
        if (u >= 0xd800 && u <= 0xdfff) fail('lone surrogate escape');
        out.push(...utf8Encode(u));
        continue;
      }
      if (b < 0x80) {
        out.push(b);
        continue;
      }
      // A multi-byte sequence, well-formed per Unicode table 3-7; an ill-formed one is remembered
      // and the bytes after its first are read on as they come.
      const start = pos - 1;
      let need: number;
      let lo = 0x80;
      let hi = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b === 0xe0) (need = 2), (lo = 0xa0);
      else if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef) need = 2;
      else if (b === 0xed) (need = 2), (hi = 0x9f);
      else if (b === 0xf0) (need = 3), (lo = 0x90);
      else if (b >= 0xf1 && b <= 0xf3) need = 3;
      else if (b === 0xf4) (need = 3), (hi = 0x8f);
      else {
        illFormed = true;
        continue;
      }
      let ok = true;
      for (let i = 1; i <= need && ok; i++) {
        const c = body[start + i];
        if (start + i >= len || c < (i === 1 ? lo : 0x80) || c > (i === 1 ? hi : 0xbf)) ok = false;
      }
      if (!ok) {
        illFormed = true;
        continue;
      }
      for (let i = 0; i <= need; i++) out.push(body[start + i]);
      pos = start + need + 1;
    }
  };
  const literal = (word: string, type: 'boolean' | 'null'): JsonValue => {
    for (let i = 0; i < word.length; i++) {
      if (body[pos] !== word.charCodeAt(i)) fail('invalid literal'); // the first byte that differs
      pos++;
    }
    return { type };
  };
  const num = (): JsonValue => {
    if (body[pos] === 0x2d) pos++;
    if (body[pos] === 0x30) pos++;
    else if (!isDigit(body[pos])) fail('invalid number');
    else while (isDigit(body[pos])) pos++;
    if (body[pos] === 0x2e) {
      pos++;
      if (!isDigit(body[pos])) fail('invalid number');
      while (isDigit(body[pos])) pos++;
    }
    if (body[pos] === 0x65 || body[pos] === 0x45) {
      pos++;
      if (body[pos] === 0x2b || body[pos] === 0x2d) pos++;
      if (!isDigit(body[pos])) fail('invalid number');
      while (isDigit(body[pos])) pos++;
    }
    return { type: 'number' };
  };
  /** After a member or item: `,` or the closing byte, else the error one past the byte found. */
  const next = (close: number, err: string): boolean => {
    ws();
    const c = body[pos];
    pos++;
    if (c === close) return false;
    if (c !== 0x2c) fail(err);
    return true;
  };
  /** A value at `around` arrays/objects deep; the caller has skipped whitespace before it. */
  const value = (around: number, root: boolean): JsonValue => {
    if (around > MAX_AROUND) fail('nesting too deep');
    const b = body[pos];
    if (b === 0x7b) {
      pos++;
      ws();
      if (body[pos] === 0x7d) return pos++, { type: 'object' };
      do {
        ws();
        if (body[pos] !== 0x22) fail('expected string key');
        const key = str();
        ws();
        if (body[pos] !== 0x3a) fail("expected ':'");
        pos++;
        ws();
        const v = value(around + 1, false);
        if (root) members.push({ key, value: v });
      } while (next(0x7d, "expected ',' or '}'"));
      return { type: 'object' };
    }
    if (b === 0x5b) {
      pos++;
      ws();
      if (body[pos] === 0x5d) return pos++, { type: 'array' };
      do {
        ws();
        value(around + 1, false);
      } while (next(0x5d, "expected ',' or ']'"));
      return { type: 'array' };
    }
    if (b === 0x22) return { type: 'string', bytes: str() };
    if (b === 0x74) return literal('true', 'boolean');
    if (b === 0x66) return literal('false', 'boolean');
    if (b === 0x6e) return literal('null', 'null');
    if (b === 0x2d || isDigit(b)) return num();
    return fail('unexpected character');
  };
  try {
    ws();
    const root = value(0, true);
    ws();
    if (pos < len) fail('trailing data');
    return { rootType: root.type, members };
  } catch (e) {
    if (e instanceof Fail) return { members, error: e.err };
    throw e;
  }
}

export function utf8Encode(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}

// ---------------------------------------------------------------------------------------------
// The rules of "Header service contract", "Hostile answers" and "Checked in this order".

const isTchar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || TCHAR_PUNCT.includes(String.fromCharCode(c));
export const isToken = (name: string): boolean => name.length > 0 && [...name].every((ch) => isTchar(ch.charCodeAt(0)));
/** Value bytes the contract refuses: CR, LF, NUL, any other control byte except HTAB, DEL. */
export const badValueByte = (c: number): boolean => (c < 0x20 && c !== 0x09) || c === 0x7f;
/** Names are lowercased in ASCII only (A-Z), after the token check on the name as sent. */
const lower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
/** A byte string as the UTF-8 text a log line carries it in. */
const text = (bytes: string): string => Buffer.from(bytes, 'latin1').toString('utf8');
/** `<key>` in a log line: the key as decoded, in UTF-8, each C0 control and DEL as `\u00XX` (lowercase hex), nothing else escaped. */
const logKey = (key: string): string => text(key).replace(/[\x00-\x1f\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const exact = (why: string): LineRule => ({ exact: `callout failed: invalid body: ${why}` });
const refused = (why: string): AnswerVerdict => ({ kind: 'refused', line: exact(why) });

/** Step 7: each member in document order, each check in the README's order; the first problem, or the set. */
function judgeMembers(members: Member[]): AnswerVerdict {
  const seen = new Set<string>();
  let bytes = 0;
  const set: ByteHeaders = [];
  for (const m of members) {
    if (m.value.type !== 'string') return refused(`value of "${logKey(m.key)}" is not a string (${m.value.type})`);
    if (!isToken(m.key)) return refused(`invalid header name "${logKey(m.key)}"`);
    const name = lower(m.key);
    if ((FORBIDDEN as readonly string[]).includes(name)) return refused(`forbidden header "${name}"`);
    const value = m.value.bytes;
    if ([...value].some((ch) => badValueByte(ch.charCodeAt(0)))) return refused(`invalid value for header "${name}"`);
    bytes += name.length + value.length;
    if (bytes > LIMITS.headerBytes) return refused(`headers too large: over ${LIMITS.headerBytes} bytes at "${name}"`);
    if (seen.has(name)) return refused(`duplicate header "${name}"`);
    seen.add(name);
    set.push([name, value]);
  }
  return { kind: 'accepted', set };
}

/** The verdict for a 200 body (README *Checked in this order*, steps 2 to 7). */
function judgeBody(body: Uint8Array): AnswerVerdict {
  if (body.length === 0) return refused('empty body');
  if (body.length > LIMITS.bodyBytes) return refused(`body too large: ${body.length} bytes (limit ${LIMITS.bodyBytes})`);
  const r = parseJson(body);
  if (r.error) return refused(`not JSON (${r.error.text} at offset ${r.error.offset})`);
  if (r.rootType !== 'object') return refused(`not a JSON object (${r.rootType})`);
  if (r.members.length > LIMITS.headers) return refused(`too many headers: ${r.members.length} (limit ${LIMITS.headers})`);
  return judgeMembers(r.members);
}

/** The verdicts the contract allows for one answer (README *Checked in this order*, steps 1 to 7): one, exact, while no question is open. */
export function expectAnswer(answer: Answer): Expectation {
  if (answer.status !== 200) return { alternatives: [{ kind: 'refused', line: { exact: `callout failed: status=${answer.status}` } }], questions: [] };
  return { alternatives: [judgeBody(answer.body)], questions: [] };
}

export function lineMatches(rule: LineRule, line: string): boolean {
  return 'exact' in rule ? rule.exact === line : rule.pattern.test(line);
}
export const showRule = (rule: LineRule): string => ('exact' in rule ? rule.exact : rule.shown);

// ---------------------------------------------------------------------------------------------
// What a request then gets ("overwrite", "on_missing_headers", Deny reply, Log lines).

export interface RequestOutcome {
  /** The request's headers after the filter (sorted), or null when it was answered locally. */
  headers: ByteHeaders | null;
  local: { status: number; body: string; contentType: string } | null;
  /** The per-request line (injected / missing headers). */
  line: string;
}

/** Lines the answer itself logs when it is accepted (Log lines). */
export function acceptedLines(set: ByteHeaders, settings: PluginSettings): string[] {
  return [`callout ok: status=200 headers=${set.length}`, `cache updated: headers=${set.length} expires_in=${settings.expiryMs}ms`];
}

/** A request carrying `client` headers, with `set` the valid set in force (null: never fetched). */
export function expectRequest(set: ByteHeaders | null, client: ByteHeaders, settings: PluginSettings): RequestOutcome {
  if (set === null) {
    const line = `missing headers: never fetched action=${settings.onMissing}`;
    if (settings.onMissing === 'deny') return { headers: null, local: { status: 503, body: 'header-augmenter: no headers available (never fetched)\n', contentType: 'text/plain' }, line };
    return { headers: sortHeaders(client), local: null, line };
  }
  let out = client.slice();
  let added = 0;
  for (const [name, value] of set) {
    const sent = out.some(([n]) => lower(n) === name);
    if (sent && !settings.overwrite) continue;
    if (sent) out = out.filter(([n]) => lower(n) !== name);
    out.push([name, value]);
    added++;
  }
  return { headers: sortHeaders(out), local: null, line: `injected headers=${added}` };
}

export function sortHeaders(h: ByteHeaders): ByteHeaders {
  return h.map(([n, v]): [string, string] => [lower(n), v]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}
