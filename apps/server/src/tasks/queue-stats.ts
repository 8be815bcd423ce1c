import type { Kysely } from 'kysely';
import type { Schema } from '../platform/db/schema.ts';
import { type QueueStatsRow, queueStats } from './sql/queue-stats.ts';

export type { QueueStatsRow };

/**
 * Queue depth and age, computed by one aggregate query and shared by metrics and readiness. Cached for `maxAgeMs`
 * and single-flight, so scrapes and probes from many sources cost one query per interval, not one each.
 */
export class QueueStats {
  readonly #db: Kysely<Schema>;
  readonly #maxAgeMs: number;
  #cached: { at: number; rows: QueueStatsRow[] } | undefined;
  #loading: Promise<QueueStatsRow[]> | undefined;

  constructor(db: Kysely<Schema>, maxAgeMs = 2_000) {
    this.#db = db;
    this.#maxAgeMs = maxAgeMs;
  }

  get(): Promise<QueueStatsRow[]> {
    if (this.#cached && Date.now() - this.#cached.at < this.#maxAgeMs)
      return Promise.resolve(this.#cached.rows);
    this.#loading ??= queueStats(this.#db)
      .then((rows) => {
        this.#cached = { at: Date.now(), rows };
        return rows;
      })
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }
}
