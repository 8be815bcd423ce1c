import { expect, it } from 'vitest';
import { FragmentCache } from './fragment-cache.ts';

const entry = (fingerprint: string, chars: number) => ({ fingerprint, text: 'x'.repeat(chars), count: 1 });

it('answers an entry only while its fingerprint is the same', () => {
  const cache = new FragmentCache();
  cache.set(1, 10, entry('a', 3));
  expect(cache.get(1, 10, 'a')?.text).toBe('xxx');
  expect(cache.get(1, 10, 'b')).toBeUndefined();
  expect(cache.get(2, 10, 'a')).toBeUndefined();
  cache.delete(1, 10);
  expect(cache.get(1, 10, 'a')).toBeUndefined();
  expect([cache.hits, cache.misses]).toEqual([1, 3]);
});

it('over its size, drops the least recently built environments first, never the one being built', () => {
  const cache = new FragmentCache(100);
  cache.set(1, 1, entry('a', 40));
  cache.set(2, 1, entry('a', 40));
  // Environment 1 built again: environment 2 is now the least recent.
  cache.set(1, 2, entry('a', 10));
  cache.set(3, 1, entry('a', 40));
  expect(cache.get(2, 1, 'a')).toBeUndefined();
  expect(cache.get(1, 1, 'a')).toBeDefined();
  expect(cache.get(3, 1, 'a')).toBeDefined();
  // One environment larger than the limit is still cached while it is the one being built.
  cache.set(4, 1, entry('a', 150));
  expect(cache.get(4, 1, 'a')).toBeDefined();
  expect(cache.get(1, 1, 'a')).toBeUndefined();
  // Replacing an entry counts its new size, not both.
  cache.set(4, 1, entry('b', 20));
  cache.set(5, 1, entry('a', 20));
  expect(cache.get(4, 1, 'b')).toBeDefined();
});
