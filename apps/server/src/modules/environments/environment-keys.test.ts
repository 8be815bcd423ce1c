import { describe, expect, it } from 'vitest';
import { newClientKey, newServerKey } from './environment-keys.ts';

describe('environment keys', () => {
  it('are 22 base57 characters, server keys prefixed ser.', () => {
    expect(newClientKey()).toMatch(/^[2-9A-HJ-NP-Za-km-z]{22}$/);
    expect(newServerKey()).toMatch(/^ser\.[2-9A-HJ-NP-Za-km-z]{22}$/);
    expect(new Set(Array.from({ length: 100 }, newClientKey)).size).toBe(100);
  });
});
