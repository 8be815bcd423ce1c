import { describe, expect, it } from 'vitest';
import { diffJson, showValue } from './audit-diff.ts';

describe('diffJson', () => {
  it('lists each changed leaf by path', () => {
    expect(
      diffJson(
        { enabled: false, value: 'a', rules: [{ conditions: [{ value: 'x' }] }], same: 1 },
        { enabled: true, value: 'a', rules: [{ conditions: [{ value: 'y' }, { value: 'z' }] }], same: 1 },
      ),
    ).toEqual([
      { field: 'enabled', before: false, after: true },
      { field: 'rules[0].conditions[0].value', before: 'x', after: 'y' },
      { field: 'rules[0].conditions[1]', before: undefined, after: { value: 'z' } },
    ]);
  });

  it('shows a creation as every field appearing', () => {
    expect(diffJson({}, { name: 'beta', id: 3 })).toEqual([
      { field: 'id', before: undefined, after: 3 },
      { field: 'name', before: undefined, after: 'beta' },
    ]);
    expect(diffJson('a', 'b')).toEqual([{ field: '(value)', before: 'a', after: 'b' }]);
    expect(diffJson({ a: [1] }, { a: [1] })).toEqual([]);
  });

  it('renders absent values as a dash', () => {
    expect(showValue(undefined)).toBe('—');
    expect(showValue('x')).toBe('"x"');
  });
});
