import { block } from './md5-block.ts';
import { block2 } from './md5-block2.ts';

// MD5 (RFC 1321) over the UTF-8 encoding of a string, written for the evaluation hot path: the 64 steps are
// unrolled (md5-block.ts, md5-block2.ts), ASCII input (the usual case: keys and identifiers) is packed straight
// into message words, nothing is allocated per call and no BigInt is used. The engine must not depend on Node
// built-ins (node:crypto) or npm packages, so it carries its own MD5. Checked against RFC 1321's test vectors and
// node:crypto in test/hashing.test.ts.

let message = new Int32Array(64);
let bytes = new Uint8Array(256);
// The digest state: words 0-3 for a single block (and block2's first lane), 4-7 for block2's second lane.
const H = new Int32Array(8);

/** UTF-8 encoding into the scratch byte buffer (lone surrogates become U+FFFD, as TextEncoder does). */
function encodeUtf8(text: string): number {
  if (bytes.length < text.length * 3) bytes = new Uint8Array(text.length * 6);
  const out = bytes;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      out[n++] = code;
    } else if (code < 0x800) {
      out[n++] = 0xc0 | (code >> 6);
      out[n++] = 0x80 | (code & 63);
    } else {
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = text.charCodeAt(i + 1);
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          i++;
          out[n++] = 0xf0 | (code >> 18);
          out[n++] = 0x80 | ((code >> 12) & 63);
          out[n++] = 0x80 | ((code >> 6) & 63);
          out[n++] = 0x80 | (code & 63);
          continue;
        }
        code = 0xfffd;
      }
      out[n++] = 0xe0 | (code >> 12);
      out[n++] = 0x80 | ((code >> 6) & 63);
      out[n++] = 0x80 | (code & 63);
    }
  }
  return n;
}

/** Packs the UTF-8 bytes of `head + tail` (never concatenated) with MD5 padding into message words. */
function pack(head: string, tail: string): number {
  let ascii = true;
  for (let i = 0; i < head.length && ascii; i++) ascii = head.charCodeAt(i) < 0x80;
  for (let i = 0; i < tail.length && ascii; i++) ascii = tail.charCodeAt(i) < 0x80;
  const length = ascii ? head.length + tail.length : encodeUtf8(head + tail);
  const wordCount = (((length + 8) >> 6) + 1) << 4;
  if (message.length < wordCount) message = new Int32Array(wordCount * 2);
  const m = message;
  let word = 0;
  let i = 0;
  if (ascii) {
    for (let k = 0; k < head.length; k++, i++) {
      word |= head.charCodeAt(k) << ((i & 3) << 3);
      if ((i & 3) === 3) {
        m[i >> 2] = word;
        word = 0;
      }
    }
    for (let k = 0; k < tail.length; k++, i++) {
      word |= tail.charCodeAt(k) << ((i & 3) << 3);
      if ((i & 3) === 3) {
        m[i >> 2] = word;
        word = 0;
      }
    }
  } else {
    const source = bytes;
    for (; i < length; i++) {
      word |= (source[i] as number) << ((i & 3) << 3);
      if ((i & 3) === 3) {
        m[i >> 2] = word;
        word = 0;
      }
    }
  }
  m[i >> 2] = word | (0x80 << ((i & 3) << 3));
  for (let k = (i >> 2) + 1; k < wordCount - 2; k++) m[k] = 0;
  m[wordCount - 2] = (length * 8) | 0;
  m[wordCount - 1] = Math.floor(length / 0x20000000);
  return wordCount;
}

/** Runs MD5 over `wordCount` padded message words; the digest is left in H[0..3] (little-endian words). */
function digestWords(m: Int32Array, wordCount: number): void {
  H[0] = 0x67452301;
  H[1] = 0xefcdab89;
  H[2] = 0x98badcfe;
  H[3] = 0x10325476;
  for (let offset = 0; offset < wordCount; offset += 16) block(H, m, offset);
}

/** Runs MD5 over `head + tail`; the digest is left in H[0..3]. */
function digest(head: string, tail: string): void {
  const wordCount = pack(head, tail); // may replace the message buffer: read it afterwards
  digestWords(message, wordCount);
}

/**
 * The UTF-8 encoding of `text` in a scratch buffer shared by this module, valid until the next call into it: its
 * first `length` bytes. Not a new array: a typed array allocates a buffer outside the heap, which costs more than
 * the encoding (once per evaluation for the identity key, once per multivariate override at compile time).
 */
export function utf8Scratch(text: string): { readonly bytes: Uint8Array; readonly length: number } {
  const length = encodeUtf8(text); // may replace the scratch buffer: read it afterwards
  scratch.bytes = bytes;
  scratch.length = length;
  return scratch;
}

const scratch = { bytes, length: 0 };

/** A digest word read as a big-endian unsigned 32-bit integer (the order of the hex digest). */
function bigEndian(word: number): number {
  return (
    (((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | ((word >>> 24) & 0xff)) >>> 0
  );
}

/** MD5 of the UTF-8 encoding of `text`, as 32 lowercase hex digits. */
export function md5Hex(text: string): string {
  digest(text, '');
  return [H[0], H[1], H[2], H[3]]
    .map((word) =>
      bigEndian(word ?? 0)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
}

/**
 * MD5 of `head + tail` (the caller need not concatenate) read as an unsigned 128-bit big-endian integer, modulo
 * `divisor`, without BigInt: Horner's rule over the four 32-bit digest words keeps every intermediate below 2^46,
 * exact in a double.
 */
export function md5Modulo(head: string, tail: string, divisor: number): number {
  digest(head, tail);
  return digestModulo(divisor);
}

/** MD5 of `wordCount` already padded message words, as {@link md5Modulo}. */
export function md5WordsModulo(m: Int32Array, wordCount: number, divisor: number): number {
  digestWords(m, wordCount);
  return digestModulo(divisor);
}

/** 2^(16 × (7 - j)) mod divisor for j = 0..7, per divisor (always 9999 outside tests). */
const powersByDivisor = new Map<number, Float64Array>();

function powersOf(divisor: number): Float64Array {
  let powers = powersByDivisor.get(divisor);
  if (powers === undefined) {
    powers = Float64Array.from({ length: 8 }, (_, j) =>
      Number((1n << BigInt(16 * (7 - j))) % BigInt(divisor)),
    );
    powersByDivisor.set(divisor, powers);
  }
  return powers;
}

let cachedDivisor = 0;
let cachedPowers: Float64Array = new Float64Array(8);

/**
 * The digest in state words `offset`..`offset + 3`, read as a 128-bit big-endian integer, modulo `divisor` (at
 * most 2^32): the sum of its sixteen-bit pieces times 2^(16k) mod divisor stays below 2^53, so one division
 * finishes it — no BigInt, and none of the slow floating-point `%` calls Horner's rule would need.
 */
function modulo128(offset: number, divisor: number): number {
  if (divisor !== cachedDivisor) {
    cachedPowers = powersOf(divisor);
    cachedDivisor = divisor;
  }
  const p = cachedPowers;
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    const word = bigEndian(H[offset + i] as number);
    sum += (word >>> 16) * (p[2 * i] as number) + (word & 0xffff) * (p[2 * i + 1] as number);
  }
  let remainder = sum - Math.floor(sum / divisor) * divisor;
  if (remainder < 0) remainder += divisor;
  else if (remainder >= divisor) remainder -= divisor;
  return remainder;
}

function digestModulo(divisor: number): number {
  return modulo128(0, divisor);
}

/**
 * Two single-block padded messages (16 words each) hashed together with {@link block2}; their digests modulo
 * `divisor` are written to `out[0]` and `out[1]`.
 */
export function md5WordsModulo2(m1: Int32Array, m2: Int32Array, divisor: number, out: Float64Array): void {
  H[0] = H[4] = 0x67452301;
  H[1] = H[5] = 0xefcdab89;
  H[2] = H[6] = 0x98badcfe;
  H[3] = H[7] = 0x10325476;
  block2(H, m1, 0, m2, 0);
  out[0] = modulo128(0, divisor);
  out[1] = modulo128(4, divisor);
}
