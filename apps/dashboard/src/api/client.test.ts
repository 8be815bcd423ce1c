import { describe, expect, it } from 'vitest';
import { ApiError, qs, toFieldErrors } from './client.ts';

describe('toFieldErrors', () => {
  it('reads every error shape the admin API sends', () => {
    expect(toFieldErrors({ name: ['Required.', 'Too long.'] })).toEqual({ name: ['Required.', 'Too long.'] });
    expect(toFieldErrors({ detail: 'Not found.' })).toEqual({ non_field_errors: ['Not found.'] });
    // Flagsmith's limit errors are a plain string, not a list.
    expect(toFieldErrors({ project: 'The Project has reached the maximum allowed features limit.' })).toEqual(
      {
        project: ['The Project has reached the maximum allowed features limit.'],
      },
    );
    expect(toFieldErrors({ rules: [{ conditions: ['Bad operator.'] }] })).toEqual({
      rules: ['conditions: Bad operator.'],
    });
    expect(toFieldErrors('Bad gateway')).toEqual({ non_field_errors: ['Bad gateway'] });
    expect(toFieldErrors(undefined)).toEqual({});
  });
});

describe('ApiError', () => {
  it('puts each message with its field and summarises them', () => {
    const e = new ApiError(400, {
      name: ['Feature with that name already exists.'],
      non_field_errors: ['Nope.'],
    });
    expect(e.field('name')).toBe('Feature with that name already exists.');
    expect(e.field('description')).toBeUndefined();
    expect(e.message).toBe('name: Feature with that name already exists. Nope.');
    expect(new ApiError(0, undefined).message).toMatch(/could not be reached/);
    expect(new ApiError(502, undefined).message).toBe('The server answered 502.');
  });
});

describe('qs', () => {
  it('keeps only defined, non-empty values', () => {
    expect(qs({ a: 1, b: undefined, c: '', d: null, e: false, f: 'x y' })).toBe('?a=1&e=false&f=x+y');
    expect(qs({})).toBe('');
  });
});
