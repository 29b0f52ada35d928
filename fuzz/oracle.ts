/**
 * The oracle: what filter/README.md (the contract) says the filter does with one header-service
 * answer, written from that README alone, never by running or reading either filter.
 *
 * Byte strings: header names and values are "byte strings" (one JS char per byte, latin1), so a
 * verdict says exactly which bytes a request gets, whatever their encoding.
 *
 * Where the contract is silent or ambiguous the oracle does not guess silently: it gives every
 * reading as an alternative and names the question (QUESTIONS below, by id). Both builds must still
 * agree with each other exactly; the oracle only says which verdicts the contract allows.
 */

/** The contract's open questions, met while writing this oracle. An expectation names the ones it leans on. */
export const QUESTIONS = {
  order:
    'Order of the answer checks: the contract gives a validation order for the plugin configuration only. ' +
    'When an answer breaks several rules (two bad members, a bad member before a JSON syntax error, a body over 65536 bytes that is also not JSON), which reason is logged? The oracle allows any of them.',
  'count-n':
    '"too many headers: <n> (limit 64)": is <n> the number of members of the answer, or the count at which the check stopped (65)? The oracle allows both.',
  'json-error-text':
    '"not JSON (<parser error> at offset <n>)": the parser error texts and what <n> points at are not given (except "invalid UTF-8 in string"). The oracle accepts any text and offset; the builds must agree.',
  'utf8-offset':
    '"invalid UTF-8 in string at offset <n>": what <n> points at is not given (the first byte of the ill-formed sequence, the byte where it became ill-formed, the string\'s start or end). The oracle accepts any offset; the builds must agree.',
  'type-names':
    '"not a JSON object (<type>)" and "is not a string (<type>)": the type names are not given. The oracle accepts a lowercase word; the builds must agree.',
  'key-rendering':
    '"invalid header name "<key>"": how a key with a quote, a backslash, a control character or non-ASCII text is written in the log line (raw, escaped) is not given. The oracle accepts anything between the quotes for such keys.',
  'lone-surrogate':
    'A \\u escape of a lone surrogate (\\ud800 alone, a low one first, a high one not followed by a low one): RFC 8259 leaves its meaning open, and the contract only speaks of bytes that are not well-formed UTF-8 ("decoding would change the value the service sent"). The oracle allows the answer refused as not JSON, and the surrogate read as U+FFFD (EF BF BD) with the answer then judged as usual.',
  'c1-controls':
    'A value with a C1 control (U+0080..U+009F, UTF-8 C2 80..C2 9F): the contract refuses "any other control byte except HTAB, or DEL" and accepts "UTF-8 text in values (obs-text)". Bytes C2 and 80..9F are not control bytes, but the character is a control character. The oracle allows both accepted and refused (invalid value).',
  bom: 'A UTF-8 byte order mark (EF BB BF) before the JSON text: RFC 8259 says a parser MAY ignore it. The oracle allows "not JSON" and accepting the answer as if it were absent.',
  depth: 'Nesting depth: RFC 8259 lets a parser limit it; the contract does not (it needs one level: an object of strings). The oracle allows "not JSON" for a text nested deeper than 16 levels (the floor is the oracle\'s, not the contract\'s), besides "not a JSON object" / "is not a string". A trap is never allowed.',
  'empty-body': '"empty body": the oracle reads it as zero bytes; a body of JSON whitespace only is "not JSON". The contract does not say which.',
  'value-ows':
    'A value with leading or trailing SP/HTAB: RFC 9110 field values exclude them, the contract says values are passed on "byte for byte". The oracle expects them passed on unchanged.',
  'size-bytes':
    '"more than 8192 bytes of names and values": the oracle counts the decoded bytes (after JSON unescaping) of each lowercased name and its value, nothing for separators; the contract does not say whether escapes count as sent.',
} as const;
export type QuestionId = keyof typeof QUESTIONS;

export const LIMITS = { bodyBytes: 65536, headers: 64, headerBytes: 8192 } as const;
/** Names refused whole (`forbidden header "<name>"`), lowercase. */
export const FORBIDDEN = ['host', 'connection', 'content-length', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'keep-alive', 'proxy-connection'] as const;
/** RFC 9110 tchar besides DIGIT and ALPHA. */
const TCHAR_PUNCT = "!#$%&'*+-.^_`|~";
const DEPTH_OPEN = 16;

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
// JSON (RFC 8259) over bytes, strict, with UTF-8 (RFC 3629, Unicode table 3-7) inside strings.

type JsonValue =
  | { type: 'string'; bytes: string; loneSurrogate: boolean; c1: boolean }
  | { type: 'number' | 'object' | 'array' | 'true' | 'false' | 'null'; depth: number };
interface Member {
  key: string; // decoded, as a byte string (UTF-8 bytes)
  keyLoneSurrogate: boolean;
  value: JsonValue;
}
type ParseError = { kind: 'syntax'; offset: number } | { kind: 'utf8'; from: number; to: number } | { kind: 'surrogate'; offset: number };
interface ParseResult {
  /** The root value's type when it parsed. */
  rootType?: JsonValue['type'];
  /** Members of a root object, those complete before an error included. */
  members: Member[];
  /** The parse error (two when the contract leaves their order open). */
  errors?: ParseError[];
  bom: boolean;
  maxDepth: number;
}

/** A parse failure: usually one error; two when a string is both ill-formed UTF-8 and then broken JSON (see QUESTIONS.order). */
class Fail extends Error {
  readonly errs: ParseError[];
  constructor(...errs: ParseError[]) {
    super('json');
    this.errs = errs;
  }
}

const isWs = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

function parseJson(body: Uint8Array, skipBom: boolean, replaceLone = false): ParseResult {
  let pos = 0;
  const members: Member[] = [];
  let maxDepth = 0;
  const bom = body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
  if (skipBom && bom) pos = 3;
  // An ill-formed UTF-8 sequence in the string being read: reported at its closing quote, or
  // together with a syntax error met before it (the contract does not order the two).
  let pendingUtf8: ParseError | null = null;
  const syntax = (at = pos): never => {
    throw pendingUtf8 ? new Fail({ kind: 'syntax', offset: at }, pendingUtf8) : new Fail({ kind: 'syntax', offset: at });
  };
  const ws = (): void => {
    while (pos < body.length && isWs(body[pos])) pos++;
  };
  const expect = (lit: string): void => {
    for (let i = 0; i < lit.length; i++) {
      if (body[pos] !== lit.charCodeAt(i)) syntax();
      pos++;
    }
  };
  const hex4 = (): number => {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const b = body[pos];
      const d = b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x41 && b <= 0x46 ? b - 0x37 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1;
      if (d < 0 || pos >= body.length) syntax();
      v = v * 16 + d;
      pos++;
    }
    return v;
  };
  const str = (): { bytes: string; loneSurrogate: boolean; c1: boolean } => {
    pos++; // opening quote
    const out: number[] = [];
    let lone = false;
    let c1 = false;
    const push = (cp: number): void => {
      if (cp >= 0x80 && cp <= 0x9f) c1 = true;
      out.push(...utf8Encode(cp));
    };
    for (;;) {
      if (pos >= body.length) syntax();
      const b = body[pos];
      if (b === 0x22) {
        pos++;
        if (pendingUtf8) throw new Fail(pendingUtf8);
        return { bytes: String.fromCharCode(...out), loneSurrogate: lone, c1 };
      }
      if (b < 0x20) syntax();
      if (b === 0x5c) {
        pos++;
        const e = body[pos];
        const simple: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 8, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 };
        if (e in simple && pos < body.length) {
          out.push(simple[e]);
          pos++;
        } else if (e === 0x75) {
          pos++;
          const at = pos - 2;
          const u = hex4();
          if (u >= 0xd800 && u <= 0xdbff && body[pos] === 0x5c && body[pos + 1] === 0x75) {
            const save = pos;
            pos += 2;
            const lo = hex4();
            if (lo >= 0xdc00 && lo <= 0xdfff) {
              push(0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
              continue;
            }
            pos = save;
          }
          if (u >= 0xd800 && u <= 0xdfff) {
            lone = true;
            if (!replaceLone) throw new Fail({ kind: 'surrogate', offset: at });
            push(0xfffd);
            continue;
          }
          push(u);
        } else syntax();
        continue;
      }
      if (b < 0x80) {
        out.push(b);
        pos++;
        continue;
      }
      // A multi-byte sequence: well-formed per Unicode table 3-7, else the UTF-8 refusal.
      const start = pos;
      let ill = false;
      const bad = (at: number): void => {
        if (!ill) pendingUtf8 ??= { kind: 'utf8', from: start, to: at };
        ill = true;
      };
      let need: number;
      let lo = 0x80;
      let hi = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b === 0xe0) (need = 2), (lo = 0xa0);
      else if (b >= 0xe1 && b <= 0xec) need = 2;
      else if (b === 0xed) (need = 2), (hi = 0x9f);
      else if (b >= 0xee && b <= 0xef) need = 2;
      else if (b === 0xf0) (need = 3), (lo = 0x90);
      else if (b >= 0xf1 && b <= 0xf3) need = 3;
      else if (b === 0xf4) (need = 3), (hi = 0x8f);
      else {
        bad(start);
        pos++;
        continue;
      }
      for (let i = 1; i <= need && !ill; i++) {
        const c = body[start + i];
        if (start + i >= body.length || c < (i === 1 ? lo : 0x80) || c > (i === 1 ? hi : 0xbf)) bad(start + i);
      }
      if (ill) {
        pos++;
        continue;
      }
      if (b === 0xc2 && body[start + 1] <= 0x9f) c1 = true;
      for (let i = 0; i <= need; i++) out.push(body[start + i]);
      pos = start + need + 1;
    }
  };
  const num = (): void => {
    if (body[pos] === 0x2d) pos++;
    const digit = (): boolean => body[pos] >= 0x30 && body[pos] <= 0x39;
    if (body[pos] === 0x30) pos++;
    else if (digit()) while (digit()) pos++;
    else syntax();
    if (body[pos] === 0x2e) {
      pos++;
      if (!digit()) syntax();
      while (digit()) pos++;
    }
    if (body[pos] === 0x65 || body[pos] === 0x45) {
      pos++;
      if (body[pos] === 0x2b || body[pos] === 0x2d) pos++;
      if (!digit()) syntax();
      while (digit()) pos++;
    }
  };
  /** The rest of an object or array after its opening byte: items, commas, then `close`. */
  const items = (close: number, type: 'object' | 'array', depth: number, item: () => void): JsonValue => {
    pos++;
    ws();
    if (body[pos] === close) {
      pos++;
      return { type, depth };
    }
    for (;;) {
      item();
      ws();
      if (body[pos] === 0x2c) pos++;
      else if (body[pos] === close) {
        pos++;
        return { type, depth };
      } else syntax();
    }
  };
  const value = (depth: number, root: boolean): JsonValue => {
    ws();
    if (pos >= body.length) syntax();
    const b = body[pos];
    if (depth > maxDepth) maxDepth = depth;
    if (b === 0x7b)
      return items(0x7d, 'object', depth, () => {
        ws();
        if (body[pos] !== 0x22) syntax();
        const k = str();
        ws();
        if (body[pos] !== 0x3a) syntax();
        pos++;
        const v = value(depth + 1, false);
        if (root) members.push({ key: k.bytes, keyLoneSurrogate: k.loneSurrogate, value: v });
      });
    if (b === 0x5b) return items(0x5d, 'array', depth, () => value(depth + 1, false));
    if (b === 0x22) return { type: 'string', ...str() };
    if (b === 0x74) return expect('true'), { type: 'true', depth };
    if (b === 0x66) return expect('false'), { type: 'false', depth };
    if (b === 0x6e) return expect('null'), { type: 'null', depth };
    if (b === 0x2d || (b >= 0x30 && b <= 0x39)) return num(), { type: 'number', depth };
    return syntax();
  };
  try {
    const root = value(0, true);
    ws();
    if (pos < body.length) syntax();
    return { rootType: root.type, members, bom, maxDepth };
  } catch (e) {
    if (e instanceof Fail) return { members, errors: e.errs, bom, maxDepth };
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
// The rules of "Header service contract" and "Hostile answers".

const isTchar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || TCHAR_PUNCT.includes(String.fromCharCode(c));
export const isToken = (name: string): boolean => name.length > 0 && [...name].every((ch) => isTchar(ch.charCodeAt(0)));
/** Value bytes the contract refuses: CR, LF, NUL, any other control byte except HTAB, DEL. */
export const badValueByte = (c: number): boolean => (c < 0x20 && c !== 0x09) || c === 0x7f;
const lower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** A byte string as the UTF-8 text a log line carries it in (the names in lines are tokens, ASCII, except `<key>`). */
const text = (bytes: string): string => Buffer.from(bytes, 'latin1').toString('utf8');

const exact = (why: string): LineRule => ({ exact: `callout failed: invalid body: ${why}` });
const pattern = (re: string, shown: string): LineRule => ({ pattern: new RegExp(`^callout failed: invalid body: ${re}$`, 's'), shown: `callout failed: invalid body: ${shown}` });
const NOT_JSON = pattern('not JSON \\(.+ at offset \\d+\\)', 'not JSON (<any> at offset <any>)');
const refused = (line: LineRule): AnswerVerdict => ({ kind: 'refused', line });

/** The refusal of one problem, with the question its wording leans on, if any. */
interface Problem {
  line: LineRule;
  question?: QuestionId;
}

function keyLine(key: string): Problem {
  const printable = /^[\x20-\x7e]*$/.test(key) && !/["\\]/.test(key);
  if (printable) return { line: exact(`invalid header name "${key}"`) };
  return { line: pattern('invalid header name ".*"', 'invalid header name "<key, written somehow>"'), question: 'key-rendering' };
}

/** Every rule the members break (any order: see QUESTIONS.order), and the C1 question. */
function memberProblems(members: Member[]): { problems: Problem[]; c1: boolean } {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  let sizeReported = false;
  let c1 = false;
  members.forEach((m, i) => {
    const name = lower(m.key);
    if (!isToken(m.key)) problems.push(keyLine(m.key));
    else if ((FORBIDDEN as readonly string[]).includes(name)) problems.push({ line: exact(`forbidden header "${name}"`) });
    if (m.value.type !== 'string') {
      problems.push({ line: pattern(`value of "${escapeRe(text(m.key))}" is not a string \\([a-z]+\\)`, `value of "${text(m.key)}" is not a string (<type>)`), question: 'type-names' });
    } else {
      if ([...m.value.bytes].some((ch) => badValueByte(ch.charCodeAt(0)))) problems.push({ line: exact(`invalid value for header "${text(name)}"`) });
      if (m.value.c1) c1 = true;
      bytes += name.length + m.value.bytes.length;
      if (bytes > LIMITS.headerBytes && !sizeReported) {
        sizeReported = true;
        problems.push({ line: exact(`headers too large: over ${LIMITS.headerBytes} bytes at "${text(name)}"`) });
      }
    }
    if (seen.has(name)) problems.push({ line: exact(`duplicate header "${text(name)}"`) });
    seen.add(name);
    if (i === LIMITS.headers) {
      const total = members.length;
      problems.push({ line: exact(`too many headers: ${total} (limit ${LIMITS.headers})`) });
      if (total !== LIMITS.headers + 1) problems.push({ line: exact(`too many headers: ${LIMITS.headers + 1} (limit ${LIMITS.headers})`), question: 'count-n' });
    }
  });
  return { problems, c1 };
}

function parseErrorLine(err: ParseError): Problem {
  if (err.kind === 'utf8') {
    return { line: pattern('not JSON \\(invalid UTF-8 in string at offset \\d+\\)', `not JSON (invalid UTF-8 in string at offset <any; the sequence is at ${err.from}..${err.to}>)`), question: 'utf8-offset' };
  }
  if (err.kind === 'surrogate') return { line: NOT_JSON, question: 'lone-surrogate' };
  return { line: NOT_JSON, question: 'json-error-text' };
}

/** The verdicts the contract allows for one answer. */
export function expectAnswer(answer: Answer): Expectation {
  const questions = new Set<QuestionId>();
  const alternatives: AnswerVerdict[] = [];
  const add = (p: Problem): void => {
    alternatives.push(refused(p.line));
    if (p.question) questions.add(p.question);
  };
  if (answer.status !== 200) return { alternatives: [refused({ exact: `callout failed: status=${answer.status}` })], questions: [] };
  const body = answer.body;
  if (body.length === 0) return { alternatives: [refused(exact('empty body'))], questions: [] };
  if ([...body].every(isWs)) questions.add('empty-body');
  const readings = [parseJson(body, false)];
  if (readings[0].bom) {
    questions.add('bom');
    readings.push(parseJson(body, true));
  }
  for (const r of readings.slice()) {
    if (r.errors?.[0].kind === 'surrogate') readings.push(parseJson(body, r === readings[1], true));
  }
  for (const r of readings) {
    if (r.maxDepth > DEPTH_OPEN) add({ line: NOT_JSON, question: 'depth' });
    if (body.length > LIMITS.bodyBytes) add({ line: exact(`body too large: ${body.length} bytes (limit ${LIMITS.bodyBytes})`) });
    const { problems, c1 } = memberProblems(r.members);
    if (r.errors) {
      r.errors.forEach((e) => add(parseErrorLine(e)));
      problems.forEach(add);
    } else if (r.rootType !== 'object') {
      add({ line: pattern('not a JSON object \\([a-z]+\\)', 'not a JSON object (<type>)'), question: 'type-names' });
    } else {
      problems.forEach(add);
      const accepted = body.length <= LIMITS.bodyBytes && problems.length === 0;
      if (c1) {
        questions.add('c1-controls');
        for (const m of r.members) if (m.value.type === 'string' && m.value.c1) add({ line: exact(`invalid value for header "${lower(m.key)}"`) });
      }
      if (accepted) {
        alternatives.push({ kind: 'accepted', set: r.members.map((m) => [lower(m.key), (m.value as { bytes: string }).bytes]) });
        if (r.members.some((m) => m.value.type === 'string' && /^[ \t]|[ \t]$/.test(m.value.bytes))) questions.add('value-ows');
      }
    }
  }
  if (alternatives.filter((a) => a.kind === 'refused').length > 1) questions.add('order');
  return { alternatives: dedupe(alternatives), questions: [...questions] };
}

function dedupe(list: AnswerVerdict[]): AnswerVerdict[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const k = v.kind === 'accepted' ? `a${JSON.stringify(v.set)}` : 'exact' in v.line ? `e${v.line.exact}` : `p${v.line.pattern.source}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
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
