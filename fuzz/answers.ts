/**
 * fast-check arbitraries for header-service answers across the contract's grammar: valid sets, each
 * hostile class the contract refuses, and near-misses of each (one byte from valid). A body is a
 * byte string (latin1: one char per byte), so bytes that are not UTF-8 can be written.
 *
 * Every case names its class (`cls`); the oracle, not the generator, decides the verdict.
 */
import fc from 'fast-check';
import { FORBIDDEN, LIMITS, utf8Encode } from './oracle';

export interface FuzzCase {
  /** Which part of the grammar the case aims at (`<class>/<detail>`). */
  cls: string;
  status: number;
  /** The body as a byte string (latin1). */
  body: string;
  overwrite: boolean;
  onMissing: 'pass' | 'deny';
  /** A good set (`x-fuzz-prior: kept`) is fetched before this answer, so a refusal must keep it. */
  prior: boolean;
  /** A header the client sends besides the fixed ones (a name the answer may carry too), or null. */
  clientCopy: string | null;
}

/** A code point as UTF-8 bytes in a byte string. */
export const cpBytes = (cp: number): string => String.fromCharCode(...utf8Encode(cp));
/** A JS string as UTF-8 bytes in a byte string. */
export const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
export const bodyBytes = (c: { body: string }): Uint8Array => new Uint8Array(Buffer.from(c.body, 'latin1'));
/** A body as readable text: printable ASCII as is, every other byte as \xHH. */
export const showBytes = (s: string): string => [...s].map((ch) => (/[\x20-\x7e]/.test(ch) && ch !== '\\' ? ch : `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)).join('');

const hex4 = (n: number, upper = false): string => {
  const h = n.toString(16).padStart(4, '0');
  return upper ? h.toUpperCase() : h;
};
/** A code point as a JSON \u escape (a surrogate pair above U+FFFF). */
const uEscape = (cp: number, upper = false): string => {
  if (cp < 0x10000) return `\\u${hex4(cp, upper)}`;
  const v = cp - 0x10000;
  return `\\u${hex4(0xd800 + (v >> 10), upper)}\\u${hex4(0xdc00 + (v & 0x3ff), upper)}`;
};

// ---------------------------------------------------------------------------------------------
// Pieces of valid JSON.

const JSON_WS = [' ', '\t', '\n', '\r'];
const ws = fc.string({ unit: fc.constantFrom(...JSON_WS), maxLength: 2 });
const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** Names the client may also send, so overwrite is exercised. */
const POOL = ['x-token', 'Authorization', 'X-AnotherSecretHeader', 'x-fuzz-prior', 'X-B3-TraceId'];

/** One character of a string literal, valid JSON: raw or escaped, ASCII or not. */
const literalChar = (chars: string): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...chars), fc.nat(9)).map(([ch, how]) => {
    const cp = ch.codePointAt(0)!;
    if (how === 0) return uEscape(cp, true);
    if (how === 1) return uEscape(cp);
    if (ch === '"') return '\\"';
    if (ch === '\\') return '\\\\';
    if (ch === '/' && how === 2) return '\\/';
    if (cp < 0x20) return uEscape(cp);
    return cpBytes(cp);
  });

/** A valid token name: from the pool (in any case) or random tchars; its literal may use escapes. */
const tokenName = fc.oneof(
  fc.tuple(fc.constantFrom(...POOL), fc.array(fc.boolean(), { maxLength: 24 })).map(([n, up]) => [...n].map((c, i) => (up[i] ? c.toUpperCase() : c)).join('')),
  fc.string({ unit: fc.constantFrom(...TCHAR), minLength: 1, maxLength: 16 }),
);
const nameLiteral = (name: string): fc.Arbitrary<string> => fc.tuple(...[...name].map((c) => literalChar(c))).map((parts) => `"${parts.join('')}"`);

/** Text a value may carry: visible ASCII, SP, HTAB (escaped), UTF-8 text of every length. */
const VALUE_CHARS = ' !"#$%&\'()*+,-./0123456789:;<=>?@AZaz[\\]^_`{|}~\té€😀\u07ff\u0800\uffff\u{10ffff}\u00a0';
const valueLiteral = fc.array(literalChar(VALUE_CHARS), { maxLength: 12 }).map((p) => `"${p.join('')}"`);

interface Member {
  name: string; // the name as decoded (for uniqueness)
  lit: string; // `"name":value` literal, with whitespace
}
const validMember: fc.Arbitrary<Member> = tokenName.chain((name) =>
  fc.tuple(nameLiteral(name), ws, ws, valueLiteral).map(([n, w1, w2, v]) => ({ name, lit: `${n}${w1}:${w2}${v}` })),
);
const validMembers = (max: number): fc.Arbitrary<Member[]> => fc.uniqueArray(validMember, { maxLength: max, selector: (m) => m.name.toLowerCase() });

/** An object of the members, whitespace around every token. */
const object = (members: fc.Arbitrary<string[]>): fc.Arbitrary<string> =>
  fc.tuple(members, ws, ws, ws).map(([ms, a, b, c]) => `${a}{${b}${ms.join(`${b},${c}`)}${ms.length ? c : ''}}${a}`);

/** Valid members with one given member literal at a random place among them. */
const withMember = (member: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  object(
    fc.tuple(validMembers(4), member, fc.nat()).map(([ms, m, at]) => {
      const lits = ms.map((x) => x.lit);
      lits.splice(at % (lits.length + 1), 0, m);
      return lits;
    }),
  );

type Tagged = { cls: string; body: string };
const tag = (cls: string, body: fc.Arbitrary<string>): fc.Arbitrary<Tagged> => body.map((b) => ({ cls, body: b }));
/** Near-miss and hostile forms of one class, one arbitrary per named detail. */
const detail = (cls: string, details: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Tagged> =>
  fc.oneof(...Object.entries(details).map(([d, arb]) => tag(`${cls}/${d}`, arb)));

// ---------------------------------------------------------------------------------------------
// The classes.

const valid = tag('valid', object(validMembers(8).map((ms) => ms.map((m) => m.lit))));

/** Whitespace: every JSON whitespace byte (valid), and bytes that look like whitespace but are not JSON's. */
const NOT_JSON_WS: Record<string, string> = { ff: '\f', vt: '\v', nul: '\0', nbsp: cpBytes(0xa0), 'line-sep': cpBytes(0x2028), nel: cpBytes(0x85), 'bom-inside': cpBytes(0xfeff) };
const whitespace = fc.oneof(
  ...Object.entries(NOT_JSON_WS).map(([name, b]) =>
    tag(
      `whitespace/${name}`,
      fc.tuple(validMembers(3), fc.nat()).map(([ms, at]) => {
        const text = `{${ms.map((m) => m.lit).join(',')}}`;
        // Only between tokens: after a structural character, never inside a string.
        const slots = [...text].flatMap((c, i) => ('{},:'.includes(c) && !insideString(text, i) ? [i + 1] : []));
        const p = slots[at % slots.length];
        return text.slice(0, p) + b + text.slice(p);
      }),
    ),
  ),
  tag('whitespace/bom-start', object(validMembers(3).map((ms) => ms.map((m) => m.lit))).map((b) => cpBytes(0xfeff) + b)),
  tag('whitespace/json-only', fc.tuple(validMembers(3), fc.string({ unit: fc.constantFrom(...JSON_WS), minLength: 1, maxLength: 6 })).map(([ms, w]) => `${w}{${w}${ms.map((m) => m.lit).join(`${w},${w}`)}${w}}${w}`)),
);

function insideString(text: string, at: number): boolean {
  let inside = false;
  for (let i = 0; i < at; i++) {
    if (text[i] === '\\' && inside) i++;
    else if (text[i] === '"') inside = !inside;
  }
  return inside;
}

/** Escapes: every valid one, surrogate pairs (both cases of hex), lone and misordered surrogates, malformed ones. */
const ESCAPES: Record<string, string> = {
  quote: '\\"', backslash: '\\\\', slash: '\\/', b: '\\b', f: '\\f', n: '\\n', r: '\\r', t: '\\t',
  'u-ascii': '\\u0041', 'u-latin1': '\\u00e9', 'u-latin1-upper': '\\u00E9', 'u-c1': '\\u0085', 'u-del': '\\u007f', 'u-nul': '\\u0000',
  'u-euro': '\\u20ac', 'u-ffff': '\\uffff', 'u-fffe': '\\ufffe', 'u-bom': '\\ufeff', 'u-800': '\\u0800', 'u-7ff': '\\u07ff',
  'pair': '\\ud83d\\ude00', 'pair-upper': '\\uD83D\\uDE00', 'pair-max': '\\udbff\\udfff', 'pair-min': '\\ud800\\udc00',
  'lone-high': '\\ud800', 'lone-low': '\\udc00', 'lone-high-end': '\\udbff', 'reversed-pair': '\\ude00\\ud83d', 'high-then-ascii': '\\ud83d\\u0041',
  'high-then-char': '\\ud83dx', 'high-high': '\\ud83d\\ud83d', 'short-u': '\\u12', 'bad-hex': '\\u12G4', 'x-escape': '\\x41', 'U-upper': '\\U0041',
  'a-escape': '\\a', 'single-quote': "\\'", 'zero-escape': '\\0', 'space-escape': '\\ ',
};
const escapes = fc.oneof(
  ...Object.entries(ESCAPES).map(([name, e]) =>
    tag(
      `escape/${name}`,
      fc.oneof(
        withMember(fc.tuple(fc.string({ unit: fc.constantFrom(...'ab -'), maxLength: 3 }), fc.string({ unit: fc.constantFrom(...'yz '), maxLength: 3 })).map(([a, b]) => `"x-esc":"${a}${e}${b}"`)),
        withMember(fc.constantFrom(`"x-${e}":"v"`, `"${e}":"v"`)),
      ),
    ),
  ),
  // A string that ends inside an escape.
  tag('escape/cut', fc.constantFrom('{"a":"\\', '{"a":"\\u00', '{"a":"\\ud83d\\', '{"a":"\\"}')),
);

/** Values that are no string: numbers (valid and not JSON), literals, objects, arrays, nesting. */
const NUMBERS: Record<string, string[]> = {
  valid: ['0', '-0', '1', '-1', '42', '1.5', '-0.0', '1e5', '1E+5', '1e-5', '123456789012345678901234567890', '1.0e308', '1e999'],
  invalid: ['01', '-01', '1.', '.5', '+1', '1e', '1e+', '-', '0x10', 'NaN', 'Infinity', '-Infinity', '1_000', '١'],
};
const depthValue = (open: string, close: string, inner: string) => fc.integer({ min: 1, max: 300 }).map((d) => open.repeat(d) + inner + close.repeat(d));
const valueTypes = detail('value-type', {
  'number-valid': withMember(fc.constantFrom(...NUMBERS.valid).map((n) => `"x-n":${n}`)),
  'number-invalid': withMember(fc.constantFrom(...NUMBERS.invalid).map((n) => `"x-n":${n}`)),
  literal: withMember(fc.constantFrom('true', 'false', 'null').map((n) => `"x-l":${n}`)),
  'literal-near': withMember(fc.constantFrom('True', 'nul', 'nulll', 'falsey', 'tru', 'NULL', 'undefined').map((n) => `"x-l":${n}`)),
  object: withMember(fc.constantFrom('{}', '{"a":"b"}', '{"a":{"b":"c"}}').map((v) => `"x-o":${v}`)),
  array: withMember(fc.constantFrom('[]', '["a"]', '["a","b"]', '[1,[2]]').map((v) => `"x-a":${v}`)),
  'deep-array': withMember(depthValue('[', ']', '"x"').map((v) => `"x-d":${v}`)),
  'deep-object': withMember(depthValue('{"k":', '}', '"x"').map((v) => `"x-d":${v}`)),
  'deep-unclosed': withMember(fc.integer({ min: 1, max: 300 }).map((d) => `"x-d":${'['.repeat(d)}`)),
});

/** The root: not an object, empty, whitespace only. */
const roots = detail('root', {
  'not-object': fc.constantFrom('[]', '[{"a":"b"}]', '"x"', '""', '1', '-0', 'true', 'false', 'null', ' [] ', '"\\ud800"'),
  empty: fc.constant(''),
  'whitespace-only': fc.string({ unit: fc.constantFrom(...JSON_WS), minLength: 1, maxLength: 4 }),
  'deep-array-root': depthValue('[', ']', ''),
});

/** Structure: truncation at every byte, trailing bytes, commas, colons, quotes, comments. */
const validBody = object(validMembers(4).map((ms) => ms.map((m) => m.lit)));
const structure = detail('structure', {
  truncated: fc.tuple(validBody, fc.nat()).map(([b, at]) => b.slice(0, at % Math.max(b.length, 1))),
  'trailing-bytes': fc.tuple(validBody, fc.constantFrom('x', '{}', ',', '}', '\0', '"', '0', 'null', '\xff', cpBytes(0xe9), '//', '\f')).map(([b, t]) => b + t),
  'trailing-ws': fc.tuple(validBody, fc.string({ unit: fc.constantFrom(...JSON_WS), maxLength: 4 })).map(([b, t]) => b + t),
  'trailing-comma': fc.constantFrom('{"a":"b",}', '{"a":"b" , }', '{,}', '{"a":"b",,"c":"d"}'),
  'missing-comma': fc.constantFrom('{"a":"b" "c":"d"}', '{"a":"b"\n"c":"d"}'),
  'missing-colon': fc.constantFrom('{"a" "b"}', '{"a"="b"}', '{"a"::"b"}', '{"a"}'),
  quotes: fc.constantFrom("{'a':'b'}", '{a:"b"}', '{"a":b}', '{"a":\'b\'}', '{"a":"b}', '{"a:"b"}'),
  comments: fc.constantFrom('{/*c*/"a":"b"}', '{"a":"b"//c\n}', '#c\n{"a":"b"}'),
  'raw-control-in-string': fc.tuple(fc.integer({ min: 0, max: 0x1f }), fc.boolean()).map(([b, inName]) => (inName ? `{"x${String.fromCharCode(b)}":"v"}` : `{"x":"a${String.fromCharCode(b)}b"}`)),
});

/** UTF-8 at every boundary: ill-formed sequences (cut, overlong, surrogates, above U+10FFFF, stray bytes) and the well-formed sequences one byte from them. */
const UTF8: Record<string, string> = {
  'cut-2': '\xc3', 'cut-3-of-1': '\xe2', 'cut-3-of-2': '\xe2\x82', 'cut-4-of-3': '\xf0\x9f\x98', 'cut-4-of-1': '\xf0',
  'lone-continuation': '\x80', 'lone-continuation-bf': '\xbf', 'overlong-2-c0': '\xc0\x80', 'overlong-2-c1': '\xc1\xbf', 'overlong-slash': '\xc0\xaf',
  'overlong-3': '\xe0\x80\x80', 'overlong-3-max': '\xe0\x9f\xbf', 'overlong-4': '\xf0\x80\x80\x80', 'overlong-4-max': '\xf0\x8f\xbf\xbf',
  'surrogate-high': '\xed\xa0\x80', 'surrogate-low': '\xed\xbf\xbf', 'surrogate-pair-encoded': '\xed\xa0\xbd\xed\xb8\x80',
  'above-max': '\xf4\x90\x80\x80', 'f5': '\xf5\x80\x80\x80', 'ff': '\xff', 'fe': '\xfe', 'f8-5byte': '\xf8\x88\x80\x80\x80',
  'two-byte-then-ascii': '\xc3A', 'three-byte-then-ascii': '\xe2\x82A', 'continuation-extra': '\xc3\xa9\x80',
  // Near-misses: the well-formed neighbours.
  'ok-c2-80': '\xc2\x80', 'ok-df-bf': '\xdf\xbf', 'ok-e0-a0-80': '\xe0\xa0\x80', 'ok-ed-9f-bf': '\xed\x9f\xbf', 'ok-ee-80-80': '\xee\x80\x80',
  'ok-ef-bf-bf': '\xef\xbf\xbf', 'ok-f0-90-80-80': '\xf0\x90\x80\x80', 'ok-f4-8f-bf-bf': '\xf4\x8f\xbf\xbf', 'ok-e9': '\xc3\xa9', 'ok-euro': '\xe2\x82\xac',
};
const utf8Class = fc.oneof(
  ...Object.entries(UTF8).map(([name, seq]) =>
    tag(
      `utf8/${name}`,
      fc.tuple(fc.constantFrom('start', 'middle', 'end', 'name', 'name-end'), fc.string({ unit: fc.constantFrom(...'abc '), minLength: 1, maxLength: 3 })).chain(([where, pad]) => {
        const m =
          where === 'start' ? `"x-u":"${seq}${pad}"` : where === 'middle' ? `"x-u":"${pad}${seq}${pad}"` : where === 'end' ? `"x-u":"${pad}${seq}"` : where === 'name' ? `"x-${seq}u":"v"` : `"x-u${seq}":"v"`;
        return withMember(fc.constant(m));
      }),
    ),
  ),
);

/** Names: forbidden and framing ones in every letter case, pseudo-headers, every non-tchar byte, and near-misses. */
const anyCase = (name: string): fc.Arbitrary<string> => fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((up) => [...name].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));
const NON_TCHAR_ASCII = [...Array(128).keys()].map((c) => String.fromCharCode(c)).filter((c) => !TCHAR.includes(c));
const nameChar = (c: string): string => (c === '"' ? '\\"' : c === '\\' ? '\\\\' : c.charCodeAt(0) < 0x20 ? uEscape(c.charCodeAt(0)) : c);
const names = detail('name', {
  forbidden: withMember(fc.constantFrom(...FORBIDDEN).chain(anyCase).chain((n) => fc.tuple(nameLiteral(n), valueLiteral).map(([l, v]) => `${l}:${v}`))),
  'forbidden-near': withMember(
    fc.tuple(fc.constantFrom(...FORBIDDEN), fc.constantFrom('s', '-', 'x', '1', '_'), fc.boolean())
      .map(([n, c, before]) => (before ? c + n : n + c))
      .chain(anyCase)
      .map((n) => `"${n}":"v"`),
  ),
  'forbidden-hop-lookalike': withMember(fc.constantFrom('upgrade-insecure-requests', 'te-x', 'x-forwarded-host', 'proxy-authorization', 'content-type', 'content-length-x', 'trailers').chain(anyCase).map((n) => `"${n}":"v"`)),
  pseudo: withMember(fc.constantFrom(':path', ':authority', ':method', ':scheme', ':status', ':protocol', ':').chain(anyCase).map((n) => `"${n}":"v"`)),
  empty: withMember(fc.constant('"":"v"')),
  'non-tchar': withMember(fc.tuple(fc.constantFrom(...NON_TCHAR_ASCII), fc.nat(2)).map(([c, at]) => `"${['', 'x-a', 'x-'][at]}${nameChar(c)}${['x', '', 'a'][at]}":"v"`)),
  'non-ascii': withMember(fc.constantFrom(0xe9, 0xa0, 0x2028, 0x1f600, 0x80).map((cp) => `"x-${cpBytes(cp)}":"v"`)),
  'tchar-all': withMember(fc.constant(`"${TCHAR.replace(/[A-Z]/g, '')}":"v"`)),
  // U+212A KELVIN SIGN: no tchar, though Unicode lowercases it to `k` (the contract: a token as sent, A-Z lowered only).
  kelvin: withMember(fc.constantFrom(`"${cpBytes(0x212a)}-x":"v"`, '"\\u212a-x":"v"', '"x-\\u212A":"v"', '"\\u212aeep-alive":"v"', '"x-token\\u212a":"v"')),
  'escaped-host': withMember(fc.constantFrom('"\\u0048ost":"v"', '"h\\u006fst":"v"', '"\\u0068\\u006f\\u0073\\u0074":"v"', '"Content\\u002dLength":"1"')),
});

/** Values: every control byte (escaped, or raw where JSON allows it: DEL), HTAB and its neighbours, C1, leading/trailing blanks. */
const CONTROLS = [...Array(32).keys(), 0x7f];
const values = detail('value', {
  control: withMember(fc.tuple(fc.constantFrom(...CONTROLS), fc.nat(2)).map(([b, at]) => `"x-v":"${['', 'a', 'ab'][at]}${b === 0x7f ? '\x7f' : uEscape(b)}${['b', '', 'c'][at]}"`)),
  'near-control': withMember(fc.constantFrom('\\t', ' ', '~', '\\u0020', '\\u007e', '\\u00a0', '\t\\t').map((v) => `"x-v":"a${v}b"`)),
  c1: withMember(fc.constantFrom(0x80, 0x85, 0x9f).map((cp) => `"x-v":"a${cpBytes(cp)}b"`)),
  blanks: withMember(fc.constantFrom(' a', 'a ', '\\ta', 'a\\t', ' ', '', '\\t').map((v) => `"x-v":"${v}"`)),
});

/** Size limits: the body around 65536 bytes, names and values around 8192 bytes with 1..4-byte text, counts around 64. */
const bodySize = fc.tuple(fc.integer({ min: -2, max: 2 }), validMembers(3)).map(([d, ms]) => {
  const head = `{${ms.map((m) => m.lit).join(',')}`;
  return head + ' '.repeat(LIMITS.bodyBytes + d - head.length - 1) + '}';
});
const headerBytes = fc.tuple(fc.integer({ min: -2, max: 2 }), fc.constantFrom(1, 2, 3, 4), fc.integer({ min: 1, max: 5 }), fc.boolean()).map(([d, unitBytes, count, escaped]) => {
  const unit = { 1: 'a', 2: '\xc3\xa9', 3: '\xe2\x82\xac', 4: '\xf0\x9f\x98\x80' }[unitBytes]!;
  const names = Array.from({ length: count }, (_, i) => `x-h${i}`);
  const target = LIMITS.headerBytes + d;
  const each = Math.floor((target - names.join('').length) / count);
  const vals = names.map((n, i) => {
    const bytes = i === count - 1 ? target - names.join('').length - each * (count - 1) : each;
    const units = Math.floor(bytes / unitBytes);
    return unit.repeat(units) + 'a'.repeat(bytes - units * unitBytes);
  });
  // An escape in one value checks what is counted: the decoded bytes.
  return `{${names.map((n, i) => `"${n}":"${escaped && i === 0 ? vals[i].replace(/^a/, '\\u0061') : vals[i]}"`).join(',')}}`;
});
const headerCount = fc.tuple(fc.integer({ min: 62, max: 67 }), fc.boolean()).map(([n, upper]) => `{${Array.from({ length: n }, (_, i) => `"${upper ? 'X' : 'x'}-c${i}":"${i}"`).join(',')}}`);
const sizes = fc.oneof(tag('size/body', bodySize), tag('size/header-bytes', headerBytes), tag('size/count', headerCount));

/** Duplicates: equal ignoring case (any case), equal through an escape, and names one byte apart. */
const duplicates = detail('duplicate', {
  'any-case': tokenName.chain((n) => fc.tuple(anyCase(n), anyCase(n)).map(([a, b]) => `{"${a}":"1","x-mid":"m","${b}":"2"}`)),
  escaped: fc.constantFrom('{"x-a":"1","x-\\u0061":"2"}', '{"X-A":"1","\\u0078-a":"2"}'),
  'one-apart': tokenName.map((n) => `{"${n}":"1","${n}x":"2"}`),
});

const STATUSES = [100, 199, 201, 204, 206, 299, 301, 304, 400, 401, 404, 429, 500, 502, 503, 504];

/** Members of any class, several per answer: which refusal wins when rules collide. */
const anyMember = fc.oneof(
  validMember.map((m) => m.lit),
  fc.constantFrom(...FORBIDDEN).map((n) => `"${n}":"v"`),
  fc.constantFrom('":path":"v"', '"x y":"v"', '"":"v"', '"x-n":1', '"x-o":{}', '"x-v":"a\\nb"', '"x-u":"\xc3"', '"x-token":"dup"', '"X-Token":"dup"'),
);
const mixed = tag('mixed', object(fc.array(anyMember, { maxLength: 6 })));

/** Every class, with the plugin settings and request around the answer. */
export function fuzzCase(): fc.Arbitrary<FuzzCase> {
  const weighted: Array<[fc.Arbitrary<Tagged>, number]> = [
    [valid, 3], [whitespace, 1], [escapes, 2], [valueTypes, 1], [roots, 1], [structure, 2],
    [utf8Class, 2], [names, 2], [values, 1], [sizes, 1], [duplicates, 1], [mixed, 2],
  ];
  const body = fc.oneof(...weighted.map(([arbitrary, weight]) => ({ arbitrary, weight })));
  const status = fc.oneof({ arbitrary: fc.constant(200), weight: 12 }, { arbitrary: fc.constantFrom(...STATUSES), weight: 1 });
  return fc
    .record({
      tagged: body,
      status,
      overwrite: fc.boolean(),
      onMissing: fc.constantFrom<'pass' | 'deny'>('pass', 'deny'),
      prior: fc.boolean(),
      clientCopy: fc.option(fc.constantFrom(...POOL, 'x-v', 'x-u'), { nil: null }),
    })
    .map(({ tagged, status, ...rest }) => ({ cls: status === 200 ? tagged.cls : `status/${status}`, status, body: tagged.body, ...rest }));
}

/** The class names the generator covers (the part before `/`). */
export const CLASSES = ['valid', 'whitespace', 'escape', 'value-type', 'root', 'structure', 'utf8', 'name', 'value', 'size', 'duplicate', 'mixed', 'status'] as const;
