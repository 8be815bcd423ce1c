import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Schema } from '../platform/db/schema.ts';
import { UnavailableError } from '../platform/errors.ts';
import { createLogger } from '../platform/logger.ts';
import { IdentityTraitCache } from './identity-traits.ts';
import { IdentityWriteQueue } from './identity-writes.ts';

/** A database whose transactions stay open until the test fails them, so the test decides what overlaps. */
function stalledDatabase() {
  const failures: Array<(err: Error) => void> = [];
  const db = {
    transaction: () => ({ execute: () => new Promise((_, reject) => failures.push(reject)) }),
  } as unknown as Kysely<Schema>;
  return { db, failNext: (err: Error) => failures.shift()?.(err) };
}

function queueOn(db: Kysely<Schema>) {
  return new IdentityWriteQueue({
    db,
    cache: new IdentityTraitCache(db),
    logger: createLogger('silent'),
    registry: new Registry(),
    maxPending: 10,
    backoffBaseMs: 60_000,
  });
}

describe('IdentityWriteQueue increments', () => {
  it('refuses the increment of a failed batch, keeps its other writes queued, and refuses new ones during the backoff', async () => {
    const { db, failNext } = stalledDatabase();
    const queue = queueOn(db);
    queue.enqueue({ environmentId: 1, identifier: 'u', upserts: [['a', 1]], deletes: [] }).catch(() => {});
    const increment = queue.increment(1, 'u', { key: 'n', by: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    failNext(new Error('connection refused'));
    await expect(increment).rejects.toBeInstanceOf(UnavailableError);
    expect(queue.size).toBe(1);
    // A retry is scheduled: an increment now would wait behind it, so it is refused before it is queued.
    expect(() => queue.increment(1, 'u', { key: 'n', by: 1 })).toThrow(UnavailableError);
    expect(queue.size).toBe(1);
  });

  it('refuses an increment that arrived while a failing batch ran, instead of holding it through the backoff', async () => {
    const { db, failNext } = stalledDatabase();
    const queue = queueOn(db);
    queue.enqueue({ environmentId: 1, identifier: 'u', upserts: [['a', 1]], deletes: [] }).catch(() => {});
    // The flush starts on the next turn; the increment then queues behind the batch in flight.
    await new Promise((resolve) => setImmediate(resolve));
    const increment = queue.increment(1, 'u', { key: 'n', by: 1 });
    expect(queue.size).toBe(2);
    failNext(new Error('connection refused'));
    await expect(increment).rejects.toBeInstanceOf(UnavailableError);
    // The plain write stays queued for the retry; the increment is gone, never to be applied.
    expect(queue.size).toBe(1);
  });
});
