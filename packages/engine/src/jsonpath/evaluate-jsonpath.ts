import { pushAll } from '../support/push-all.ts';
import type {
  Comparable,
  FunctionArgument,
  FunctionCall,
  JsonPathQuery,
  JsonPathSelector,
  LogicalExpression,
} from './jsonpath-ast.ts';

// Evaluation of RFC 9535 queries over plain JavaScript values (what JSON.parse produces). Objects are visited in
// their own-key order, descendants in pre-order (a node before its children), as RFC 9535 §2.5.2.2 allows.

const NOTHING: unique symbol = Symbol('nothing');
type Value = unknown;
type MaybeValue = Value | typeof NOTHING;

function isObject(value: Value): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function children(value: Value): readonly Value[] {
  if (Array.isArray(value)) return value;
  if (isObject(value)) return Object.values(value);
  return [];
}

function normalizeIndex(index: number, length: number): number {
  return index >= 0 ? index : length + index;
}

function slice(array: readonly Value[], start?: number, end?: number, step = 1): Value[] {
  const out: Value[] = [];
  if (step === 0) return out;
  const length = array.length;
  const bound = (value: number): number => {
    const n = normalizeIndex(value, length);
    return step > 0 ? Math.min(Math.max(n, 0), length) : Math.min(Math.max(n, -1), length - 1);
  };
  if (step > 0) {
    const lower = start === undefined ? 0 : bound(start);
    const upper = end === undefined ? length : bound(end);
    for (let i = lower; i < upper; i += step) out.push(array[i]);
  } else {
    const upper = start === undefined ? length - 1 : bound(start);
    const lower = end === undefined ? -1 : bound(end);
    for (let i = upper; i > lower; i += step) out.push(array[i]);
  }
  return out;
}

function select(selector: JsonPathSelector, value: Value, root: Value, out: Value[]): void {
  switch (selector.kind) {
    case 'name':
      if (isObject(value) && Object.hasOwn(value, selector.name)) out.push(value[selector.name]);
      return;
    case 'wildcard':
      pushAll(out, children(value));
      return;
    case 'index':
      if (Array.isArray(value)) {
        const i = normalizeIndex(selector.index, value.length);
        if (i >= 0 && i < value.length) out.push(value[i]);
      }
      return;
    case 'slice':
      if (Array.isArray(value)) pushAll(out, slice(value, selector.start, selector.end, selector.step));
      return;
    case 'filter':
      for (const child of children(value)) if (test(selector.expression, child, root)) out.push(child);
      return;
  }
}

function descend(value: Value, visit: (node: Value) => void, depth = 0): void {
  if (depth > 1000) return;
  visit(value);
  for (const child of children(value)) descend(child, visit, depth + 1);
}

/** All values a query selects from `current` (`@`) or `root` (`$`), in RFC 9535 order. */
export function queryValues(query: JsonPathQuery, current: Value, root: Value): Value[] {
  let nodes: Value[] = [query.root === '$' ? root : current];
  for (const segment of query.segments) {
    const next: Value[] = [];
    for (const node of nodes) {
      const visit = (target: Value): void => {
        for (const selector of segment.selectors) select(selector, target, root, next);
      };
      if (segment.descendant) descend(node, visit);
      else visit(node);
    }
    nodes = next;
  }
  return nodes;
}

function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

function codePointLess(a: string, b: string): boolean {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const cx = x[i]?.codePointAt(0) ?? 0;
    const cy = y[i]?.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy;
  }
  return x.length < y.length;
}

function less(a: MaybeValue, b: MaybeValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a < b;
  if (typeof a === 'string' && typeof b === 'string') return codePointLess(a, b);
  return false;
}

function equal(a: MaybeValue, b: MaybeValue): boolean {
  if (a === NOTHING || b === NOTHING) return a === b;
  return deepEqual(a, b);
}

// I-Regexp (RFC 9485) → JavaScript: '.' excludes only \n and \r; everything else maps directly in `u` mode.
function iRegexp(pattern: string, whole: boolean): RegExp | undefined {
  let source = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      source += char + (pattern[i + 1] ?? '');
      i++;
    } else if (char === '[') {
      inClass = true;
      source += char;
    } else if (char === ']') {
      inClass = false;
      source += char;
    } else source += char === '.' && !inClass ? '[^\\n\\r]' : char;
  }
  try {
    return new RegExp(whole ? `^(?:${source})$` : source, 'u');
  } catch {
    return undefined;
  }
}

function call(fn: FunctionCall, current: Value, root: Value): MaybeValue {
  const [first, second] = fn.args;
  switch (fn.name) {
    case 'length': {
      const value = argumentValue(first, current, root);
      if (typeof value === 'string') return Array.from(value).length;
      if (Array.isArray(value)) return value.length;
      if (isObject(value)) return Object.keys(value).length;
      return NOTHING;
    }
    case 'count':
      return first?.kind === 'query' ? queryValues(first.query, current, root).length : NOTHING;
    case 'value': {
      const nodes = first?.kind === 'query' ? queryValues(first.query, current, root) : [];
      return nodes.length === 1 ? nodes[0] : NOTHING;
    }
    default: {
      const text = argumentValue(first, current, root);
      const pattern = argumentValue(second, current, root);
      if (typeof text !== 'string' || typeof pattern !== 'string') return false;
      return iRegexp(pattern, fn.name === 'match')?.test(text) ?? false;
    }
  }
}

function argumentValue(
  arg: FunctionArgument | Comparable | undefined,
  current: Value,
  root: Value,
): MaybeValue {
  if (arg === undefined) return NOTHING;
  if (arg.kind === 'literal') return arg.value;
  if (arg.kind === 'function') return call(arg, current, root);
  const nodes = queryValues(arg.query, current, root);
  return nodes.length === 1 ? nodes[0] : NOTHING;
}

function test(expression: LogicalExpression, current: Value, root: Value): boolean {
  switch (expression.kind) {
    case 'or':
      return expression.operands.some((operand) => test(operand, current, root));
    case 'and':
      return expression.operands.every((operand) => test(operand, current, root));
    case 'not':
      return !test(expression.operand, current, root);
    case 'exists':
      return queryValues(expression.query, current, root).length > 0;
    case 'test':
      return call(expression.call, current, root) === true;
    case 'comparison': {
      const a = argumentValue(expression.left, current, root);
      const b = argumentValue(expression.right, current, root);
      switch (expression.operator) {
        case '==':
          return equal(a, b);
        case '!=':
          return !equal(a, b);
        case '<':
          return less(a, b);
        case '<=':
          return less(a, b) || equal(a, b);
        case '>':
          return less(b, a);
        default:
          return less(b, a) || equal(a, b);
      }
    }
  }
}
