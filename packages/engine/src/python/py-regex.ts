import {
  ASCII_LETTERS,
  category,
  type Flags,
  HEX,
  IDENTIFIER,
  literal,
  type Node,
  PatternError,
  SIMPLE_ESCAPES,
  WORD_U,
} from './py-regex-syntax.ts';

// Translates a Python `re` pattern (str pattern, Python 3.11+) into an equivalent JavaScript RegExp.
//
// Flagsmith parity (spec §3.5 REGEX): the Python engine runs `re.compile(value).match(str(ctx))`. Python and
// JavaScript regexes differ in ways that change results, so the pattern is parsed with Python's grammar and
// re-emitted for a JavaScript RegExp in `v` (Unicode sets) mode:
//   - \d \w \s \b are Unicode-aware in Python; `.` excludes only \n; `$` also matches before a final \n;
//   - `[]a]` starts with a literal ']'; `{,3}` is a quantifier; unknown letter escapes are errors;
//   - inline flags (?imsxa), scoped flags (?i:...), named groups (?P<n>...), (?P=n), comments (?#...);
//   - atomic groups (?>...) and possessive quantifiers (a*+) are emulated with a capturing lookahead and a
//     back-reference (JavaScript lookaheads are atomic). Every capturing group is emitted with a name that
//     starts with '$' (legal in JavaScript group names, impossible in Python ones), so back-references stay
//     exact whatever groups the emulation adds;
//   - look-behinds must have a fixed width, as Python requires.
// What cannot be translated (conditional groups, \N{...}) and every pattern Python rejects yields `undefined`:
// the condition then does not match (Python would raise).

class PyRegexParser {
  private readonly chars: string[];
  private pos = 0;
  private flags: Flags;
  private atomicGroups = 0;
  private pyGroups = 0;
  /** The JavaScript group name of each Python group number. */
  private readonly jsNames: string[] = [];
  private readonly closed = new Set<number>();
  private readonly names = new Map<string, number>();
  globalIgnoreCase = false;

  constructor(pattern: string) {
    this.chars = Array.from(pattern);
    this.flags = { i: false, m: false, s: false, x: false, a: false };
  }

  translate(): string {
    this.parseGlobalFlags();
    const node = this.parseAlternation();
    if (this.pos < this.chars.length) throw new PatternError('unbalanced parenthesis');
    return node.src;
  }

  private peek(offset = 0): string | undefined {
    return this.chars[this.pos + offset];
  }

  private next(): string {
    const char = this.chars[this.pos++];
    if (char === undefined) throw new PatternError('unexpected end of pattern');
    return char;
  }

  private eat(text: string): boolean {
    for (let k = 0; k < text.length; k++) if (this.chars[this.pos + k] !== text[k]) return false;
    this.pos += text.length;
    return true;
  }

  private parseGlobalFlags(): void {
    for (;;) {
      const start = this.pos;
      if (!this.eat('(?')) return;
      let letters = '';
      while (this.peek() !== undefined && /[aiLmsux]/.test(this.peek() ?? '')) letters += this.next();
      if (letters === '' || !this.eat(')')) {
        this.pos = start;
        return;
      }
      this.flags = this.applyFlags(this.flags, letters, '');
      if (this.flags.i) this.globalIgnoreCase = true;
    }
  }

  private applyFlags(flags: Flags, on: string, off: string): Flags {
    if (on.includes('L') || off.includes('L')) throw new PatternError('LOCALE flag on a str pattern');
    if (off.includes('a') || off.includes('u') || (on.includes('a') && on.includes('u'))) {
      throw new PatternError('bad inline flags');
    }
    const value = (letter: 'i' | 'm' | 's' | 'x' | 'a'): boolean =>
      on.includes(letter) ? true : off.includes(letter) ? false : flags[letter];
    return { i: value('i'), m: value('m'), s: value('s'), x: value('x'), a: value('a') };
  }

  private skipVerbose(): void {
    if (!this.flags.x) return;
    for (;;) {
      const char = this.peek();
      if (char !== undefined && /[ \t\n\r\v\f]/.test(char)) this.pos++;
      else if (char === '#') {
        while (this.peek() !== undefined && this.peek() !== '\n') this.pos++;
      } else return;
    }
  }

  private parseAlternation(): Node {
    const branches = [this.parseSequence()];
    while (this.eat('|')) branches.push(this.parseSequence());
    if (branches.length === 1) return branches[0] as Node;
    return {
      src: branches.map((b) => b.src).join('|'),
      min: branches.reduce((least, b) => Math.min(least, b.min), Number.POSITIVE_INFINITY),
      max: branches.reduce((most, b) => Math.max(most, b.max), Number.NEGATIVE_INFINITY),
      kind: 'atom',
    };
  }

  private parseSequence(): Node {
    const items: Node[] = [];
    for (;;) {
      this.skipVerbose();
      const char = this.peek();
      if (char === undefined || char === '|' || char === ')') break;
      if (char === '*' || char === '+' || char === '?' || char === '{') {
        const quantified = this.parseQuantifier(items[items.length - 1]);
        if (quantified) {
          items[items.length - 1] = quantified;
          continue;
        }
      }
      if (this.eat('(?#')) {
        // A comment is not an item: a quantifier after it applies to the item before it.
        while (this.peek() !== ')') this.next();
        this.next();
        continue;
      }
      items.push(this.parseAtom());
    }
    let src = '';
    let min = 0;
    let max = 0;
    for (const item of items) {
      src += item.src;
      min += item.min;
      max += item.max;
    }
    return { src: items.length > 1 ? src : (items[0]?.src ?? ''), min, max, kind: 'atom' };
  }

  private parseQuantifier(target: Node | undefined): Node | undefined {
    const start = this.pos;
    const char = this.next();
    let min: number;
    let max: number;
    let text: string;
    if (char === '{') {
      let lo = '';
      let hi = '';
      if (this.peek() === '}') {
        this.pos = start;
        return undefined;
      }
      while (/[0-9]/.test(this.peek() ?? '')) lo += this.next();
      const hasComma = this.eat(',');
      if (hasComma) while (/[0-9]/.test(this.peek() ?? '')) hi += this.next();
      else hi = lo;
      if (!this.eat('}')) {
        this.pos = start;
        return undefined; // not a quantifier: '{' is a literal
      }
      min = lo === '' ? 0 : Number(lo);
      max = hi === '' ? Number.POSITIVE_INFINITY : Number(hi);
      if (max < min) throw new PatternError('min repeat greater than max repeat');
      text = `{${min}${max === min && !hasComma ? '' : `,${Number.isFinite(max) ? max : ''}`}}`;
    } else {
      min = char === '+' ? 1 : 0;
      max = char === '?' ? 1 : Number.POSITIVE_INFINITY;
      text = char;
    }
    if (!target || target.kind === 'anchor') throw new PatternError('nothing to repeat');
    if (target.kind === 'repeat') throw new PatternError('multiple repeat');
    const atom = target.kind === 'lookaround' ? `(?:${target.src})` : target.src;
    const repeatMin = target.min * min;
    const repeatMax = target.max === 0 ? 0 : target.max * max;
    if (this.eat('?')) return { src: `${atom}${text}?`, min: repeatMin, max: repeatMax, kind: 'repeat' };
    if (this.eat('+')) {
      return { src: this.atomic(`${atom}${text}`), min: repeatMin, max: repeatMax, kind: 'repeat' };
    }
    return { src: `${atom}${text}`, min: repeatMin, max: repeatMax, kind: 'repeat' };
  }

  /** An atomic group: a lookahead captures what the body matched once, a back-reference then consumes it. */
  private atomic(body: string): string {
    const name = `$a${++this.atomicGroups}`;
    return `(?:(?=(?<${name}>${body}))\\k<${name}>)`;
  }

  private parseAtom(): Node {
    const char = this.next();
    switch (char) {
      case '(':
        return this.parseGroup();
      case '[':
        return { src: this.parseClass(), min: 1, max: 1, kind: 'atom' };
      case '.':
        return { src: this.flags.s ? '[\\s\\S]' : '[^\\n]', min: 1, max: 1, kind: 'atom' };
      case '^':
        return { src: this.flags.m ? '(?:^|(?<=\\n))' : '^', min: 0, max: 0, kind: 'anchor' };
      case '$':
        return { src: this.flags.m ? '(?=\\n|$)' : '(?=\\n?$)', min: 0, max: 0, kind: 'anchor' };
      case '\\':
        return this.parseEscape();
      default:
        return { src: literal(char.codePointAt(0) ?? 0), min: 1, max: 1, kind: 'atom' };
    }
  }

  private parseGroup(): Node {
    if (!this.eat('?')) return this.capturingGroup(undefined);
    if (this.eat(':')) return this.groupBody('(?:', ')');
    if (this.eat('=')) return this.lookaround('(?=', false);
    if (this.eat('!')) return this.lookaround('(?!', false);
    if (this.eat('<=')) return this.lookaround('(?<=', true);
    if (this.eat('<!')) return this.lookaround('(?<!', true);
    if (this.eat('>')) {
      const body = this.groupBody('', '');
      return { src: this.atomic(body.src), min: body.min, max: body.max, kind: 'atom' };
    }
    if (this.eat('P<')) return this.capturingGroup(this.readName('>'));
    if (this.eat('P=')) {
      const name = this.readName(')');
      const group = this.names.get(name);
      if (group === undefined || !this.closed.has(group)) throw new PatternError('unknown group name');
      return { src: `\\k<${this.jsNames[group]}>`, min: 0, max: Number.POSITIVE_INFINITY, kind: 'atom' };
    }
    return this.scopedFlags();
  }

  private scopedFlags(): Node {
    let on = '';
    let off = '';
    while (/[aiLmsux]/.test(this.peek() ?? '')) on += this.next();
    if (this.eat('-')) while (/[aiLmsux]/.test(this.peek() ?? '')) off += this.next();
    if (!this.eat(':')) throw new PatternError('unknown extension or misplaced global flag');
    if (on === '' && off === '') throw new PatternError('missing flag');
    const outer = this.flags;
    this.flags = this.applyFlags(outer, on, off);
    const inner = this.flags;
    let open = '(?:';
    if (inner.i !== outer.i) open = inner.i ? '(?i:' : '(?-i:';
    try {
      return this.groupBody(open, ')');
    } finally {
      this.flags = outer;
    }
  }

  private readName(terminator: string): string {
    let name = '';
    while (this.peek() !== terminator) name += this.next();
    this.next();
    if (!IDENTIFIER.test(name)) throw new PatternError('bad character in group name');
    return name;
  }

  private capturingGroup(name: string | undefined): Node {
    const pyIndex = ++this.pyGroups;
    const jsName = `$p${pyIndex}`;
    this.jsNames[pyIndex] = jsName;
    if (name !== undefined) {
      if (this.names.has(name)) throw new PatternError('redefinition of group name');
      this.names.set(name, pyIndex);
    }
    const node = this.groupBody(`(?<${jsName}>`, ')');
    this.closed.add(pyIndex);
    return node;
  }

  private lookaround(open: string, behind: boolean): Node {
    const body = this.groupBody(open, ')');
    if (behind && body.min !== body.max) throw new PatternError('look-behind requires fixed-width pattern');
    return { src: body.src, min: 0, max: 0, kind: 'lookaround' };
  }

  private groupBody(open: string, close: string): Node {
    const inner = this.parseAlternation();
    if (!this.eat(')')) throw new PatternError('missing ), unterminated subpattern');
    return { src: `${open}${inner.src}${close}`, min: inner.min, max: inner.max, kind: 'atom' };
  }

  private parseEscape(): Node {
    const char = this.next();
    const categorySource = category(char, this.flags);
    if (categorySource !== undefined) return { src: categorySource, min: 1, max: 1, kind: 'atom' };
    const word = this.flags.a ? '[A-Za-z0-9_]' : WORD_U;
    switch (char) {
      case 'A':
        return { src: '^', min: 0, max: 0, kind: 'anchor' };
      case 'Z':
        return { src: '$', min: 0, max: 0, kind: 'anchor' };
      case 'b':
        return { src: `(?:(?<=${word})(?!${word})|(?<!${word})(?=${word}))`, min: 0, max: 0, kind: 'anchor' };
      case 'B':
        return { src: `(?:(?<=${word})(?=${word})|(?<!${word})(?!${word}))`, min: 0, max: 0, kind: 'anchor' };
    }
    if (/[1-9]/.test(char)) return this.backReferenceOrOctal(char);
    return { src: literal(this.escapedCodePoint(char, false)), min: 1, max: 1, kind: 'atom' };
  }

  private backReferenceOrOctal(first: string): Node {
    let digits = first;
    if (/[0-9]/.test(this.peek() ?? '')) {
      digits += this.next();
      if (/[0-7]/.test(digits[0] ?? '') && /[0-7]/.test(digits[1] ?? '') && /[0-7]/.test(this.peek() ?? '')) {
        digits += this.next();
        const code = Number.parseInt(digits, 8);
        if (code > 0o377) throw new PatternError('octal escape value outside of range');
        return { src: literal(code), min: 1, max: 1, kind: 'atom' };
      }
    }
    const group = Number(digits);
    if (!this.closed.has(group)) throw new PatternError('invalid group reference');
    return { src: `\\k<${this.jsNames[group]}>`, min: 0, max: Number.POSITIVE_INFINITY, kind: 'atom' };
  }

  /** The code point of a single-character escape (after the backslash), in or outside a class. */
  private escapedCodePoint(char: string, inClass: boolean): number {
    const simple = SIMPLE_ESCAPES[char];
    if (simple !== undefined) return simple;
    if (inClass && char === 'b') return 8;
    if (char === 'x') return this.hexDigits(2);
    if (char === 'u') return this.hexDigits(4);
    if (char === 'U') {
      const code = this.hexDigits(8);
      if (code > 0x10ffff) throw new PatternError('bad escape');
      return code;
    }
    if (char === '0' || (inClass && /[1-7]/.test(char))) {
      let digits = char;
      while (digits.length < 3 && /[0-7]/.test(this.peek() ?? '')) digits += this.next();
      const code = Number.parseInt(digits, 8);
      if (code > 0o377) throw new PatternError('octal escape value outside of range');
      return code;
    }
    if (ASCII_LETTERS.test(char) || /[0-9]/.test(char)) throw new PatternError(`bad escape \\${char}`);
    return char.codePointAt(0) ?? 0;
  }

  private hexDigits(count: number): number {
    let digits = '';
    for (let k = 0; k < count; k++) {
      const char = this.peek();
      if (char === undefined || !HEX.test(char)) throw new PatternError('incomplete escape');
      digits += this.next();
    }
    return Number.parseInt(digits, 16);
  }

  /** One class member: a code point, or a category (returned as JavaScript source). */
  private classMember(char: string): number | string {
    if (char !== '\\') return char.codePointAt(0) ?? 0;
    const escaped = this.next();
    return category(escaped, this.flags) ?? this.escapedCodePoint(escaped, true);
  }

  private parseClass(): string {
    const negate = this.eat('^');
    const parts: string[] = [];
    for (;;) {
      const char = this.peek();
      if (char === undefined) throw new PatternError('unterminated character set');
      this.next();
      if (char === ']' && parts.length > 0) break;
      const low = this.classMember(char);
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.next();
        const high = this.classMember(this.next());
        if (typeof low !== 'number' || typeof high !== 'number' || high < low) {
          throw new PatternError('bad character range');
        }
        parts.push(`${literal(low)}-${literal(high)}`);
      } else {
        parts.push(typeof low === 'number' ? literal(low) : low);
      }
    }
    return `[${negate ? '^' : ''}${parts.join('')}]`;
  }
}

/** A pattern translated for JavaScript, anchored at the start like Python's `re.match`. */
export function translatePythonRegex(pattern: string): RegExp | undefined {
  try {
    const parser = new PyRegexParser(pattern);
    const source = parser.translate();
    return new RegExp(`^(?:${source})`, parser.globalIgnoreCase ? 'vi' : 'v');
  } catch {
    return undefined;
  }
}

const cache = new Map<string, RegExp | undefined>();

/** {@link translatePythonRegex} with a bounded cache (patterns repeat across conditions and evaluations). */
export function pythonRegex(pattern: string): RegExp | undefined {
  if (cache.has(pattern)) return cache.get(pattern);
  if (cache.size >= 1000) cache.clear();
  const regex = translatePythonRegex(pattern);
  cache.set(pattern, regex);
  return regex;
}
