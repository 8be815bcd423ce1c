import { describe, expect, it } from 'vitest';
import { traitColumns, traitValue } from './trait-values.ts';

describe('traitColumns', () => {
  it('types trait values like Flagsmith: bool, int, float, unicode', () => {
    expect(traitColumns(true).value_type).toBe('bool');
    expect(traitColumns(3).value_type).toBe('int');
    expect(traitColumns(3.25).value_type).toBe('float');
    expect(traitColumns('x').value_type).toBe('unicode');
    for (const v of [true, 3, 3.25, 'x']) expect(traitValue(traitColumns(v))).toBe(v);
  });

  it('refuses strings over 2000 characters with Flagsmith message', () => {
    expect(() => traitColumns('x'.repeat(2001))).toThrow(
      'Value string is too long. Must be less than 2000 character',
    );
  });
});
