import { describe, expect, it } from 'vitest';
import { kindOf, parseValue, previewValue, toEditText } from './value-format.ts';

describe('feature values in the editor', () => {
  it('recognises each kind, JSON objects and arrays stored as strings included', () => {
    expect(kindOf(null)).toBe('none');
    expect(kindOf('')).toBe('none');
    expect(kindOf(true)).toBe('boolean');
    expect(kindOf(42)).toBe('number');
    expect(kindOf('hello')).toBe('text');
    expect(kindOf('{"a":1}')).toBe('json');
    expect(kindOf(' [1, 2] ')).toBe('json');
    expect(kindOf('{not json}')).toBe('text');
  });

  it('shows JSON formatted and stores it compact', () => {
    expect(toEditText('{"a":1,"b":[true]}')).toBe('{\n  "a": 1,\n  "b": [\n    true\n  ]\n}');
    expect(parseValue('json', '{\n  "a": 1\n}')).toEqual({ ok: true, value: '{"a":1}' });
    const bad = parseValue('json', '{"a":');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^Not valid JSON/);
  });

  it('keeps numbers within 32 bits and booleans as booleans', () => {
    expect(parseValue('number', ' 12 ')).toEqual({ ok: true, value: 12 });
    expect(parseValue('number', '1.5').ok).toBe(false);
    expect(parseValue('number', '2147483648').ok).toBe(false);
    expect(parseValue('number', '-2147483648')).toEqual({ ok: true, value: -2147483648 });
    expect(parseValue('boolean', 'false')).toEqual({ ok: true, value: false });
    expect(parseValue('boolean', 'maybe').ok).toBe(false);
    expect(parseValue('text', ' spaced ')).toEqual({ ok: true, value: ' spaced ' });
    expect(parseValue('none', 'ignored')).toEqual({ ok: true, value: null });
  });

  it('previews values on one line', () => {
    expect(previewValue('{\n "a": 1\n}')).toBe('{ "a": 1 }');
    expect(previewValue('on')).toBe('"on"');
    expect(previewValue(3)).toBe('3');
    expect(previewValue(null)).toBe('');
  });
});
