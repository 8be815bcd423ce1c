import type { Kysely } from 'kysely';
import { type TraitValue, traitValue } from '../modules/identities/index.ts';
import type { Schema } from '../platform/db/schema.ts';

export interface StoredTrait {
  /** null until the queued write has created the row. */
  id: number | null;
  value: TraitValue;
}

/** An identity as the SDK API knows it: id null when it does not exist yet (its creation may be queued). */
export interface StoredIdentity {
  id: number | null;
  traits: Map<string, StoredTrait>;
}

/**
 * Stored traits of persisted identities, read through a small LRU. Writes go through the write queue, which
 * updates the cached copy first (write-through), so a following request sees them before they reach the database.
 * A process is the only writer of identities it serves only if one process serves an environment; with several,
 * an entry may be stale for as long as it stays cached, which Flagsmith's own Edge caches also accept.
 */
export class IdentityTraitCache {
  readonly #db: Kysely<Schema>;
  readonly #max: number;
  readonly #entries = new Map<string, StoredIdentity>();

  constructor(db: Kysely<Schema>, max = 10_000) {
    this.#db = db;
    this.#max = max;
  }

  static key(environmentId: number, identifier: string): string {
    return `${environmentId}\u0000${identifier}`;
  }

  async load(environmentId: number, identifier: string): Promise<StoredIdentity> {
    const key = IdentityTraitCache.key(environmentId, identifier);
    const hit = this.#entries.get(key);
    if (hit) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const identity = await this.#db
      .selectFrom('identities')
      .select('id')
      .where('environment_id', '=', environmentId)
      .where('identifier', '=', identifier)
      .executeTakeFirst();
    const traits = new Map<string, StoredTrait>();
    if (identity) {
      const rows = await this.#db
        .selectFrom('traits')
        .selectAll()
        .where('identity_id', '=', identity.id)
        .orderBy('trait_key')
        .execute();
      for (const row of rows) traits.set(row.trait_key, { id: row.id, value: traitValue(row) });
    }
    // A write queued meanwhile already put a newer entry: keep it.
    const raced = this.#entries.get(key);
    if (raced) return raced;
    const entry: StoredIdentity = { id: identity?.id ?? null, traits };
    this.#put(key, entry);
    return entry;
  }

  /** The cached entry, if any (the write queue updates it in place). */
  peek(environmentId: number, identifier: string): StoredIdentity | undefined {
    return this.#entries.get(IdentityTraitCache.key(environmentId, identifier));
  }

  put(environmentId: number, identifier: string, entry: StoredIdentity) {
    this.#put(IdentityTraitCache.key(environmentId, identifier), entry);
  }

  #put(key: string, entry: StoredIdentity) {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}
