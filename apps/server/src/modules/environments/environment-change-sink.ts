import { type Kysely, sql } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';
import type { Logger } from '../../platform/logger.ts';

/**
 * The port through which admin writes announce that environments now serve something different, so their SDK
 * documents are stale. Declared here (the producer of the event) and implemented by the task processor, which
 * enqueues one coalesced rebuild per environment.
 *
 * Contract: called inside the writing transaction (`trx`), after `data_version` and `updated_at` were bumped for
 * every id in `environmentIds`; whatever the sink writes commits or rolls back with the change. `environmentIds`
 * is non-empty, de-duplicated and sorted. It MUST NOT commit, and SHOULD be cheap (one insert per call).
 */
export interface EnvironmentChangeSink {
  environmentsChanged(trx: Kysely<Schema>, environmentIds: readonly number[], reason: string): Promise<void>;
}

/** The default until the task processor is wired: logs at debug level and does nothing else. */
export function loggingEnvironmentChangeSink(logger: Logger): EnvironmentChangeSink {
  return {
    async environmentsChanged(_trx, environmentIds, reason) {
      logger.debug({ environmentIds, reason }, 'environments changed');
    },
  };
}

/**
 * Records that environments changed: bumps `environments.data_version` and `updated_at`, then tells the sink.
 * Every admin write that changes what an environment serves calls this in its transaction.
 */
export class EnvironmentChanges {
  readonly #sink: EnvironmentChangeSink;

  constructor(sink: EnvironmentChangeSink) {
    this.#sink = sink;
  }

  async environmentsChanged(
    trx: Kysely<Schema>,
    environmentIds: Iterable<number>,
    reason: string,
  ): Promise<void> {
    const ids = [...new Set(environmentIds)].sort((a, b) => a - b);
    if (ids.length === 0) return;
    // clock_timestamp(), not now(): the row lock orders concurrent writers, so updated_at only moves forward in
    // commit order even when an earlier-started transaction commits later.
    await trx
      .updateTable('environments')
      .set({
        data_version: sql`data_version + 1`,
        updated_at: sql`greatest(updated_at, clock_timestamp())`,
      })
      .where('id', 'in', ids)
      .execute();
    await this.#sink.environmentsChanged(trx, ids, reason);
  }

  /** Every environment of a project changed (a project setting, a feature, a segment's rules). */
  async projectChanged(trx: Kysely<Schema>, projectId: number, reason: string): Promise<readonly number[]> {
    const rows = await trx
      .selectFrom('environments')
      .select('id')
      .where('project_id', '=', projectId)
      .execute();
    const ids = rows.map((r) => r.id);
    await this.environmentsChanged(trx, ids, reason);
    return ids;
  }
}
