import type {
  Comparable,
  FunctionArgument,
  FunctionCall,
  FunctionName,
  JsonLiteral,
  JsonPathQuery,
  JsonPathSegment,
  JsonPathSelector,
  LogicalExpression,
} from './jsonpath-ast.ts';

// A parser for RFC 9535 JSONPath, strict like the `jsonpath-rfc9535` package the Python engine uses: anything
// outside the grammar (e.g. `$.a-b`, `$.a.`, `$['a]`) is a syntax error, and filter expressions are type-checked
// (§2.4.3 well-typedness). Flagsmith parity (spec §3.4): a property that fails to parse is read as a plain trait.

class JsonPathSyntaxError extends Error {}

const MAX_INT = 2 ** 53 - 1;
const FUNCTION_NAMES: ReadonlySet<string> = new Set(['length', 'count', 'match', 'search', 'value']);

function isNameFirst(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code >= 0x80;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isSingular(query: JsonPathQuery): boolean {
  return query.segments.every(
    (segment) =>
      !segment.descendant &&
      segment.selectors.length === 1 &&
      (segment.selectors[0]?.kind === 'name' || segment.selectors[0]?.kind === 'index'),
  );
}

class Parser {
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  parse(): JsonPathQuery {
    if (this.text[0] !== '$') throw new JsonPathSyntaxError('a query starts with $');
    this.pos = 1;
    const query = this.segments('$');
    if (this.pos !== this.text.length) throw new JsonPathSyntaxError(`unexpected '${this.text[this.pos]}'`);
    return query;
  }

  private code(offset = 0): number {
    return this.text.charCodeAt(this.pos + offset);
  }

  private skipBlank(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos] ?? '')) this.pos++;
  }

  private expect(token: string): void {
    if (!this.text.startsWith(token, this.pos)) throw new JsonPathSyntaxError(`expected '${token}'`);
    this.pos += token.length;
  }

  private segments(root: '$' | '@'): JsonPathQuery {
    const segments: JsonPathSegment[] = [];
    for (;;) {
      const start = this.pos;
      this.skipBlank();
      const char = this.text[this.pos];
      if (char === '[') segments.push({ descendant: false, selectors: this.bracketed() });
      else if (char === '.' && this.text[this.pos + 1] === '.') {
        this.pos += 2;
        segments.push({ descendant: true, selectors: this.dotted(true) });
      } else if (char === '.') {
        this.pos += 1;
        segments.push({ descendant: false, selectors: this.dotted(false) });
      } else {
        this.pos = start; // blank space belongs to whatever follows the query
        return { root, segments };
      }
    }
  }

  private dotted(descendant: boolean): JsonPathSelector[] {
    if (descendant && this.text[this.pos] === '[') return this.bracketed();
    if (this.text[this.pos] === '*') {
      this.pos++;
      return [{ kind: 'wildcard' }];
    }
    const start = this.pos;
    if (!isNameFirst(this.code())) throw new JsonPathSyntaxError('expected a member name');
    while (this.pos < this.text.length && (isNameFirst(this.code()) || isDigit(this.code()))) this.pos++;
    return [{ kind: 'name', name: this.text.slice(start, this.pos) }];
  }

  private bracketed(): JsonPathSelector[] {
    this.expect('[');
    const selectors: JsonPathSelector[] = [];
    for (;;) {
      this.skipBlank();
      selectors.push(this.selector());
      this.skipBlank();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return selectors;
      }
      this.expect(',');
    }
  }

  private selector(): JsonPathSelector {
    const char = this.text[this.pos];
    if (char === "'" || char === '"') return { kind: 'name', name: this.stringLiteral() };
    if (char === '*') {
      this.pos++;
      return { kind: 'wildcard' };
    }
    if (char === '?') {
      this.pos++;
      this.skipBlank();
      return { kind: 'filter', expression: this.logicalOr() };
    }
    const start = char === ':' ? undefined : this.integer();
    this.skipBlank();
    if (this.text[this.pos] !== ':') {
      if (start === undefined) throw new JsonPathSyntaxError('expected a selector');
      return { kind: 'index', index: start };
    }
    this.pos++;
    this.skipBlank();
    const end = this.optionalInteger();
    this.skipBlank();
    let step: number | undefined;
    if (this.text[this.pos] === ':') {
      this.pos++;
      this.skipBlank();
      step = this.optionalInteger();
    }
    return { kind: 'slice', start, end, step };
  }

  private optionalInteger(): number | undefined {
    const code = this.code();
    return code === 45 || isDigit(code) ? this.integer() : undefined;
  }

  private integer(): number {
    const start = this.pos;
    if (this.text[this.pos] === '-') this.pos++;
    if (this.text[this.pos] === '0') this.pos++;
    else {
      if (!isDigit(this.code()) || this.text[this.pos] === '0')
        throw new JsonPathSyntaxError('expected an integer');
      while (isDigit(this.code())) this.pos++;
    }
    const text = this.text.slice(start, this.pos);
    const value = Number(text);
    if (text === '-0' || Math.abs(value) > MAX_INT) throw new JsonPathSyntaxError('integer out of range');
    return value;
  }

  private stringLiteral(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const char = this.text[this.pos++];
      if (char === undefined) throw new JsonPathSyntaxError('unterminated string');
      if (char === quote) return out;
      if (char.charCodeAt(0) < 0x20) throw new JsonPathSyntaxError('control character in string');
      if (char !== '\\') {
        out += char;
        continue;
      }
      const escaped = this.text[this.pos++];
      const simple: Record<string, string> = {
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
        '/': '/',
        '\\': '\\',
      };
      if (escaped !== undefined && simple[escaped] !== undefined) out += simple[escaped];
      else if (escaped === quote) out += quote;
      else if (escaped === 'u') out += this.unicodeEscape();
      else throw new JsonPathSyntaxError('invalid escape');
    }
  }

  private hex4(): number {
    const digits = this.text.slice(this.pos, this.pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) throw new JsonPathSyntaxError('invalid \\u escape');
    this.pos += 4;
    return Number.parseInt(digits, 16);
  }

  private unicodeEscape(): string {
    const high = this.hex4();
    if (high >= 0xdc00 && high <= 0xdfff) throw new JsonPathSyntaxError('lone low surrogate');
    if (high < 0xd800 || high > 0xdbff) return String.fromCharCode(high);
    this.expect('\\u');
    const low = this.hex4();
    if (low < 0xdc00 || low > 0xdfff) throw new JsonPathSyntaxError('expected a low surrogate');
    return String.fromCharCode(high, low);
  }

  private logicalOr(): LogicalExpression {
    return this.joined('||', 'or', () => this.logicalAnd());
  }

  private logicalAnd(): LogicalExpression {
    return this.joined('&&', 'and', () => this.basic());
  }

  /** Operands separated by `token` (blank space allowed around it), as one `kind` expression when several. */
  private joined(token: string, kind: 'or' | 'and', operand: () => LogicalExpression): LogicalExpression {
    const operands = [operand()];
    for (;;) {
      const start = this.pos;
      this.skipBlank();
      if (!this.text.startsWith(token, this.pos)) {
        this.pos = start;
        break;
      }
      this.pos += token.length;
      this.skipBlank();
      operands.push(operand());
    }
    return operands.length === 1 ? (operands[0] as LogicalExpression) : { kind, operands };
  }

  private basic(): LogicalExpression {
    if (this.text[this.pos] === '!') {
      this.pos++;
      this.skipBlank();
      if (this.text[this.pos] === '(') return { kind: 'not', operand: this.parenthesised() };
      return { kind: 'not', operand: this.testOnly() };
    }
    if (this.text[this.pos] === '(') return this.parenthesised();
    const left = this.operand();
    const start = this.pos;
    this.skipBlank();
    const operator = (['==', '!=', '<=', '>=', '<', '>'] as const).find((op) =>
      this.text.startsWith(op, this.pos),
    );
    if (operator === undefined) {
      this.pos = start;
      return this.asTest(left);
    }
    this.pos += operator.length;
    this.skipBlank();
    return {
      kind: 'comparison',
      operator,
      left: this.comparable(left),
      right: this.comparable(this.operand()),
    };
  }

  private parenthesised(): LogicalExpression {
    this.expect('(');
    this.skipBlank();
    const inner = this.logicalOr();
    this.skipBlank();
    this.expect(')');
    return inner;
  }

  private testOnly(): LogicalExpression {
    return this.asTest(this.operand());
  }

  private asTest(operand: FunctionArgument): LogicalExpression {
    if (operand.kind === 'query') return { kind: 'exists', query: operand.query };
    if (operand.kind === 'function' && (operand.name === 'match' || operand.name === 'search')) {
      return { kind: 'test', call: operand };
    }
    throw new JsonPathSyntaxError('expected a test or a comparison');
  }

  private comparable(operand: FunctionArgument): Comparable {
    if (operand.kind === 'literal') return operand;
    if (operand.kind === 'query' && isSingular(operand.query)) return operand;
    if (operand.kind === 'function' && ['length', 'count', 'value'].includes(operand.name)) return operand;
    throw new JsonPathSyntaxError('not comparable');
  }

  /** A literal, a query (relative or absolute) or a function call. */
  private operand(): FunctionArgument {
    const char = this.text[this.pos];
    if (char === '@' || char === '$') {
      this.pos++;
      return { kind: 'query', query: this.segments(char) };
    }
    if (char === "'" || char === '"') return { kind: 'literal', value: this.stringLiteral() };
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (
        this.text.startsWith(word, this.pos) &&
        !/[a-z0-9_]/.test(this.text[this.pos + word.length] ?? '')
      ) {
        this.pos += word.length;
        return { kind: 'literal', value };
      }
    }
    if (char === '-' || isDigit(this.code())) return { kind: 'literal', value: this.number() };
    return this.functionCall();
  }

  private number(): JsonLiteral {
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/.exec(this.text.slice(this.pos));
    if (!match) throw new JsonPathSyntaxError('invalid number');
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private functionCall(): FunctionCall {
    const match = /^[a-z][a-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!match || !FUNCTION_NAMES.has(match[0])) throw new JsonPathSyntaxError('unknown function');
    this.pos += match[0].length;
    const name = match[0] as FunctionName;
    this.expect('(');
    const args: FunctionArgument[] = [];
    this.skipBlank();
    if (this.text[this.pos] !== ')') {
      for (;;) {
        args.push(this.argument());
        this.skipBlank();
        if (this.text[this.pos] === ')') break;
        this.expect(',');
        this.skipBlank();
      }
    }
    this.pos++;
    checkArguments(name, args);
    return { kind: 'function', name, args };
  }

  private argument(): FunctionArgument {
    const char = this.text[this.pos];
    const isOperand = char !== '(' && char !== '!';
    const start = this.pos;
    if (isOperand) {
      const operand = this.operand();
      const after = this.pos;
      this.skipBlank();
      const rest = this.text[this.pos];
      if (rest === ',' || rest === ')') {
        this.pos = after;
        return operand; // a literal, a query or a function call, typed by the caller
      }
      this.pos = start;
    }
    // RFC 9535 allows logical arguments, but none of the standard functions takes one.
    throw new JsonPathSyntaxError('no function takes a logical argument');
  }
}

function isValueArgument(arg: FunctionArgument): boolean {
  if (arg.kind === 'literal') return true;
  if (arg.kind === 'query') return isSingular(arg.query);
  return arg.kind === 'function' && ['length', 'count', 'value'].includes(arg.name);
}

function checkArguments(name: FunctionName, args: readonly FunctionArgument[]): void {
  const arity = name === 'match' || name === 'search' ? 2 : 1;
  if (args.length !== arity) throw new JsonPathSyntaxError(`${name}() takes ${arity} argument(s)`);
  const wantsNodes = name === 'count' || name === 'value';
  for (const arg of args) {
    const ok = wantsNodes ? arg.kind === 'query' : isValueArgument(arg);
    if (!ok) throw new JsonPathSyntaxError(`${name}() argument of the wrong type`);
  }
}

/** Parses an RFC 9535 query; `undefined` when it is not valid JSONPath. */
export function parseJsonPath(text: string): JsonPathQuery | undefined {
  try {
    return new Parser(text).parse();
  } catch {
    return undefined; // a syntax error, or a RangeError from absurd nesting
  }
}
