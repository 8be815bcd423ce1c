import { describe, expect, it } from 'vitest';
import { hashedPercentage } from '../src/hashing/hashed-percentage.ts';
import type { ContextScalar } from '../src/index.ts';
import { inSegment } from './support/single-condition.ts';

const when = (operator: string, value: unknown, trait: ContextScalar | undefined) =>
  inSegment({ property: 'p', operator, value }, trait === undefined ? {} : { p: trait });

describe('typed comparisons (spec §3.5): the value is cast to the trait type', () => {
  it.each([
    // booleans: the value is true unless exactly "False"/"false" (spec §3.5 check values)
    ['EQUAL', 'true', true, true],
    ['EQUAL', 'True', true, true],
    ['EQUAL', '1', true, true],
    ['EQUAL', '0', false, false],
    ['NOT_EQUAL', 'True', false, true],
    ['EQUAL', 'false', false, true],
    ['GREATER_THAN', 'false', true, true],
    // int trait: int(value); a failed cast never matches, even for NOT_EQUAL
    ['EQUAL', 'true', 1, false],
    ['EQUAL', '1', 1, true],
    ['NOT_EQUAL', '1.5', 1, false],
    ['NOT_EQUAL', 'abc', 1, false],
    ['GREATER_THAN', ' 9 ', 10, true],
    ['LESS_THAN_INCLUSIVE', '10', 10, true],
    // float trait: float(value)
    ['EQUAL', '1.5', 1.5, true],
    ['GREATER_THAN', '1', 1.5, true],
    ['NOT_EQUAL', 'abc', 1.5, false],
    // numeric strings are coerced first: "35" is the int 35
    ['EQUAL', '35', '35', true],
    ['EQUAL', '35.0', '35', false],
    ['EQUAL', '7', '007', true],
    ['GREATER_THAN', '9', '10', true],
    ['EQUAL', '35.0', '35.0', true],
    ['EQUAL', '35', '35.0', true],
    // ints beyond 2^53 compare exactly, as Python's do
    ['EQUAL', '12345678901234567890', '12345678901234567890', true],
    ['EQUAL', '12345678901234567891', '12345678901234567890', false],
    ['GREATER_THAN', '12345678901234567889', '12345678901234567890', true],
    // strings compare lexicographically by code point
    ['GREATER_THAN', 'abc', 'abd', true],
    ['LESS_THAN', 'b', 'a', true],
    ['EQUAL', 'Pro', 'pro', false],
    // CONTAINS: substring of a string; never for numbers or booleans
    ['CONTAINS', 'exam', 'user@example.com', true],
    ['CONTAINS', '2', '123', false],
    ['CONTAINS', 'ru', true, false],
  ])('%s %j against trait %j is %s', (operator, value, trait, expected) => {
    expect(when(operator, value, trait)).toBe(expected);
  });

  it('a missing condition value is Python None: str() gives "None", int() fails, bool is true', () => {
    expect(when('EQUAL', null, 'None')).toBe(true);
    expect(when('EQUAL', null, 1)).toBe(false);
    expect(when('EQUAL', null, true)).toBe(true);
  });
});

describe('SemVer comparisons (value ends with ":semver")', () => {
  it.each([
    ['EQUAL', '1.2.3:semver', '1.2.3', true],
    ['EQUAL', '1.2.3:semver', '1.2.3+build.7', true],
    ['GREATER_THAN', '1.0.0-beta:semver', '1.0.0', true],
    ['LESS_THAN', '1.0.0-rc.3:semver', '1.0.0-rc.2', true],
    ['GREATER_THAN', '1.0.0-alpha.9:semver', '1.0.0-alpha.10', true],
    ['GREATER_THAN', '1.0.0-alpha:semver', '1.0.0-alpha.1', true],
    ['LESS_THAN', '1.0.0-alpha.1:semver', '1.0.0-alpha', true],
    ['GREATER_THAN', '1.0.0-9:semver', '1.0.0-a', true],
    ['GREATER_THAN', '1.2.3-pre.2+build.4:semver', '1.2.4', true],
    ['GREATER_THAN_INCLUSIVE', '2.0.0:semver', '10.0.0', true],
    ['NOT_EQUAL', '1.0.0:semver', 'v1.0.0', false], // not SemVer: no match at all
    ['EQUAL', '1.0:semver', '1.0.0', false], // the value is not SemVer either
    ['EQUAL', '1.0.0:semver', '1.0.0\n', true], // Python's `$` accepts a final newline
    ['EQUAL', '1.0.0:semver', '01.0.0', false],
    ['CONTAINS', 'beta:semver', '1.0.0-beta', true], // Version iterates its parts
    ['CONTAINS', '1:semver', '1.0.0', false],
  ])('%s %j against %j is %s', (operator, value, trait, expected) => {
    expect(when(operator, value, trait)).toBe(expected);
  });

  it('a numeric trait is not a SemVer: "1" is the int 1 and int("1.0.0:semver") fails', () => {
    expect(when('GREATER_THAN_INCLUSIVE', '1.0.0:semver', '1')).toBe(false);
  });
});

describe('IN (spec §3.5, §9 fact 9)', () => {
  it.each([
    ['a,b,c', 'b', true],
    ['a, b', 'b', false], // not trimmed
    ['A,B', 'a', false],
    ['["active","premium"]', 'premium', true],
    ['[foo,bar]', '[foo', true], // invalid JSON falls back to CSV
    ['"a,b"', '"a', true], // a JSON string is not a list: CSV of the raw text
    ['[1, 2]', 2, true], // ints compare as their str()
    ['[1.0]', '1.0', false], // "1.0" is coerced to a float: floats never match
    ['1,2', 1, true],
    ['1,2', 1.5, false],
    ['True,true', true, false], // booleans never match
    ['[[1, "a"]]', "[1, 'a']", true], // nested lists are str()-ed the Python way
  ])('IN %j with trait %j is %s', (value, trait, expected) => {
    expect(when('IN', value, trait)).toBe(expected);
  });

  it('accepts an array value (the context form)', () => {
    expect(when('IN', ['x,y', 'z'], 'x,y')).toBe(true);
    expect(when('IN', ['x,y', 'z'], 'x')).toBe(false);
  });

  it('a missing value never matches', () => {
    expect(when('IN', null, 'None')).toBe(false);
  });
});

describe('REGEX (Python re.match on str(value))', () => {
  it.each([
    ['[a-z]+', 'abc1', true],
    ['[0-9]', 'a1', false], // anchored at the start (a JS search would match)
    ['True', true, true],
    ['1\\.5', 1.5, true],
    ['35\\.0$', '35.0', true],
    ['7$', '007', true], // "007" is the int 7
    ['[', 'anything', false], // invalid pattern: no match
    ['.*', null, false], // not set
  ])('REGEX %j against %j is %s', (value, trait, expected) => {
    expect(when('REGEX', value, trait ?? undefined)).toBe(expected);
  });
});

describe('NOT_CONTAINS and MODULO', () => {
  it.each([
    ['NOT_CONTAINS', 'x', 'abc', true],
    ['NOT_CONTAINS', 'b', 'abc', false],
    ['NOT_CONTAINS', '1', '234', false], // "234" is an int after coercion: only strings qualify
    ['NOT_CONTAINS', 'x', true, false],
    ['MODULO', '4|3', 35, true],
    ['MODULO', '4|3', '35', true], // coerced to 35
    ['MODULO', '4|3', 35.0, true],
    ['MODULO', '3|2', -7, true], // Python: -7 % 3 == 2
    ['MODULO', '-3|-1', 5, true], // Python: 5 % -3 == -1
    ['MODULO', '2|1', true, true], // a bool is 0/1
    ['MODULO', '2.5|0.5', 3, true],
    ['MODULO', '0|0', 3, false], // zero divisor
    ['MODULO', '4|3|1', 35, false],
    ['MODULO', 'invalid|value', 35, false],
    ['MODULO', '', 35, false],
    ['MODULO', '4|3', 'abc', false],
    ['MODULO', '4|3', '1.2.3', false],
    ['MODULO', '4|3', '35.0', true], // the float 35.0
    // Python converts the int to a float first: 12345678901234567890 → 12345678901234567168.0
    ['MODULO', '10|8', '12345678901234567890', true],
    ['MODULO', '10|0', '12345678901234567890', false],
  ])('%s %j against %j is %s', (operator, value, trait, expected) => {
    expect(when(operator, value, trait)).toBe(expected);
  });
});

describe('IS_SET, IS_NOT_SET and missing values', () => {
  it('IS_SET holds for any non-null value, IS_NOT_SET for a missing or null one', () => {
    expect(when('IS_SET', '', false)).toBe(true);
    expect(when('IS_SET', '', null)).toBe(false);
    expect(when('IS_NOT_SET', '', undefined)).toBe(true);
    expect(when('IS_NOT_SET', '', 0)).toBe(false);
  });

  it('every other operator is false for a missing trait, including NOT_EQUAL and NOT_CONTAINS', () => {
    for (const operator of ['EQUAL', 'NOT_EQUAL', 'NOT_CONTAINS', 'GREATER_THAN', 'REGEX', 'MODULO', 'IN']) {
      expect(when(operator, 'x', undefined)).toBe(false);
    }
  });

  it('an unknown operator never matches', () => {
    expect(when('STARTS_WITH', 'a', 'abc')).toBe(false);
  });

  it('a condition with an empty property reads None (IS_NOT_SET holds)', () => {
    expect(inSegment({ property: '', operator: 'IS_NOT_SET', value: '' })).toBe(true);
  });
});

describe('PERCENTAGE_SPLIT (spec §3.5, §3.6)', () => {
  const bucket = hashedPercentage(['1', 'env-key_user-1']);

  it('without a property hashes [segment key, identity key] and is inclusive', () => {
    expect(inSegment({ property: '', operator: 'PERCENTAGE_SPLIT', value: String(bucket) })).toBe(true);
    expect(inSegment({ property: '', operator: 'PERCENTAGE_SPLIT', value: String(bucket - 1e-9) })).toBe(
      false,
    );
  });

  it('uses an explicit identity key verbatim', () => {
    const keyed = hashedPercentage(['1', 'custom-key']);
    const condition = { property: '', operator: 'PERCENTAGE_SPLIT', value: String(keyed) };
    expect(inSegment(condition, {}, { key: 'custom-key' })).toBe(true);
  });

  it('with a property hashes the str() of the coerced trait; a missing trait never matches', () => {
    const byCompany = hashedPercentage(['1', '42']);
    const condition = { property: 'company', operator: 'PERCENTAGE_SPLIT', value: String(byCompany) };
    expect(inSegment(condition, { company: '0042' })).toBe(true); // "0042" is the int 42
    expect(inSegment({ ...condition, value: '100' }, {})).toBe(false);
    const byFlag = hashedPercentage(['1', 'True']);
    expect(
      inSegment({ property: 'beta', operator: 'PERCENTAGE_SPLIT', value: String(byFlag) }, { beta: true }),
    ).toBe(true);
  });

  it('a value float() cannot parse never matches', () => {
    expect(inSegment({ property: '', operator: 'PERCENTAGE_SPLIT', value: 'half' })).toBe(false);
  });
});
