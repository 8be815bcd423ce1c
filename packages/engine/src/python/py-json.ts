import { digitsToInt } from './py-number.ts';
import { PyFloat } from './py-value.ts';

// Python's json.loads, as far as its result is observable through str(): ints stay ints (`1` → "1"), floats stay
// floats (`1.0` → "1.0", `1e2` → "100.0"), NaN/Infinity literals are accepted, objects keep Python dict order
// (a Map, so integer-like keys are not reordered). Used by the IN operator (spec §3.5).

class JsonError extends Error {}

const NUMBER = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class PythonJsonParser {
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  parseDocument(): unknown {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.pos !== this.text.length) throw new JsonError('Extra data');
    return value;
  }

  private skipWhitespace(): void {
    while (' \t\n\r'.includes(this.text[this.pos] ?? 'x')) this.pos++;
  }

  private value(depth: number): unknown {
    if (depth > 500) throw new JsonError('too deep');
    this.skipWhitespace();
    const char = this.text[this.pos];
    if (char === '[') return this.array(depth);
    if (char === '{') return this.object(depth);
    if (char === '"') return this.string();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['-Infinity', Number.NEGATIVE_INFINITY],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.number();
  }

  private number(): unknown {
    const match = NUMBER.exec(this.text.slice(this.pos, this.pos + 4096));
    if (!match) throw new JsonError('Expecting value');
    this.pos += match[0].length;
    if (match[1] === undefined && match[2] === undefined) {
      const negative = match[0].startsWith('-');
      const value = digitsToInt(negative, negative ? match[0].slice(1) : match[0]);
      return Object.is(value, -0) ? 0 : value;
    }
    const value = Number(match[0]);
    return Number.isInteger(value) ? new PyFloat(value) : value;
  }

  private string(): string {
    this.pos++;
    let out = '';
    for (;;) {
      const char = this.text[this.pos++];
      if (char === undefined) throw new JsonError('Unterminated string');
      if (char === '"') return out;
      if (char.charCodeAt(0) < 0x20) throw new JsonError('Invalid control character');
      if (char !== '\\') {
        out += char;
        continue;
      }
      const escaped = this.text[this.pos++] ?? '';
      const simple = ESCAPES[escaped];
      if (simple !== undefined) out += simple;
      else if (escaped === 'u') out += this.unicodeEscape();
      else throw new JsonError('Invalid \\escape');
    }
  }

  private hex4(): number {
    const digits = this.text.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw new JsonError('Invalid \\uXXXX escape');
    this.pos += 4;
    return Number.parseInt(digits, 16);
  }

  private unicodeEscape(): string {
    const first = this.hex4();
    // Python pairs a high surrogate with a following low-surrogate escape; lone surrogates are kept.
    if (first >= 0xd800 && first <= 0xdbff && this.text.startsWith('\\u', this.pos)) {
      const save = this.pos;
      this.pos += 2;
      const second = this.hex4();
      if (second >= 0xdc00 && second <= 0xdfff) return String.fromCharCode(first, second);
      this.pos = save;
    }
    return String.fromCharCode(first);
  }

  private array(depth: number): unknown[] {
    this.pos++;
    const items: unknown[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.skipWhitespace();
      const char = this.text[this.pos++];
      if (char === ']') return items;
      if (char !== ',') throw new JsonError("Expecting ',' delimiter");
    }
  }

  private object(depth: number): Map<string, unknown> {
    this.pos++;
    const entries = new Map<string, unknown>();
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return entries;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') throw new JsonError('Expecting property name');
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.pos++] !== ':') throw new JsonError("Expecting ':' delimiter");
      entries.set(key, this.value(depth + 1));
      this.skipWhitespace();
      const char = this.text[this.pos++];
      if (char === '}') return entries;
      if (char !== ',') throw new JsonError("Expecting ',' delimiter");
    }
  }
}

/** Python `json.loads(text)`; `undefined` where Python raises (ValueError, or RecursionError when too deep). */
export function parsePythonJson(text: string): { readonly value: unknown } | undefined {
  try {
    return { value: new PythonJsonParser(text).parseDocument() };
  } catch {
    return undefined;
  }
}
