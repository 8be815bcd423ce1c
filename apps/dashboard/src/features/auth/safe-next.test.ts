import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next.ts';

describe('safeNext', () => {
  it('returns to same-site paths only', () => {
    expect(safeNext('/projects/1/environments/abc/features')).toBe('/projects/1/environments/abc/features');
    expect(safeNext('//evil.example/')).toBe('/');
    expect(safeNext('https://evil.example/')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});
