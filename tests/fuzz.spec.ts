/**
 * The differential fuzzer (fuzz/): the property with a fixed seed and a bounded count (seconds),
 * both builds in the Node proxy-wasm host against the oracle; and, class by class, the oracle's
 * verdict for a hand-written answer is the contract's line (filter/README.md, Header service
 * contract and Hostile answers).
 */
import { expect, test } from '@playwright/test';
import { cpBytes, showBytes, utf8 } from '../fuzz/answers';
import { describe, ensureBuilds, runDifferential } from '../fuzz/differential';
import { type AnswerVerdict, type ByteHeaders, expectAnswer, expectRequest, type PluginSettings, showRule } from '../fuzz/oracle';


/** The oracle's verdicts for a 200 answer with this body (a byte string). */
function verdicts(body: string, status = 200): AnswerVerdict[] {
  return expectAnswer({ status, body: new Uint8Array(Buffer.from(body, 'latin1')) }).alternatives;
}
/** The one refusal line the contract gives for this body, exactly. */
function refusal(body: string, status = 200): string {
  const v = verdicts(body, status);
  expect(v, showBytes(body)).toHaveLength(1);
  if (v[0].kind !== 'refused') throw new Error(`accepted: ${showBytes(body)}`);
  return showRule(v[0].line);
}
/** The one set the contract makes of this body. */
function accepted(body: string): ByteHeaders {
  const v = verdicts(body);
  expect(v, showBytes(body)).toHaveLength(1);
  if (v[0].kind !== 'accepted') throw new Error(`refused: ${showRule(v[0].line)}`);
  return v[0].set;
}
const bad = (why: string): string => `callout failed: invalid body: ${why}`;

test.describe('the oracle, class by class', () => {
  test('valid set: names lowercased, values byte for byte (UTF-8 text, HTAB, visible ASCII)', () => {
    expect(accepted('{"Authorization":"Bearer x","X-AnotherSecretHeader":"\\tv\\u00e9 ~"}')).toEqual([
      ['authorization', 'Bearer x'],
      ['x-anothersecretheader', `\tv${cpBytes(0xe9)} ~`],
    ]);
    expect(accepted('{}')).toEqual([]);
  });

  test('status: anything but 200 is status=<code>, whatever the body', () => {
    expect(refusal('{"a":"b"}', 503)).toBe('callout failed: status=503');
    expect(refusal('', 204)).toBe('callout failed: status=204');
  });

  test('whitespace: JSON\'s four bytes anywhere between tokens; any other byte, a BOM, a blank body are not JSON', () => {
    expect(accepted(' \t\r\n{\t"a"\n:\r"b" }\n')).toEqual([['a', 'b']]);
    expect(refusal('{\f"a":"b"}')).toBe(bad('not JSON (expected string key at offset 1)'));
    expect(refusal(`{${cpBytes(0xa0)}"a":"b"}`)).toBe(bad('not JSON (expected string key at offset 1)'));
    expect(refusal('{"a":\v"b"}')).toBe(bad('not JSON (unexpected character at offset 5)'));
    expect(refusal(`${cpBytes(0xfeff)}{"a":"b"}`)).toBe(bad('not JSON (unexpected character at offset 0)'));
    expect(refusal(' \t\n')).toBe(bad('not JSON (unexpected character at offset 3)'));
  });

  test('escapes: every RFC 8259 escape, \\u above 0x7F and surrogate pairs decoded to UTF-8; control escapes are bad values', () => {
    expect(accepted('{"a":"\\"\\\\\\/\\t\\u0041\\u00e9\\u20AC\\ud83d\\ude00"}')).toEqual([['a', `"\\/\tA${cpBytes(0xe9)}${cpBytes(0x20ac)}${cpBytes(0x1f600)}`]]);
    expect(accepted('{"\\u0058-A":"v"}')).toEqual([['x-a', 'v']]);
    for (const e of ['\\n', '\\r', '\\u0000', '\\b', '\\f', '\\u001f', '\\u007f']) expect(refusal(`{"X-V":"a${e}b"}`)).toBe(bad('invalid value for header "x-v"'));
    expect(refusal('{"a":"\\x41"}')).toBe(bad('not JSON (invalid escape at offset 8)'));
    expect(refusal('{"a":"\\u12"}')).toBe(bad('not JSON (invalid \\u escape at offset 11)'));
    expect(refusal('{"a":"\\u1')).toBe(bad('not JSON (invalid \\u escape at offset 8)'));
    expect(refusal('{"a":"b\\')).toBe(bad('not JSON (unterminated string at offset 8)'));
    expect(refusal('{"a":"b\x01"}')).toBe(bad('not JSON (control character in string at offset 8)'));
  });

  test('lone surrogates: a \\u escape of one is not JSON, one past its fourth hex digit; a pair is one character', () => {
    expect(refusal('{"a":"\\ud800"}')).toBe(bad('not JSON (lone surrogate escape at offset 12)'));
    expect(refusal('{"a":"\\udc00\\ud800"}')).toBe(bad('not JSON (lone surrogate escape at offset 12)'));
    expect(refusal('{"a":"x\\ud83dy"}')).toBe(bad('not JSON (lone surrogate escape at offset 13)'));
    // A high one followed by an escape that is no low one (another high, a BMP character, a bad \u): the high one is lone.
    expect(refusal('{"a":"\\ud83d\\ud83d"}')).toBe(bad('not JSON (lone surrogate escape at offset 12)'));
    expect(refusal('{"a":"\\ud83d\\u0041"}')).toBe(bad('not JSON (lone surrogate escape at offset 12)'));
    expect(refusal('{"a":"\\ud83d\\uzzzz"}')).toBe(bad('not JSON (lone surrogate escape at offset 12)'));
    expect(refusal('{"a":"\\ud83d')).toBe(bad('not JSON (lone surrogate escape at offset 12)'));
    // In a name too, and before anything a later member would be refused for.
    expect(refusal('{"x\\udfff":"v","Host":"h"}')).toBe(bad('not JSON (lone surrogate escape at offset 9)'));
    // An ill-formed UTF-8 byte earlier in the same string: the lone escape comes first (UTF-8 is checked when the string closes).
    expect(refusal('{"a":"\xc3\\ud800"}')).toBe(bad('not JSON (lone surrogate escape at offset 13)'));
    expect(accepted('{"a":"\\ud83d\\ude00"}')).toEqual([['a', cpBytes(0x1f600)]]);
  });

  test('numbers, literals, nesting: a value that is no string is refused naming its key', () => {
    expect(refusal('{"X-N":1}')).toBe(bad('value of "X-N" is not a string (number)'));
    expect(refusal('{"a":{"b":"c"}}')).toBe(bad('value of "a" is not a string (object)'));
    expect(refusal('{"a":null}')).toBe(bad('value of "a" is not a string (null)'));
    expect(refusal('{"a":false}')).toBe(bad('value of "a" is not a string (boolean)'));
    expect(refusal('{"a":01}')).toBe(bad("not JSON (expected ',' or '}' at offset 7)"));
    expect(refusal('{"a":+1}')).toBe(bad('not JSON (unexpected character at offset 5)'));
    expect(refusal('{"a":-x}')).toBe(bad('not JSON (invalid number at offset 6)'));
    expect(refusal('{"a":tru}')).toBe(bad('not JSON (invalid literal at offset 8)'));
    expect(refusal('[1 2]')).toBe(bad("not JSON (expected ',' or ']' at offset 4)"));
    expect(refusal('{"a":"b"')).toBe(bad("not JSON (expected ',' or '}' at offset 9)"));
    expect(refusal('{"a" "b"}')).toBe(bad("not JSON (expected ':' at offset 5)"));
    expect(refusal('[{"a":"b"}]')).toBe(bad('not a JSON object (array)'));
    expect(refusal('"x"')).toBe(bad('not a JSON object (string)'));
    // More than 32 arrays or objects around a value (the root object counts).
    const deep = (n: number): string => `{"a":${'['.repeat(n)}"x"${']'.repeat(n)}}`;
    expect(refusal(deep(31))).toBe(bad('value of "a" is not a string (array)'));
    expect(refusal(deep(32))).toBe(bad('not JSON (nesting too deep at offset 37)'));
  });

  test('order: status, empty, body size, the whole body parsed, root, count, then each member in document order', () => {
    expect(refusal(`[${' '.repeat(65536)}`)).toBe(bad('body too large: 65537 bytes (limit 65536)'));
    expect(refusal('{"Host":"x","a":"b",}')).toBe(bad('not JSON (expected string key at offset 20)'));
    expect(refusal(`{"x-n":1,${Array.from({ length: 65 }, (_, i) => `"h${i}":"v"`).join(',')}}`)).toBe(bad('too many headers: 66 (limit 64)'));
    expect(refusal('{"x y":1}')).toBe(bad('value of "x y" is not a string (number)'));
    expect(refusal('{"Host":"a\\nb"}')).toBe(bad('forbidden header "host"'));
    expect(refusal('{"a":"\\n","A":"b"}')).toBe(bad('invalid value for header "a"'));
    expect(refusal('{"x-a":"1","X-A":"2","Host":"h"}')).toBe(bad('duplicate header "x-a"'));
  });

  test('trailing bytes: JSON whitespace only', () => {
    expect(accepted('{} \n')).toEqual([]);
    expect(refusal('{}x')).toBe(bad('not JSON (trailing data at offset 2)'));
    expect(refusal('')).toBe(bad('empty body'));
  });

  test('UTF-8: cut, overlong, encoded surrogates and bytes above U+10FFFF are refused; their well-formed neighbours pass', () => {
    for (const seq of ['\xc3', '\xe2\x82', '\xc0\x80', '\xc1\xbf', '\xe0\x9f\xbf', '\xf0\x8f\xbf\xbf', '\xed\xa0\x80', '\xf4\x90\x80\x80', '\xff', '\x80']) {
      // One past the string's closing quote.
      expect(refusal(`{"a":"${seq}"}`)).toBe(bad(`not JSON (invalid UTF-8 in string at offset ${7 + seq.length})`));
    }
    // An error later in the same string wins: it is checked when the string closes.
    expect(refusal('{"a":"\xc3\x01"}')).toBe(bad('not JSON (control character in string at offset 8)'));
    expect(refusal('{"a":"\xc3')).toBe(bad('not JSON (unterminated string at offset 7)'));
    // C1 controls are UTF-8 text (bytes C2 80..C2 9F), not control bytes.
    expect(accepted('{"a":"x\xc2\x85y"}')).toEqual([['a', 'x\xc2\x85y']]);
    for (const seq of ['\xc2\xa0', '\xe0\xa0\x80', '\xed\x9f\xbf', '\xee\x80\x80', '\xf0\x90\x80\x80', '\xf4\x8f\xbf\xbf']) expect(accepted(`{"a":"${seq}"}`)).toEqual([['a', seq]]);
  });

  test('names: forbidden and framing names in any case, pseudo-headers, non-tokens', () => {
    expect(refusal('{"Host":"evil"}')).toBe(bad('forbidden header "host"'));
    expect(refusal('{"Content-Length":"0"}')).toBe(bad('forbidden header "content-length"'));
    expect(refusal('{"TRANSFER-encoding":"chunked"}')).toBe(bad('forbidden header "transfer-encoding"'));
    expect(refusal('{"\\u0048ost":"x"}')).toBe(bad('forbidden header "host"'));
    expect(refusal('{":path":"/x"}')).toBe(bad('invalid header name ":path"'));
    expect(refusal('{"x idp":"v"}')).toBe(bad('invalid header name "x idp"'));
    expect(refusal('{"":"v"}')).toBe(bad('invalid header name ""'));
    // <key>: as decoded, not lowercased, raw UTF-8 between the quotes.
    expect(refusal('{"A\\"b":"v"}')).toBe(bad('invalid header name "A"b"'));
    expect(refusal('{"x\\\\y":"v"}')).toBe(bad('invalid header name "x\\y"'));
    expect(refusal(`{"X-${utf8('é')}":"v"}`)).toBe(bad('invalid header name "X-é"'));
    expect(accepted('{"Hosts":"v","X-B3-TraceId":"1","Upgrade-Insecure-Requests":"1"}')).toEqual([['hosts', 'v'], ['x-b3-traceid', '1'], ['upgrade-insecure-requests', '1']]);
  });

  test('sizes in bytes: body 65536, names and values 8192 with multi-byte text, 64 headers', () => {
    const pad = (n: number): string => `{"a":"b"${' '.repeat(n - 9)}}`;
    expect(accepted(pad(65536))).toEqual([['a', 'b']]);
    expect(refusal(pad(65537))).toBe(bad('body too large: 65537 bytes (limit 65536)'));
    // "x-e" (3 bytes) + 4094 two-byte é = 8191 bytes; one more byte is over.
    const e = utf8('é').repeat(4094);
    expect(accepted(`{"X-E":"${e}"}`)).toHaveLength(1);
    expect(accepted(`{"X-E":"${e}a"}`)).toHaveLength(1);
    expect(refusal(`{"X-E":"${e}ab"}`)).toBe(bad('headers too large: over 8192 bytes at "x-e"'));
    const many = (n: number): string => `{${Array.from({ length: n }, (_, i) => `"h${i}":"v"`).join(',')}}`;
    expect(accepted(many(64))).toHaveLength(64);
    expect(refusal(many(65))).toBe(bad('too many headers: 65 (limit 64)'));
  });

  test('a key with a control character: each C0 control and DEL written as \\u00XX, nothing else escaped', () => {
    expect(refusal('{"a\\nb":"v"}')).toBe(bad('invalid header name "a\\u000ab"'));
    expect(refusal('{"x\\r\\nheader-augmenter: callout ok: status=200 headers=1":"v"}')).toBe(bad('invalid header name "x\\u000d\\u000aheader-augmenter: callout ok: status=200 headers=1"'));
    expect(refusal('{"a\\u0000\\t\\u001b\\u001f\\u007f":1}')).toBe(bad('value of "a\\u0000\\u0009\\u001b\\u001f\\u007f" is not a string (number)'));
    // `"` and `\` stay raw next to an escaped control; C1 controls and other non-ASCII text are UTF-8 as they are.
    expect(refusal('{"x\\u007f\\"\\\\":"v"}')).toBe(bad('invalid header name "x\\u007f"\\"'));
    expect(refusal(`{"x${cpBytes(0x85)}\\u0085":"v"}`)).toBe(bad(`invalid header name "x\u0085\u0085"`));
  });

  test('a name is a token as sent, lowercased in ASCII only: the Kelvin sign (lowercase k in Unicode) is no token', () => {
    expect(refusal('{"\\u212a-x":"v"}')).toBe(bad('invalid header name "\u212a-x"'));
    expect(refusal('{"\\u212aeep-alive":"v"}')).toBe(bad('invalid header name "\u212aeep-alive"'));
    expect(refusal(`{"${cpBytes(0x130)}":"v"}`)).toBe(bad('invalid header name "\u0130"'));
    expect(accepted('{"K-X":"v"}')).toEqual([['k-x', 'v']]);
  });

  test('duplicates: equal ignoring case, also through an escape', () => {
    expect(refusal('{"X-A":"1","x-a":"2"}')).toBe(bad('duplicate header "x-a"'));
    expect(refusal('{"x-a":"1","x-\\u0041":"2"}')).toBe(bad('duplicate header "x-a"'));
  });

  test('a refused answer keeps the last good set; overwrite and on_missing_headers decide the request', () => {
    const s: PluginSettings = { overwrite: true, onMissing: 'deny', expiryMs: 30000 };
    const client: ByteHeaders = [[':path', '/'], ['X-Token', 'client']];
    expect(expectRequest([['x-token', 'ours']], client, s)).toEqual({ headers: [[':path', '/'], ['x-token', 'ours']], local: null, line: 'injected headers=1' });
    expect(expectRequest([['x-token', 'ours']], client, { ...s, overwrite: false })).toEqual({ headers: [[':path', '/'], ['x-token', 'client']], local: null, line: 'injected headers=0' });
    expect(expectRequest(null, client, s).local).toEqual({ status: 503, body: 'header-augmenter: no headers available (never fetched)\n', contentType: 'text/plain' });
  });
});

test('both builds agree with the oracle and with each other on generated answers (fixed seed)', async () => {
  test.setTimeout(600_000);
  // A fresh checkout: build what is missing.
  ensureBuilds();
  const run = await runDifferential({ count: 2000, seed: 23, shrinkLimit: 3 });
  expect(run.shrunk.map(describe).join('\n\n')).toBe('');
  expect(run.disagreements).toHaveLength(0);
  // Every class of the generator was drawn.
  expect([...run.byClass.keys()].sort()).toEqual(['duplicate', 'escape', 'mixed', 'name', 'root', 'size', 'status', 'structure', 'utf8', 'valid', 'value', 'value-type', 'whitespace']);
});
