import zlib from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EncodedBody, sendEncoded } from './encoded-body.ts';

// A body shaped like a /flags/ list: repetitive JSON well over the compression threshold.
const LARGE = JSON.stringify(
  Array.from({ length: 200 }, (_, i) => ({ feature: { id: i, name: `feature_${i}` }, enabled: i % 2 === 0 })),
);

describe('sendEncoded', () => {
  const app = Fastify();
  const large = new EncodedBody(LARGE);
  const small = new EncodedBody('[{"enabled":true}]');
  app.get('/large', (request, reply) => sendEncoded(request, reply.header('vary', 'Origin'), large));
  app.get('/small', (request, reply) => sendEncoded(request, reply, small));
  beforeAll(() => app.ready());
  afterAll(() => app.close());

  const get = (url: string, acceptEncoding?: string) =>
    app.inject({ url, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

  it('sends gzip to a client that accepts only gzip, and the bytes decompress to the body', async () => {
    const res = await get('/large', 'gzip, deflate');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toBe('Origin, Accept-Encoding');
    expect(zlib.gunzipSync(res.rawPayload).toString()).toBe(LARGE);
    expect(res.rawPayload.length).toBeLessThan(LARGE.length / 4);
  });

  it('prefers brotli when the client accepts it (as Node fetch and browsers do)', async () => {
    const res = await get('/large', 'gzip, deflate, br');
    expect(res.headers['content-encoding']).toBe('br');
    expect(zlib.brotliDecompressSync(res.rawPayload).toString()).toBe(LARGE);
  });

  it('honours q-values, including a refused encoding', async () => {
    expect((await get('/large', 'br;q=0, gzip')).headers['content-encoding']).toBe('gzip');
    expect((await get('/large', 'br;q=0.1, gzip;q=0.9')).headers['content-encoding']).toBe('gzip');
  });

  it('sends the body as it is without Accept-Encoding, for an unsupported one, and for small bodies', async () => {
    for (const [url, header] of [
      ['/large', undefined],
      ['/large', 'deflate'],
      ['/large', 'identity'],
      ['/small', 'gzip, br'],
    ] as const) {
      const res = await get(url, header);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.body).toBe(url === '/large' ? LARGE : '[{"enabled":true}]');
    }
  });

  it('compresses each form once and reuses the bytes', async () => {
    const first = await large.encoded('gzip');
    expect(await large.encoded('gzip')).toBe(first);
    expect((await get('/large', 'gzip')).rawPayload.equals(first)).toBe(true);
  });
});
