import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashedPercentage, hashedPercentageOf } from '../src/hashing/hashed-percentage.ts';
import { md5Hex, md5Modulo } from '../src/hashing/md5.ts';
import { HashPrefix, HashSuffix } from '../src/hashing/prepared-hash.ts';

// An independent reference: node:crypto MD5 and BigInt arithmetic, exactly as spec §3.6 writes it.
function referenceMd5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

function referencePercentage(ids: readonly string[], iterations = 1): number {
  const text = Array.from({ length: iterations }, () => ids.join(',')).join(',');
  const value = (Number(BigInt(`0x${referenceMd5(text)}`) % 9999n) / 9998) * 100;
  return value === 100 ? referencePercentage(ids, iterations + 1) : value;
}

// Strings with lone surrogates have no UTF-8 encoding; Node (like us) encodes them as U+FFFD.
const wellFormed = fc.string({ unit: 'grapheme', maxLength: 300 });
const short = fc.string({ unit: 'grapheme', maxLength: 12 });

describe('md5Hex', () => {
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    [
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
      '57edf4a22be3c955ac49da2e2107b67a',
    ],
  ])('RFC 1321 test vector %j hashes to %s', (text, digest) => {
    expect(md5Hex(text)).toBe(digest);
  });

  it('any well-formed string (multi-byte, long, block boundaries) hashes like node:crypto', () => {
    fc.assert(
      fc.property(
        fc.oneof(wellFormed, fc.string({ minLength: 50, maxLength: 70 }), fc.string({ maxLength: 3000 })),
        (text) => {
          expect(md5Hex(text)).toBe(referenceMd5(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a lone surrogate is hashed as U+FFFD, like TextEncoder and node:crypto', () => {
    expect(md5Hex('a\ud800b')).toBe(referenceMd5('a\ufffdb'));
  });

  it('growing the scratch buffers mid-sequence does not corrupt later digests', () => {
    const long = 'é☃𝄞'.repeat(500);
    expect(md5Hex('short')).toBe(referenceMd5('short'));
    expect(md5Hex(long)).toBe(referenceMd5(long));
    expect(md5Hex('short')).toBe(referenceMd5('short'));
  });
});

describe('md5Modulo', () => {
  it('equals the 128-bit big-endian digest modulo the divisor, computed with BigInt', () => {
    fc.assert(
      fc.property(wellFormed, fc.integer({ min: 2, max: 1_000_000 }), (text, divisor) => {
        expect(md5Modulo(text, '', divisor)).toBe(
          Number(BigInt(`0x${referenceMd5(text)}`) % BigInt(divisor)),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('hashedPercentage', () => {
  it.each([
    [['78986', 'test_env_foobar'], 54.53090618123625],
    [['1016365', '8AYnz4q3KEfT5DFtnramnP_user-123'], 40.1880376075215],
  ])('spec §3.6 check value: %j gives %d', (ids, expected) => {
    expect(hashedPercentage(ids)).toBe(expected);
  });

  it('joins ids with "," and matches the BigInt reference for any ids', () => {
    fc.assert(
      fc.property(fc.array(wellFormed, { minLength: 1, maxLength: 4 }), (ids) => {
        expect(hashedPercentage(ids)).toBe(referencePercentage(ids));
      }),
      { numRuns: 200 },
    );
  });

  it('when the modulo is 9998 (value 100), hashes the ids repeated ("a,b,a,b") instead', () => {
    // Find an id pair whose first hash lands on 9998, independently of the code under test.
    let ids: string[] | undefined;
    for (let i = 0; ids === undefined; i++) {
      const candidate = ['segment', `identity-${i}`];
      if (BigInt(`0x${referenceMd5(candidate.join(','))}`) % 9999n === 9998n) ids = candidate;
    }
    const repeated =
      (Number(BigInt(`0x${referenceMd5(`${ids.join(',')},${ids.join(',')}`)}`) % 9999n) / 9998) * 100;
    expect(repeated).not.toBe(100);
    expect(hashedPercentage(ids)).toBe(repeated);
    expect(hashedPercentageOf(`${ids[0]},`, ids[1] as string)).toBe(repeated);
    const suffix = new HashSuffix();
    suffix.set(ids[1] as string);
    expect(suffix.percentage(new HashPrefix(`${ids[0]},`))).toBe(repeated);
  });

  it('is stable: the same ids give the same bucket whatever was hashed in between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
        fc.string({ maxLength: 500 }),
        (ids, other) => {
          const first = hashedPercentage(ids);
          hashedPercentage([other, other]);
          expect(hashedPercentage(ids)).toBe(first);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('is uniform over [0, 100): 20,000 identities spread evenly over 10 buckets (chi-square, p < 0.001)', () => {
    const counts = new Array<number>(10).fill(0);
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const value = hashedPercentage(['1234', `env_user-${i}`]);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(100);
      counts[Math.floor(value / 10)] = (counts[Math.floor(value / 10)] ?? 0) + 1;
    }
    const expected = n / 10;
    const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(27.88); // 9 degrees of freedom, p = 0.001
  });
});

describe('HashSuffix.percentage (prepared hashing)', () => {
  it('equals hashing the concatenated string, for any prefix and suffix (all byte alignments)', () => {
    const suffix = new HashSuffix();
    fc.assert(
      fc.property(wellFormed, wellFormed, (head, tail) => {
        suffix.set(tail);
        expect(suffix.percentage(new HashPrefix(`${head},`))).toBe(referencePercentage([head, tail]));
      }),
      { numRuns: 300 },
    );
  });

  it('re-preparing a shorter suffix after a longer one leaves no stale bytes', () => {
    const suffix = new HashSuffix();
    const prefix = new HashPrefix('42,');
    suffix.set('a-rather-long-identity-key-for-the-test');
    suffix.set('k');
    expect(suffix.percentage(prefix)).toBe(referencePercentage(['42', 'k']));
    suffix.set('');
    expect(suffix.percentage(prefix)).toBe(referencePercentage(['42', '']));
  });

  it('percentages (two lanes at once) equals hashing each concatenated string, whatever was hashed before', () => {
    const suffix = new HashSuffix();
    const out = new Float64Array(2);
    fc.assert(
      // Mostly short strings: two messages that each fit one block take the interleaved path.
      fc.property(short, short, fc.oneof(short, wellFormed), (first, second, tail) => {
        suffix.set(tail);
        suffix.percentages(new HashPrefix(`${first},`), new HashPrefix(`${second},`), out);
        expect([out[0], out[1]]).toEqual([
          referencePercentage([first, tail]),
          referencePercentage([second, tail]),
        ]);
      }),
      { numRuns: 300 },
    );
  });
});
