import { describe, expect, it } from 'vitest';
import { passwordProblems } from './user-service.ts';

describe('passwordProblems', () => {
  it('accepts a long enough password and names what is wrong with others', () => {
    expect(passwordProblems('correct-horse', 'a@b.io')).toEqual([]);
    expect(passwordProblems('short', 'a@b.io')[0]).toMatch(/at least 8 characters/);
    expect(passwordProblems('1234567890', 'a@b.io')).toEqual(['This password is entirely numeric.']);
    expect(passwordProblems('Person@Example.com', 'person@example.com')).toEqual([
      'The password is too similar to the email.',
    ]);
  });
});
