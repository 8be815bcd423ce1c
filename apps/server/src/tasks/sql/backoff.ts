import { type RawBuilder, sql } from 'kysely';

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/**
 * The delay before retry number `attempts` (1 after the first failure): base · 2^(attempts − 1), capped at max,
 * with "equal jitter": half of it fixed, half random. The random half spreads out tasks that failed together
 * (a database blip fails a whole batch); the fixed half keeps a poison task from retrying in a tight loop.
 * Computed in SQL because the reaper requeues many rows in one statement.
 */
export function backoffInterval(attempts: RawBuilder<unknown>, backoff: Backoff): RawBuilder<unknown> {
  return sql`make_interval(secs => LEAST(${backoff.maxMs}::float8,
      ${backoff.baseMs}::float8 * power(2, GREATEST(${attempts}, 1) - 1)) * (0.5 + random() * 0.5) / 1000.0)`;
}
