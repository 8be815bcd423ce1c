import { type Kysely, sql } from 'kysely';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type TraitValue, traitColumns } from '../modules/identities/index.ts';
import type { Schema } from '../platform/db/schema.ts';
import { UnavailableError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { IdentityTraitCache } from './identity-traits.ts';

/** One identify call's effect on the database: create the identity if needed, then set and delete traits. */
export interface IdentityWrite {
  environmentId: number;
  identifier: string;
  upserts: ReadonlyArray<readonly [string, Exclude<TraitValue, null>]>;
  deletes: readonly string[];
}

/** `POST /traits/increment-value/`: add `by` to an integer trait, in the database, in queue order. */
export interface TraitIncrement {
  key: string;
  by: number;
}

/** The new value, or why the database refused: the trait is not an integer, or the total leaves ±2^53. */
export type IncrementOutcome = { value: number } | { refused: 'not_integer' | 'out_of_range' };

interface Applied {
  identityId: number;
  incremented?: IncrementOutcome & { traitId?: number };
}

interface Pending {
  write: IdentityWrite;
  increment?: TraitIncrement;
  attempts: number;
  resolve: (applied: Applied) => void;
  reject: (err: unknown) => void;
}

/** The 503 message when an increment cannot reach the database (nothing was applied). */
export const NOT_APPLIED = 'The database is unavailable; the increment was not applied. Retry shortly.';

/** Number.MAX_SAFE_INTEGER: beyond it a JSON number (and this process) no longer holds every integer exactly. */
const MAX_SAFE = 9_007_199_254_740_991;

export interface IdentityWriteQueueOptions {
  db: Kysely<Schema>;
  cache: IdentityTraitCache;
  logger: Logger;
  registry: Registry;
  maxPending: number;
  /** Writes per transaction. */
  batchSize?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A write failing this often is logged and dropped, so one bad write cannot block every other. */
  maxAttempts?: number;
}

/**
 * Identity and trait writes of POST/GET /identities/, done after the flags were answered. Writes are applied in
 * arrival order, in batches, one transaction per batch, as soon as they arrive. When the database fails, the batch
 * waits with exponential backoff and is retried (one write per transaction after a failure, to isolate a write
 * the database refuses). The queue is bounded: when full, new identify calls are refused with 503 before anything
 * is acknowledged, so no acknowledged write is dropped for lack of room. A graceful shutdown waits for the queue.
 */
export class IdentityWriteQueue {
  readonly #options: Required<IdentityWriteQueueOptions>;
  readonly #queue: Pending[] = [];
  #flushing = false;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #pending: Gauge;
  readonly #written: Counter;
  readonly #retries: Counter;
  readonly #dropped: Counter;

  constructor(options: IdentityWriteQueueOptions) {
    this.#options = { batchSize: 200, backoffBaseMs: 100, backoffMaxMs: 10_000, maxAttempts: 50, ...options };
    const registers = [options.registry];
    this.#pending = new Gauge({
      name: 'vexil_sdk_identity_writes_pending',
      help: 'Identity and trait writes waiting for the database',
      registers,
      collect: () => this.#pending.set(this.#queue.length),
    });
    this.#written = new Counter({
      name: 'vexil_sdk_identity_writes_total',
      help: 'Identity writes applied',
      registers,
    });
    this.#retries = new Counter({
      name: 'vexil_sdk_identity_write_retries_total',
      help: 'Identity write batches retried after a database error',
      registers,
    });
    this.#dropped = new Counter({
      name: 'vexil_sdk_identity_writes_dropped_total',
      help: 'Identity writes given up after maxAttempts failures (logged with their content)',
      registers,
    });
  }

  get size(): number {
    return this.#queue.length;
  }

  /**
   * Queues a write and updates the cached identity at once. Resolves with the identity id once written; callers
   * that need not wait ignore the promise (it never rejects unless the write is dropped).
   */
  enqueue(write: IdentityWrite): Promise<number> {
    this.#checkRoom();
    this.#writeThrough(write);
    return this.#push(write, undefined).then((applied) => applied.identityId);
  }

  /**
   * Adds to an integer trait with one statement in the database, after every write queued before it, so that
   * increments from any number of processes add up. Unlike other writes it is not retried: its answer is the new
   * value, so a failed attempt (rolled back, nothing applied) is refused with 503 at once, and so is an increment
   * arriving while the queue waits for the database.
   */
  increment(environmentId: number, identifier: string, increment: TraitIncrement): Promise<IncrementOutcome> {
    // A retry is scheduled: the database just failed, and writes queued before this one wait for it.
    if (this.#timer !== undefined) throw new UnavailableError(NOT_APPLIED);
    this.#checkRoom();
    const write: IdentityWrite = { environmentId, identifier, upserts: [], deletes: [] };
    return this.#push(write, increment).then((applied) => applied.incremented as IncrementOutcome);
  }

  #checkRoom() {
    if (this.#queue.length >= this.#options.maxPending) {
      throw new UnavailableError('Too many identity writes are waiting for the database; retry shortly.');
    }
  }

  #push(write: IdentityWrite, increment: TraitIncrement | undefined): Promise<Applied> {
    const promise = new Promise<Applied>((resolve, reject) => {
      this.#queue.push({ write, ...(increment ? { increment } : {}), attempts: 0, resolve, reject });
    });
    if (!this.#flushing && this.#timer === undefined) setImmediate(() => void this.#flush());
    return promise;
  }

  /** Waits until every queued write is stored or `timeoutMs` passed (graceful shutdown). */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#queue.length > 0 && Date.now() < deadline) {
      if (!this.#flushing && this.#timer === undefined) void this.#flush();
      await new Promise((r) => setTimeout(r, 20));
    }
    if (this.#queue.length > 0) {
      this.#options.logger.error(
        { pending: this.#queue.length },
        'sdk-api: identity writes still pending at shutdown',
      );
    }
    return this.#queue.length === 0;
  }

  #writeThrough(write: IdentityWrite) {
    const { cache } = this.#options;
    const entry = cache.peek(write.environmentId, write.identifier) ?? { id: null, traits: new Map() };
    for (const key of write.deletes) entry.traits.delete(key);
    for (const [key, value] of write.upserts) {
      const existing = entry.traits.get(key);
      entry.traits.set(key, { id: existing?.id ?? null, value });
    }
    cache.put(write.environmentId, write.identifier, entry);
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    this.#timer = undefined;
    try {
      while (this.#queue.length > 0) {
        const size = this.#failures > 0 ? 1 : this.#options.batchSize;
        const batch = this.#queue.slice(0, size);
        try {
          const results = await this.#options.db.transaction().execute(async (trx) => {
            const out: Applied[] = [];
            for (const item of batch) out.push(await applyWrite(trx, item.write, item.increment));
            return out;
          });
          this.#queue.splice(0, batch.length);
          this.#failures = 0;
          this.#written.inc(batch.length);
          batch.forEach((item, i) => {
            const applied = results[i] as Applied;
            this.#remember(item.write, applied.identityId);
            if (item.increment) this.#learnIncrement(item, applied, batch.slice(i + 1));
            item.resolve(applied);
          });
        } catch (err) {
          this.#failures++;
          this.#retries.inc();
          const retried = this.#refuseIncrements(batch, err);
          for (const item of retried) item.attempts++;
          const first = retried[0];
          // Only increments failed: nothing waits for a retry (the next write tries the database again).
          if (!first) continue;
          if (retried.length === 1 && first.attempts >= this.#options.maxAttempts) {
            this.#queue.shift();
            this.#dropped.inc();
            this.#options.logger.error({ err, write: first.write }, 'sdk-api: identity write dropped');
            first.reject(err);
            continue;
          }
          const delay = Math.min(
            this.#options.backoffMaxMs,
            this.#options.backoffBaseMs * 2 ** Math.min(this.#failures - 1, 20),
          );
          this.#options.logger.warn(
            { err, delay, pending: this.#queue.length },
            'sdk-api: identity write failed',
          );
          this.#timer = setTimeout(() => void this.#flush(), delay);
          this.#timer.unref();
          return;
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  /**
   * After a failure no increment waits for the retry: those of the failed batch were rolled back, and those queued
   * behind it (they arrived while it ran) would wait out the backoff. All are answered 503 now, none applied.
   * Returns the other writes of the batch, which stay queued for the retry.
   */
  #refuseIncrements(batch: readonly Pending[], err: unknown): Pending[] {
    const refused = this.#queue.filter((item) => item.increment);
    if (refused.length > 0) {
      this.#queue.splice(0, this.#queue.length, ...this.#queue.filter((item) => !item.increment));
      this.#options.logger.warn({ err, refused: refused.length }, 'sdk-api: trait increments answered 503');
      for (const item of refused) item.reject(new UnavailableError(NOT_APPLIED));
    }
    return batch.filter((item) => !item.increment);
  }

  /**
   * The cached identity takes the incremented value, unless a write queued after the increment already put its
   * own value there (write-through) or will: that later value is the one the database ends with.
   */
  #learnIncrement(item: Pending, applied: Applied, laterInBatch: readonly Pending[]) {
    const outcome = applied.incremented;
    const key = (item.increment as TraitIncrement).key;
    if (!outcome || !('value' in outcome)) return;
    const { environmentId, identifier } = item.write;
    const entry = this.#options.cache.peek(environmentId, identifier);
    if (!entry) return;
    const touches = (p: Pending) =>
      p.write.environmentId === environmentId &&
      p.write.identifier === identifier &&
      (p.increment?.key === key || p.write.deletes.includes(key) || p.write.upserts.some(([k]) => k === key));
    if (laterInBatch.some(touches) || this.#queue.some(touches)) return;
    entry.traits.set(key, { id: outcome.traitId ?? entry.traits.get(key)?.id ?? null, value: outcome.value });
  }

  /** The cached identity learns its id once the row exists. */
  #remember(write: IdentityWrite, id: number) {
    const entry = this.#options.cache.peek(write.environmentId, write.identifier);
    if (entry && entry.id === null) entry.id = id;
  }
}

async function applyWrite(
  trx: Kysely<Schema>,
  write: IdentityWrite,
  increment: TraitIncrement | undefined,
): Promise<Applied> {
  await trx
    .insertInto('identities')
    .values({ environment_id: write.environmentId, identifier: write.identifier })
    .onConflict((oc) => oc.columns(['environment_id', 'identifier']).doNothing())
    .execute();
  const identity = await trx
    .selectFrom('identities')
    .select('id')
    .where('environment_id', '=', write.environmentId)
    .where('identifier', '=', write.identifier)
    .executeTakeFirstOrThrow();
  if (write.deletes.length > 0) {
    await trx
      .deleteFrom('traits')
      .where('identity_id', '=', identity.id)
      .where('trait_key', 'in', write.deletes)
      .execute();
  }
  for (const [key, value] of write.upserts) {
    const columns = traitColumns(value);
    await trx
      .insertInto('traits')
      .values({ identity_id: identity.id, trait_key: key, ...columns })
      .onConflict((oc) => oc.columns(['identity_id', 'trait_key']).doUpdateSet(columns))
      .execute();
  }
  if (!increment) return { identityId: identity.id };
  return { identityId: identity.id, incremented: await incrementTrait(trx, identity.id, increment) };
}

/**
 * One statement does the read-modify-write: a missing trait is inserted with `by` (Flagsmith parity: it starts at
 * 0); an existing one is updated only while it is an integer and the total stays within ±2^53, and concurrent
 * increments of the row wait for each other's row lock. A refused update still locks the row, so reading why it
 * was refused sees the row that refused it.
 */
async function incrementTrait(trx: Kysely<Schema>, identityId: number, increment: TraitIncrement) {
  const { key, by } = increment;
  const updated = await sql<{ id: number; integer_value: number }>`
    INSERT INTO traits (identity_id, trait_key, value_type, integer_value)
    VALUES (${identityId}, ${key}, 'int', ${by})
    ON CONFLICT (identity_id, trait_key) DO UPDATE
      SET integer_value = traits.integer_value + excluded.integer_value
      WHERE traits.value_type = 'int'
        AND traits.integer_value BETWEEN ${-MAX_SAFE} AND ${MAX_SAFE}
        AND traits.integer_value::numeric + excluded.integer_value BETWEEN ${-MAX_SAFE} AND ${MAX_SAFE}
    RETURNING id, integer_value`.execute(trx);
  const row = updated.rows[0];
  if (row) return { value: Number(row.integer_value), traitId: Number(row.id) };
  const current = await trx
    .selectFrom('traits')
    .select(['value_type', 'integer_value'])
    .where('identity_id', '=', identityId)
    .where('trait_key', '=', key)
    .executeTakeFirstOrThrow();
  const integer =
    current.value_type === 'int' && Number.isSafeInteger(Number(current.integer_value ?? Number.NaN));
  return { refused: integer ? ('out_of_range' as const) : ('not_integer' as const) };
}
