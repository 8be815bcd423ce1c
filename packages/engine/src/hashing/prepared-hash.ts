import { hashedPercentageOf } from './hashed-percentage.ts';
import { md5WordsModulo, md5WordsModulo2, utf8Scratch } from './md5.ts';

// The evaluation hot path hashes "<feature key>,<identity key>" (multivariate) and "<segment key>,<identity key>"
// (PERCENTAGE_SPLIT) dozens of times per identity. Both halves are known ahead: the prefixes when the environment
// is compiled, the identity key once per evaluation. So both are turned into MD5 message words once, and each hash
// only ORs precomputed words together (the suffix is prepared at all four byte alignments).

/** A hash-input prefix, prepared at compile time. */
export class HashPrefix {
  readonly text: string;
  readonly byteLength: number;
  /** Little-endian message words of the prefix bytes (the last one partial). */
  readonly words: readonly number[];

  constructor(text: string) {
    this.text = text;
    const { bytes, length } = utf8Scratch(text);
    this.byteLength = length;
    const words = new Array<number>((length + 3) >> 2).fill(0);
    for (let i = 0; i < length; i++)
      words[i >> 2] = (words[i >> 2] as number) | ((bytes[i] as number) << ((i & 3) << 3));
    this.words = words;
  }
}

/** Prefixes shorter than this many bytes (all the usual "<id>," keys) hash through the per-length block cache. */
const MAX_CACHED_PREFIX = 24;

/** A hash-input suffix (the identity key), prepared once per evaluation at the four byte alignments. */
export class HashSuffix {
  text = '';
  byteLength = 0;
  /** Words of the text followed by the 0x80 padding byte, shifted by a (0..3) bytes, start at `a * stride`. */
  private words = new Int32Array(64);
  private stride = 16;
  private message = new Int32Array(64);
  /** The second lane's message: always one block. */
  private readonly second = new Int32Array(16);
  /**
   * One-block messages by lane and prefix length (`lane * MAX_CACHED_PREFIX + length`), stamped with the
   * `generation` of the text they were laid out for. Two prefixes of the same length differ only in the words
   * the prefix touches: the shifted text, padding and length words after them stay valid for the whole
   * evaluation, so most hashes write two words instead of sixteen.
   */
  private readonly blocks: (Int32Array | null)[] = new Array<Int32Array | null>(2 * MAX_CACHED_PREFIX).fill(
    null,
  );
  private readonly stamps: number[] = new Array<number>(2 * MAX_CACHED_PREFIX).fill(0);
  private generation = 0;

  /** Prepares `text` (reusing this object's buffers). */
  set(text: string): void {
    if (text === this.text && this.byteLength > 0) return;
    this.text = text;
    this.generation++;
    const { bytes, length } = utf8Scratch(text);
    this.byteLength = length;
    const stride = (length >> 2) + 2;
    if (this.words.length < stride * 4) this.words = new Int32Array(stride * 8);
    this.stride = stride;
    const words = this.words;
    words.fill(0, 0, stride * 4);
    for (let alignment = 0; alignment < 4; alignment++) {
      const base = alignment * stride;
      for (let i = 0; i <= length; i++) {
        // The byte after the text is MD5's 0x80 padding marker, so each hash copies it with the text.
        const byte = i < length ? (bytes[i] as number) : 0x80;
        const position = i + alignment;
        words[base + (position >> 2)] =
          (words[base + (position >> 2)] as number) | (byte << ((position & 3) << 3));
      }
    }
  }

  /** `hashedPercentage([prefix, this])` — the prefix includes the ',' separator. */
  percentage(prefix: HashPrefix): number {
    let value: number;
    if (prefix.byteLength < MAX_CACHED_PREFIX && prefix.byteLength + this.byteLength <= 55) {
      value = (md5WordsModulo(this.block(prefix, 0), 16, 9999) / 9998) * 100;
    } else {
      const wordCount = this.fill(prefix, 0);
      value = (md5WordsModulo(this.message, wordCount, 9999) / 9998) * 100;
    }
    return value !== 100 ? value : hashedPercentageOf(prefix.text, this.text);
  }

  /**
   * The percentages of two prefixes at once (written to `out[0]` and `out[1]`): both MD5 runs are interleaved,
   * which costs little more than one when both messages fit one block (the usual case).
   */
  percentages(first: HashPrefix, second: HashPrefix, out: Float64Array): void {
    if (first.byteLength + this.byteLength > 55 || second.byteLength + this.byteLength > 55) {
      out[0] = this.percentage(first);
      out[1] = this.percentage(second);
      return;
    }
    if (first.byteLength < MAX_CACHED_PREFIX && second.byteLength < MAX_CACHED_PREFIX) {
      md5WordsModulo2(this.block(first, 0), this.block(second, 1), 9999, out);
    } else {
      this.fill(first, 0);
      this.fill(second, 1);
      md5WordsModulo2(this.message, this.second, 9999, out);
    }
    for (let lane = 0; lane < 2; lane++) {
      const value = ((out[lane] as number) / 9998) * 100;
      out[lane] = value !== 100 ? value : hashedPercentageOf((lane === 0 ? first : second).text, this.text);
    }
  }

  /**
   * The one-block padded message `prefix + this` (at most 55 bytes, prefix shorter than MAX_CACHED_PREFIX) in
   * the lane's buffer for this prefix length: laid out in full once per text, then only the prefix words.
   */
  private block(prefix: HashPrefix, lane: 0 | 1): Int32Array {
    const slot = lane * MAX_CACHED_PREFIX + prefix.byteLength;
    let m = this.blocks[slot] as Int32Array | null;
    if (m === null) {
      m = new Int32Array(16);
      this.blocks[slot] = m;
    }
    const whole = prefix.byteLength >> 2;
    const alignment = prefix.byteLength & 3;
    const base = alignment * this.stride;
    const suffixWords = this.words;
    if (this.stamps[slot] !== this.generation) {
      this.stamps[slot] = this.generation;
      const length = prefix.byteLength + this.byteLength;
      const suffixCount = (alignment + this.byteLength + 4) >> 2;
      for (let k = 1; k < suffixCount; k++) m[whole + k] = suffixWords[base + k] as number;
      for (let k = whole + suffixCount; k < 14; k++) m[k] = 0;
      m[14] = length * 8;
      m[15] = 0;
    }
    const prefixWords = prefix.words;
    for (let k = 0; k < whole; k++) m[k] = prefixWords[k] as number;
    m[whole] = (alignment === 0 ? 0 : (prefixWords[whole] as number)) | (suffixWords[base] as number);
    return m;
  }

  /** Writes the padded message `prefix + this` into lane 0 or 1's buffer; returns its word count. */
  private fill(prefix: HashPrefix, lane: 0 | 1): number {
    const length = prefix.byteLength + this.byteLength;
    const wordCount = (((length + 8) >> 6) + 1) << 4;
    if (lane === 0 && this.message.length < wordCount) this.message = new Int32Array(wordCount * 2);
    const m = lane === 0 ? this.message : this.second;
    const prefixWords = prefix.words;
    const whole = prefix.byteLength >> 2;
    for (let k = 0; k < whole; k++) m[k] = prefixWords[k] as number;
    const alignment = prefix.byteLength & 3;
    const suffixWords = this.words;
    const base = alignment * this.stride;
    // Words holding the shifted text and its 0x80 marker; the last one is word `length >> 2`.
    const suffixCount = (alignment + this.byteLength + 4) >> 2;
    m[whole] = (alignment === 0 ? 0 : (prefixWords[whole] as number)) | (suffixWords[base] as number);
    for (let k = 1; k < suffixCount; k++) m[whole + k] = suffixWords[base + k] as number;
    for (let k = whole + suffixCount; k < wordCount - 2; k++) m[k] = 0;
    m[wordCount - 2] = (length * 8) | 0;
    m[wordCount - 1] = Math.floor(length / 0x20000000);
    return wordCount;
  }
}
