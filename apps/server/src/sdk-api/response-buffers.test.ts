import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinedToBuffer, ResponseBufferPool } from './response-buffers.ts';

describe('ResponseBufferPool', () => {
  it('reuses a returned buffer for a response that fits, and keeps at most maxPooled', () => {
    const pool = new ResponseBufferPool({ maxPooled: 2, minBytes: 1024 });
    const a = pool.take(1000);
    expect(a.length).toBeGreaterThanOrEqual(1000);
    pool.give(a);
    expect(pool.take(900)).toBe(a);
    // Too small for the next request: a new one is made, and the small one stays available.
    pool.give(a);
    const big = pool.take(5000);
    expect(big).not.toBe(a);
    expect(big.length).toBeGreaterThanOrEqual(5000);
    pool.give(big);
    pool.give(Buffer.alloc(2048));
    expect(pool.size).toBe(2);
  });

  it('joins items with commas between head and tail, also for none or one item', () => {
    const b = (text: string) => Buffer.from(text);
    const join = (items: string[]) =>
      joinedToBuffer({ head: b('{"a":['), items: items.map(b), tail: b(']}') });
    expect(join(['1', '"two"', '{"x":3}']).toString()).toBe('{"a":[1,"two",{"x":3}]}');
    expect(join(['1']).toString()).toBe('{"a":[1]}');
    expect(join([]).toString()).toBe('{"a":[]}');
  });

  it('does not keep buffers over maxBytes', () => {
    const pool = new ResponseBufferPool({ maxBytes: 4096, minBytes: 1024 });
    pool.give(pool.take(10_000));
    expect(pool.size).toBe(0);
  });

  describe('over real sockets', () => {
    // Bodies (12 MB) far larger than a socket's send buffer, so responses drain over many writes while other requests run:
    // a buffer reused before its response had left would show up as another request's bytes.
    const pool = new ResponseBufferPool({ maxBytes: 32 * 1024 * 1024 });
    const app = Fastify();
    const bodyFor = (id: number) => {
      const head = Buffer.from(`{"id":${id},"fill":"`);
      const fill = Buffer.alloc(12_000_000 + (id % 7) * 10_000, String.fromCharCode(97 + (id % 26)));
      return { head, items: [fill, Buffer.from('"x"'), Buffer.from('"y"')], tail: Buffer.from('"}') };
    };
    app.get('/:id', (request, reply) =>
      pool.send(reply, bodyFor(Number((request.params as { id: string }).id))),
    );
    let url = '';
    beforeAll(async () => {
      url = await app.listen({ port: 0, host: '127.0.0.1' });
    });
    afterAll(() => app.close());

    it('gives every one of many concurrent responses exactly its own bytes, and reuses buffers', async () => {
      for (let round = 0; round < 3; round++) {
        const ids = Array.from({ length: 8 }, (_, i) => round * 100 + i);
        // Each request is sent once the previous response has started but before its body is read, so that
        // response is still draining from its buffer while the next one takes a buffer from the pool.
        const responses: Response[] = [];
        for (const id of ids) responses.push(await fetch(`${url}/${id}`));
        const bodies = await Promise.all(responses.map((r) => r.text()));
        for (const [i, id] of ids.entries()) {
          expect(bodies[i] === joinedToBuffer(bodyFor(id)).toString(), `response ${id}`).toBe(true);
        }
      }
      expect(pool.size).toBeGreaterThan(0);
    });
  });
});
