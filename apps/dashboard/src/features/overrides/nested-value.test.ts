import { describe, expect, it } from 'vitest';
import { plainValue } from './nested-value.ts';

describe('plainValue', () => {
  it("reads Flagsmith's nested values and passes plain ones through", () => {
    expect(plainValue({ type: 'int', integer_value: 3, string_value: null })).toBe(3);
    expect(plainValue({ type: 'bool', boolean_value: false })).toBe(false);
    expect(plainValue({ type: 'unicode', string_value: 'on' })).toBe('on');
    expect(plainValue({ type: 'unicode', string_value: null })).toBeNull();
    expect(plainValue('plain')).toBe('plain');
    expect(plainValue(null)).toBeNull();
  });
});
