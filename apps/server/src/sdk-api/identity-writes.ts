import type { Kysely } from 'kysely';
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

interface Pending {
  write: IdentityWrite;
  attempts: number;
  resolve: (identityId: number) => void;
  reject: (err: unknown) => void;
}

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
    if (this.#queue.length >= this.#options.maxPending) {
      throw new UnavailableError('Too many identity writes are waiting for the database; retry shortly.');
    }
    this.#writeThrough(write);
    const promise = new Promise<number>((resolve, reject) => {
      this.#queue.push({ write, attempts: 0, resolve, reject });
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
          const ids = await this.#options.db.transaction().execute(async (trx) => {
            const out: number[] = [];
            for (const item of batch) out.push(await applyWrite(trx, item.write));
            return out;
          });
          this.#queue.splice(0, batch.length);
          this.#failures = 0;
          this.#written.inc(batch.length);
          batch.forEach((item, i) => {
            const id = ids[i] as number;
            this.#remember(item.write, id);
            item.resolve(id);
          });
        } catch (err) {
          this.#failures++;
          this.#retries.inc();
          for (const item of batch) item.attempts++;
          const first = batch[0] as Pending;
          if (batch.length === 1 && first.attempts >= this.#options.maxAttempts) {
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

  /** The cached identity learns its id once the row exists. */
  #remember(write: IdentityWrite, id: number) {
    const entry = this.#options.cache.peek(write.environmentId, write.identifier);
    if (entry && entry.id === null) entry.id = id;
  }
}

async function applyWrite(trx: Kysely<Schema>, write: IdentityWrite): Promise<number> {
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
  return identity.id;
}
