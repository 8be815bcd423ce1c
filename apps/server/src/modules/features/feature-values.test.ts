import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../platform/errors.ts';
import {
  assertAllocations,
  assertValueLength,
  fromStored,
  initialValueToStored,
  objectToStored,
  toStored,
} from './feature-values.ts';

describe('toStored', () => {
  it('keeps booleans and 32-bit integers typed, stores floats and big numbers as strings', () => {
    expect(toStored(true)).toMatchObject({ value_type: 'bool', boolean_value: true });
    expect(toStored(-5)).toMatchObject({ value_type: 'int', integer_value: -5 });
    expect(toStored(1.5)).toMatchObject({ value_type: 'unicode', string_value: '1.5' });
    expect(toStored(2 ** 31)).toMatchObject({ value_type: 'unicode', string_value: '2147483648' });
    expect(toStored(null)).toEqual({
      value_type: 'unicode',
      string_value: null,
      integer_value: null,
      boolean_value: null,
    });
  });

  it('round-trips through fromStored', () => {
    for (const v of [true, false, 0, 42, 'text', '', null]) expect(fromStored(toStored(v))).toBe(v);
  });
});

describe('initialValueToStored', () => {
  it('types initial values by content like Flagsmith', () => {
    expect(fromStored(initialValueToStored('42'))).toBe(42);
    expect(fromStored(initialValueToStored('True'))).toBe(true);
    expect(fromStored(initialValueToStored('false'))).toBe(false);
    expect(fromStored(initialValueToStored('4.2'))).toBe('4.2');
    expect(fromStored(initialValueToStored('99999999999'))).toBe('99999999999');
    expect(fromStored(initialValueToStored(null))).toBeNull();
  });
});

describe('objectToStored', () => {
  it('reads the nested FeatureStateValue object', () => {
    expect(fromStored(objectToStored({ type: 'int', integer_value: 3 }))).toBe(3);
    expect(fromStored(objectToStored({ type: 'bool', boolean_value: false }))).toBe(false);
    expect(fromStored(objectToStored({ string_value: 'x' }))).toBe('x');
    expect(fromStored(objectToStored({ integer_value: 7 }))).toBe(7);
  });

  it('refuses inconsistent objects with a field error', () => {
    expect(() => objectToStored({ type: 'int', integer_value: null })).toThrow(ValidationError);
    expect(() => objectToStored({ type: 'float' })).toThrow(/not a valid type/);
  });
});

describe('limits on values', () => {
  it('checks string length and allocation totals', () => {
    expect(() => assertValueLength(toStored('x'.repeat(11)), 10)).toThrow(/no more than 10 characters/);
    expect(() => assertValueLength(toStored(12345678901), 10)).toThrow();
    assertValueLength(toStored(5), 1);
    assertAllocations([50, 50]);
    expect(() => assertAllocations([50, 50.5])).toThrow(/less or equal to 100 percent/);
  });
});
