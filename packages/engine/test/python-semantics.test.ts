import { describe, expect, it } from 'vitest';
import { coerceContextValue } from '../src/context/coerce-context-value.ts';
import { compareStrings } from '../src/python/py-compare.ts';
import { parsePythonJson } from '../src/python/py-json.ts';
import { compareNumbers, pyFloat, pyInt, pyMod } from '../src/python/py-number.ts';
import { floatToString, pyRepr, pyStr, pyStrAny } from '../src/python/py-str.ts';
import { PyFloat } from '../src/python/py-value.ts';

// Expected values are what CPython 3.12 prints for the same expressions (int(), float(), repr(), %, json.loads).

describe('pyInt (Python int(str))', () => {
  it.each([
    ['42', 42],
    [' 42\n', 42],
    ['+7', 7],
    ['-0', 0],
    ['007', 7],
    ['1_000', 1000],
    ['12345678901234567890', 12345678901234567890n],
  ])('int(%j) is %s', (text, expected) => {
    expect(pyInt(text)).toBe(expected);
  });

  it.each(['1.5', 'abc', '', ' ', '1_', '_1', '1__0', '0x10', '1e3', 'true', '١٢'])(
    'int(%j) raises',
    (text) => {
      expect(pyInt(text)).toBeUndefined();
    },
  );
});

describe('pyFloat (Python float(str))', () => {
  it.each([
    ['1.5', 1.5],
    [' -2 ', -2],
    ['1e3', 1000],
    ['.5', 0.5],
    ['5.', 5],
    ['1_0.5', 10.5],
    ['inf', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('float(%j) is %d', (text, expected) => {
    expect(pyFloat(text)).toBe(expected);
  });

  it('float("nan") is NaN', () => {
    expect(pyFloat('NaN')).toBeNaN();
  });

  it.each(['', 'abc', '1.2.3', '1e', '0x1p3', '1,5', 'infinit'])('float(%j) raises', (text) => {
    expect(pyFloat(text)).toBeUndefined();
  });
});

describe('floatToString (Python repr(float))', () => {
  it.each([
    [1.5, '1.5'],
    [35, '35.0'],
    [0.1, '0.1'],
    [-0, '-0.0'],
    [1e16, '1e+16'],
    [1e15, '1000000000000000.0'],
    [1.5e-5, '1.5e-05'],
    [0.0001, '0.0001'],
    [123456789012345680000, '1.2345678901234568e+20'],
    [Number.NaN, 'nan'],
    [Number.NEGATIVE_INFINITY, '-inf'],
  ])('repr(%d) is %s', (value, expected) => {
    expect(floatToString(value)).toBe(expected);
  });
});

describe('pyStr', () => {
  it.each([
    [true, 'True'],
    [false, 'False'],
    [null, 'None'],
    [7, '7'],
    [1e21, '1000000000000000000000'],
    [1.5, '1.5'],
    [new PyFloat(35), '35.0'],
    [12345678901234567890n, '12345678901234567890'],
  ])('str(%s) is %s', (value, expected) => {
    expect(pyStr(value)).toBe(expected);
  });
});

describe('pyRepr', () => {
  it('renders lists and dicts as Python str() does', () => {
    expect(pyRepr([1, 'a', true, null, 1.5])).toBe("[1, 'a', True, None, 1.5]");
    expect(pyRepr({ k: [1], "it's": 'say "hi"' })).toBe(`{'k': [1], "it's": 'say "hi"'}`);
    expect(pyRepr(['tab\there', 'é', '\u0001'])).toBe("['tab\\there', 'é', '\\x01']");
    expect(
      pyStrAny(
        new Map([
          ['2', 1],
          ['1', 2],
        ]),
      ),
    ).toBe("{'2': 1, '1': 2}");
  });
});

describe('pyMod (Python float %)', () => {
  it.each([
    [7, 3, 1],
    [-7, 3, 2],
    [7, -3, -2],
    [35, 4, 3],
    [5.5, 2, 1.5],
  ])('%d %% %d is %d', (a, b, expected) => {
    expect(pyMod(a, b)).toBe(expected);
  });
});

describe('compareNumbers', () => {
  it('compares ints beyond 2^53 exactly, and NaN is unordered', () => {
    expect(compareNumbers(2n ** 60n + 1n, 2n ** 60n)).toBe(1);
    expect(compareNumbers(2 ** 60, 2n ** 60n)).toBe(0);
    expect(compareNumbers(Number.NaN, 1)).toBeNaN();
  });
});

describe('compareStrings (Python str ordering)', () => {
  it('orders by code point, so astral characters sort above the rest of the BMP', () => {
    expect(compareStrings('\u{10000}', '\uffff')).toBe(1);
    expect('\u{10000}' < '\uffff').toBe(true); // JavaScript's code-unit order disagrees
    expect(compareStrings('a', 'b')).toBe(-1);
    expect(compareStrings('ab', 'a')).toBe(1);
    expect(compareStrings('x', 'x')).toBe(0);
  });
});

describe('coerceContextValue (spec §3.4 step 4)', () => {
  it.each([
    ['35', 35],
    ['007', 7],
    ['-12', -12],
    ['1.50', 1.5],
    ['12345678901234567890', 12345678901234567890n],
    ['1e3', '1e3'],
    [' 35', ' 35'],
    ['35.', '35.'],
    ['+35', '+35'],
    ['abc', 'abc'],
    [true, true],
    [1.25, 1.25],
    [null, null],
    [undefined, null],
  ])('coerces %j to %s', (raw, expected) => {
    expect(coerceContextValue(raw)).toEqual(expected);
  });

  it('keeps "35.0" a float (its str() is "35.0", and it compares as a float)', () => {
    expect(coerceContextValue('35.0')).toEqual(new PyFloat(35));
  });

  it('turns a non-scalar trait into its Python str()', () => {
    expect(coerceContextValue([1, 'a'])).toBe("[1, 'a']");
    expect(coerceContextValue({ a: false })).toBe("{'a': False}");
  });
});

describe('parsePythonJson (Python json.loads)', () => {
  it('keeps ints and floats apart and accepts NaN/Infinity', () => {
    const parsed = parsePythonJson(' [1, 1.0, 1e2, -0, "x", NaN, Infinity, [true]] ');
    expect(parsed?.value).toEqual([
      1,
      new PyFloat(1),
      new PyFloat(100),
      0,
      'x',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      [true],
    ]);
  });

  it.each(['[1,]', '[1 2]', "['a']", '[1] x', '', '[', '\ufeff[1]', '["\u0001"]', '[01]'])(
    'rejects %j',
    (text) => {
      expect(parsePythonJson(text)).toBeUndefined();
    },
  );

  it('pairs surrogate escapes and keeps lone ones', () => {
    expect(parsePythonJson('["\\ud834\\udd1e", "\\ud800"]')?.value).toEqual(['\u{1d11e}', '\ud800']);
  });
});

describe('parsePythonJson objects and errors', () => {
  it('parses objects into ordered maps, with every escape', () => {
    expect(parsePythonJson('{"b": 1, "a": [{}], "s": "\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041"}')?.value).toEqual(
      new Map<string, unknown>([
        ['b', 1],
        ['a', [new Map()]],
        ['s', '"\\/\b\f\n\r\tA'],
      ]),
    );
    expect(parsePythonJson('[{"k": -Infinity}]')?.value).toEqual([
      new Map([['k', Number.NEGATIVE_INFINITY]]),
    ]);
    expect(pyStrAny(parsePythonJson('{"2": [1.5, null], "1": {}}')?.value)).toBe(
      "{'2': [1.5, None], '1': {}}",
    );
  });

  it.each(['{"a" 1}', '{1: 2}', '{"a": 1,}', '{"a": 1 "b": 2}', '"abc', '"\\x"', '"\\u12"', '[1, 2', '{'])(
    'rejects %j',
    (text) => {
      expect(parsePythonJson(text)).toBeUndefined();
    },
  );

  it('rejects nesting deeper than the recursion limit (Python raises RecursionError)', () => {
    expect(parsePythonJson(`${'['.repeat(600)}${']'.repeat(600)}`)).toBeUndefined();
    expect(parsePythonJson(`${'['.repeat(100)}${']'.repeat(100)}`)).toBeDefined();
  });
});

describe('Python repr and json edge cases', () => {
  it('escapes non-printable characters above U+00FF as \\u and astral ones as \\U', () => {
    expect(pyRepr(['\u2028', '\u{e0001}'])).toBe("['\\u2028', '\\U000e0001']");
  });

  it('keeps a high-surrogate escape that is not followed by a low one', () => {
    expect(parsePythonJson('["\\ud800\\u0041"]')?.value).toEqual(['\ud800A']);
  });

  it('reads a JavaScript bigint trait as a Python int', () => {
    expect(coerceContextValue(2n ** 70n)).toBe(2n ** 70n);
    expect(coerceContextValue(5n)).toBe(5);
  });
});
