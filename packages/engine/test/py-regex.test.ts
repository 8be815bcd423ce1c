import { describe, expect, it } from 'vitest';
import { translatePythonRegex } from '../src/python/py-regex.ts';

/** Python's `re.match(pattern, text) is not None`, as this test expects CPython 3.12 to answer. */
function matches(pattern: string, text: string): boolean | 'error' {
  const regex = translatePythonRegex(pattern);
  return regex === undefined ? 'error' : regex.test(text);
}

describe('translatePythonRegex: re.match semantics', () => {
  it.each([
    // anchored at the start only
    ['abc', 'abcdef', true],
    ['bc', 'abc', false],
    ['.*bc', 'abc', true],
    // $ also matches before a final newline; \Z only at the very end
    ['a$', 'a\n', true],
    ['a\\Z', 'a\n', false],
    ['a$', 'a\nb', false],
    ['(?m)a$', 'a\nb', true],
    ['(?m)^b', 'a\nb', false], // re.match starts at position 0
    ['a\\n^b', 'a\nb', false],
    ['(?m)a\\n^b', 'a\nb', true],
    // . excludes only \n
    ['.', '\n', false],
    ['.', '\r', true],
    ['(?s).', '\n', true],
    // Unicode-aware classes
    ['\\d+$', '١٢٣', true],
    ['(?a)\\d', '١', false],
    ['\\w+$', 'héllo', true],
    ['\\s', '\u001c', true],
    ['\\s', '\ufeff', false],
    ['caf\\b', 'café', false],
    // character classes
    ['[]a]+$', ']a]', true],
    ['[^]a]', 'b', true],
    ['[\\w-]', '-', true],
    ['[a-c\\d]+$', 'b7', true],
    ['[\\b]', '\b', true],
    // quantifiers
    ['a{,2}b', 'aab', true],
    ['a{2}', 'a', false],
    ['a{', 'a{', true],
    ['a{}', 'a{}', true],
    ['a{1,2', 'a{1,2', true],
    ['x*?y', 'xxy', true],
    // possessive and atomic: no backtracking into them
    ['a*+a', 'aaa', false],
    ['(?>a+)b', 'aab', true],
    ['(?>a|ab)c', 'abc', false],
    ['(a)(?>b)\\1', 'aba', true],
    // groups and references
    ['(a)\\1', 'aa', true],
    ['(?P<x>a)(?P=x)', 'aa', true],
    ['(?:ab)+$', 'abab', true],
    ['(?i)ABC', 'abc', true],
    ['(?i:A)b', 'aB', false],
    ['(?i:A)b', 'ab', true],
    ['a(?#comment)b', 'ab', true],
    ['a(?#c)*', 'aaa', true],
    ['(?x) a b # comment', 'ab', true],
    ['(?<=a)b', 'ab', false], // match starts at 0: the look-behind cannot see before it
    ['a(?=b)', 'ab', true],
    ['(?=a)*a', 'a', true],
    // escapes
    ['\\x41\\u0042\\U00000043', 'ABC', true],
    ['\\0', '\0', true],
    ['\\101', 'A', true],
    ['[\\101]', 'A', true],
    ['\\.', '.', true],
    ['\\-', '-', true],
    // the generator's patterns
    ['^[a-m].*@example\\.com$', 'bob@example.com', true],
    ['.*\\+beta@.*', 'x+beta@y', true],
    ['^user[0-9]{2}@', 'user12@x', true],
  ])('re.match(%j, %j) is %s', (pattern, text, expected) => {
    expect(matches(pattern, text)).toBe(expected);
  });

  it.each([
    '[a-', // unterminated set
    '(ab', // missing )
    'ab)', // unbalanced )
    '*a', // nothing to repeat
    'a**', // multiple repeat
    'a{2}{3}',
    '^*',
    '\\e', // bad escape
    '\\z',
    '[\\d-z]', // bad character range
    '[z-a]',
    '(a)\\2', // invalid group reference
    '(a\\1)', // reference to an open group
    '(?P<x>a)(?P<x>b)', // redefinition of group name
    '(?<=a+)b', // look-behind requires fixed width
    '(?<n>a)', // not Python syntax
    '(?L)a', // LOCALE on a str pattern
    'a(?i)b', // global flags not at the start
    '(?(1)a|b)', // conditional groups: not translatable
    '\\N{LATIN SMALL LETTER A}', // named characters: not translatable
    '\\x4', // incomplete escape
    'a{3,1}',
  ])('%j is rejected (Python raises or it cannot be translated)', (pattern) => {
    expect(matches(pattern, 'anything')).toBe('error');
  });
});

describe('translatePythonRegex: flags and escapes', () => {
  it.each([
    ['(?a)\\w\\W\\s\\S\\d\\D', 'a- x1y', true],
    ['(?a)\\w', 'é', false],
    ['\\D\\W\\S', 'a-x', true],
    ['[\\s\\d]+$', ' 1 2', true],
    ['[\\W]', 'é', false],
    ['[\\D]', '5', false],
    ['[\\S]', ' ', false],
    ['(?u)a', 'a', true],
    ['(?i)a(?-i:B)', 'Ab', false],
    ['(?i)a(?-i:B)', 'AB', true],
    ['(?s:.)', '\n', true],
    ['(?x: a b )c', 'abc', true],
    ['(?m:$)\\n', '\n', true],
    ['(?!a)b', 'b', true],
    ['(?<!a)b', 'b', true],
    ['a\\B', 'ab', true],
    ['\\Aa', 'a', true],
    ['(a)(b)(c)(d)(e)(f)(g)(h)\\8', 'abcdefghh', true],
    ['\\U0001F600', '\u{1F600}', true],
    ['[\\0-\\x1f]', '\u0007', true],
  ])('re.match(%j, %j) is %s', (pattern, text, expected) => {
    expect(matches(pattern, text)).toBe(expected);
  });

  it.each([
    '(?au)a',
    '(?-a:a)',
    '(?-:a)',
    '(?P<1a>x)',
    '(?P=missing)',
    '(?P<a>x)(?P=b)',
    '\\U00110000',
    '\\777',
    '[\\777]',
    '(?z)a',
    '(',
  ])('%j is rejected', (pattern) => {
    expect(matches(pattern, 'a')).toBe('error');
  });

  it('caches translations: the same pattern gives the same RegExp object', async () => {
    const { pythonRegex } = await import('../src/python/py-regex.ts');
    expect(pythonRegex('a+b')).toBe(pythonRegex('a+b'));
    expect(pythonRegex('[')).toBeUndefined();
  });
});
