import type { FastifyReply } from 'fastify';

/**
 * Reusable buffers for identity responses (~90 KB on the incident environment, one per request).
 *
 * A fresh buffer per response is an ArrayBuffer that lives until the socket has taken all of it. Under load, many
 * live through two young-generation collections while they drain, get promoted, and count towards the old
 * generation: the process then ran a full mark-compact every ~150 ms (4–10 ms pauses) and spent half its CPU per
 * identity request on it (bench/RESULTS.md, 2026-11-22). Pooled buffers are allocated once and stay old, so
 * identity load leaves only short-lived objects behind.
 *
 * A buffer goes back to the pool only on the response's `finish`: Node emits it once the last byte has been handed
 * to the operating system, so nothing reads the buffer any more. A response that ends otherwise (client gone) just
 * leaves its buffer to the garbage collector.
 */
/**
 * A JSON body as bytes: `head`, then `items` separated by commas, then `tail`. Commas are written by the copy
 * itself rather than kept as ~300 one-byte parts per identity response.
 */
export interface JoinedBody {
  readonly head: Buffer;
  readonly items: readonly Buffer[];
  readonly tail: Buffer;
}

const COMMA = 0x2c;

function joinedLength(body: JoinedBody): number {
  let total = body.head.length + body.tail.length + Math.max(0, body.items.length - 1);
  for (const item of body.items) total += item.length;
  return total;
}

/** Copies `body` into `target` from offset 0 and returns the length (TypedArray#set: cheaper per part than copy). */
function writeJoined(body: JoinedBody, target: Buffer): number {
  target.set(body.head, 0);
  let at = body.head.length;
  const { items } = body;
  for (let i = 0; i < items.length; i++) {
    if (i > 0) target[at++] = COMMA;
    const item = items[i] as Buffer;
    target.set(item, at);
    at += item.length;
  }
  target.set(body.tail, at);
  return at + body.tail.length;
}

/** The whole body in a buffer of its own (for callers outside the response path). */
export function joinedToBuffer(body: JoinedBody): Buffer {
  const buffer = Buffer.allocUnsafe(joinedLength(body));
  writeJoined(body, buffer);
  return buffer;
}

export class ResponseBufferPool {
  readonly #free: Buffer[] = [];
  readonly #maxPooled: number;
  readonly #maxBytes: number;
  readonly #minBytes: number;

  constructor(options: { maxPooled?: number; maxBytes?: number; minBytes?: number } = {}) {
    this.#maxPooled = options.maxPooled ?? 256;
    this.#maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
    this.#minBytes = options.minBytes ?? 128 * 1024;
  }

  get size(): number {
    return this.#free.length;
  }

  /** A buffer of at least `bytes` (its contents are stale: callers overwrite what they use). */
  take(bytes: number): Buffer {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const buffer = this.#free[i] as Buffer;
      if (buffer.length >= bytes) {
        this.#free[i] = this.#free[this.#free.length - 1] as Buffer;
        this.#free.pop();
        return buffer;
      }
    }
    // Rounded up so that responses of similar size share buffers; allocUnsafeSlow stays out of Node's 8 KB slab.
    return Buffer.allocUnsafeSlow(Math.max(this.#minBytes, 2 ** Math.ceil(Math.log2(bytes))));
  }

  give(buffer: Buffer) {
    if (buffer.length <= this.#maxBytes && this.#free.length < this.#maxPooled) this.#free.push(buffer);
  }

  /** Sends `body`, copied into a pooled buffer that is returned when the response has finished. */
  send(reply: FastifyReply, body: JoinedBody) {
    const buffer = this.take(joinedLength(body));
    const length = writeJoined(body, buffer);
    reply.raw.once('finish', () => this.give(buffer));
    return reply.send(buffer.subarray(0, length));
  }
}
