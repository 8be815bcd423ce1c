import { compareNumbers, digitsToInt } from '../python/py-number.ts';

/** A parsed Semantic Versioning 2.0 version, as python-semver's `Version` holds it. */
export interface SemVer {
  readonly major: number | bigint;
  readonly minor: number | bigint;
  readonly patch: number | bigint;
  /** The pre-release text after '-', or null. */
  readonly prerelease: string | null;
  /** The build metadata after '+', or null (ignored by comparisons). */
  readonly build: string | null;
}

const IDENT = '(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)';
const SEMVER = new RegExp(
  `^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?\\n?$`,
);

/**
 * Strict SemVer 2.0 parsing, as `semver.Version.parse` (python-semver 3): no leading 'v', no missing parts, no
 * leading zeros in numeric identifiers. Flagsmith parity: Python's `$` also accepts one trailing newline.
 */
export function parseSemVer(text: string): SemVer | undefined {
  const match = SEMVER.exec(text);
  if (!match) return undefined;
  return {
    major: digitsToInt(false, match[1] ?? '0'),
    minor: digitsToInt(false, match[2] ?? '0'),
    patch: digitsToInt(false, match[3] ?? '0'),
    prerelease: match[4] ?? null,
    build: match[5] ?? null,
  };
}

const NUMERIC = /^[0-9]+$/;

function comparePart(a: string, b: string): number {
  const aNumeric = NUMERIC.test(a);
  const bNumeric = NUMERIC.test(b);
  if (aNumeric && bNumeric) return compareNumbers(digitsToInt(false, a), digitsToInt(false, b));
  if (aNumeric) return -1;
  if (bNumeric) return 1;
  if (a === b) return 0;
  return a < b ? -1 : 1; // identifiers are ASCII, so code-unit order is code-point order
}

// Flagsmith parity: python-semver's `_nat_cmp`. When every shared part is equal, the longer *text* is greater.
function comparePrerelease(a: string, b: string): number {
  const aParts = a.split('.');
  const bParts = b.split('.');
  const shared = Math.min(aParts.length, bParts.length);
  for (let i = 0; i < shared; i++) {
    const result = comparePart(aParts[i] ?? '', bParts[i] ?? '');
    if (result !== 0) return result;
  }
  return Math.sign(a.length - b.length);
}

/** SemVer 2.0 precedence: -1, 0 or 1. Build metadata is ignored. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  const core =
    compareNumbers(a.major, b.major) || compareNumbers(a.minor, b.minor) || compareNumbers(a.patch, b.patch);
  if (core !== 0) return core;
  const result = comparePrerelease(a.prerelease ?? '', b.prerelease ?? '');
  if (result === 0) return 0;
  if (!a.prerelease) return 1;
  if (!b.prerelease) return -1;
  return result;
}
