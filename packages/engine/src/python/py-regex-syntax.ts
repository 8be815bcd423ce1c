// The pieces of Python regex syntax that py-regex.ts emits as JavaScript (`v` mode): flags, the node a parse
// step yields, literals, and the character categories, which are Unicode-aware in Python unless (?a) is set.

export interface Flags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
  readonly x: boolean;
  readonly a: boolean;
}

export interface Node {
  readonly src: string;
  readonly min: number;
  readonly max: number;
  /** Anchors cannot be repeated; repeats cannot be repeated again. */
  readonly kind: 'atom' | 'anchor' | 'repeat' | 'lookaround';
}

export class PatternError extends Error {}

export const WORD_U = '[\\p{L}\\p{N}_]';
const NOT_WORD_U = '[^\\p{L}\\p{N}_]';
const SPACE_CHARS_U =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPACE_CHARS_A = '\\t\\n\\v\\f\\r ';
export const ASCII_LETTERS = /^[A-Za-z]$/;
export const HEX = /^[0-9a-fA-F]$/;
export const IDENTIFIER = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;

export function literal(codePoint: number): string {
  const char = String.fromCodePoint(codePoint);
  return /^[A-Za-z0-9]$/.test(char) ? char : `\\u{${codePoint.toString(16)}}`;
}

export function category(letter: string, flags: Flags): string | undefined {
  const word = flags.a ? '[A-Za-z0-9_]' : WORD_U;
  const notWord = flags.a ? '[^A-Za-z0-9_]' : NOT_WORD_U;
  const spaces = flags.a ? SPACE_CHARS_A : SPACE_CHARS_U;
  switch (letter) {
    case 'd':
      return flags.a ? '[0-9]' : '\\p{Nd}';
    case 'D':
      return flags.a ? '[^0-9]' : '\\P{Nd}';
    case 'w':
      return word;
    case 'W':
      return notWord;
    case 's':
      return `[${spaces}]`;
    case 'S':
      return `[^${spaces}]`;
    default:
      return undefined;
  }
}

export const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  a: 7,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
};
