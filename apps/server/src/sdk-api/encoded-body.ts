import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);

type ContentEncoding = 'br' | 'gzip';
/** Preference order when a client accepts both equally (every official SDK's HTTP client accepts gzip). */
const SUPPORTED: ContentEncoding[] = ['br', 'gzip'];

/** Bodies under this are sent as they are: compressing them saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 1024;

/**
 * An identity-independent response body (the /flags/ list, the environment document) with its compressed forms.
 * A 300-flag list is ~85 KB of JSON but ~5% of that compressed, and at thousands of requests a second the socket
 * writes dominate, so each form is compressed once per document version, on first demand, off the event loop
 * (zlib's thread pool), and every later request sends the stored bytes.
 */
export class EncodedBody {
  readonly identity: Buffer;
  readonly #encoded = new Map<ContentEncoding, Promise<Buffer>>();

  constructor(body: string | Buffer) {
    this.identity = typeof body === 'string' ? Buffer.from(body) : body;
  }

  encoded(encoding: ContentEncoding): Promise<Buffer> {
    let pending = this.#encoded.get(encoding);
    if (!pending) {
      pending =
        encoding === 'gzip'
          ? gzip(this.identity, { level: 6 })
          : brotli(this.identity, {
              params: {
                // Quality 5 compresses a 2 MB document in tens of milliseconds and lands near gzip -9's size.
                [zlib.constants.BROTLI_PARAM_QUALITY]: 5,
                [zlib.constants.BROTLI_PARAM_SIZE_HINT]: this.identity.length,
              },
            });
      this.#encoded.set(encoding, pending);
      // A failed compression is not remembered: the next request tries again.
      pending.catch(() => this.#encoded.delete(encoding));
    }
    return pending;
  }
}

/** The encoding to answer with for this request's Accept-Encoding, or undefined for the body as it is. */
function chooseEncoding(request: FastifyRequest, bytes: number): ContentEncoding | undefined {
  if (bytes < MIN_COMPRESS_BYTES) return undefined;
  const header = request.headers['accept-encoding'];
  if (typeof header !== 'string' || header === '') return undefined;
  return (negotiate(header, SUPPORTED) as ContentEncoding | null) ?? undefined;
}

/** Sends the body in the best encoding the client accepts; the caller sets content-type and its own headers. */
export async function sendEncoded(request: FastifyRequest, reply: FastifyReply, body: EncodedBody) {
  // Caches between SDKs and us must not hand a compressed body to a client that did not ask for one.
  reply.header('vary', appendVary(reply.getHeader('vary'), 'Accept-Encoding'));
  const encoding = chooseEncoding(request, body.identity.length);
  if (encoding === undefined) return reply.send(body.identity);
  const bytes = await body.encoded(encoding);
  return reply.header('content-encoding', encoding).send(bytes);
}

function appendVary(current: unknown, field: string): string {
  if (typeof current !== 'string' || current === '') return field;
  return `${current}, ${field}`;
}
