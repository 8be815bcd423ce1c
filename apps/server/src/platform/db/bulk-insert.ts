import { type Kysely, sql } from 'kysely';
import type { Schema } from './schema.ts';

/** Postgres types of the columns a bulk insert writes, in the order given. */
export type ColumnTypes = Readonly<
  Record<string, 'integer' | 'bigint' | 'text' | 'boolean' | 'double precision' | 'uuid'>
>;

const CHUNK = 5_000;

/**
 * Inserts many rows in a few statements: each chunk travels as one JSON parameter, unpacked by
 * `jsonb_to_recordset`, so there is no 65,535-parameter ceiling and no per-row round trip. Returns the
 * `returning` columns; callers that must pair results with inputs pass explicit ids or match on returned
 * columns rather than rely on order.
 */
export async function bulkInsert<R = Record<string, unknown>>(
  db: Kysely<Schema>,
  table: string,
  columns: ColumnTypes,
  rows: readonly Record<string, unknown>[],
  returning: readonly string[] = [],
): Promise<R[]> {
  const names = Object.keys(columns);
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows
      .slice(i, i + CHUNK)
      .map((r) => Object.fromEntries(names.map((n) => [n, r[n] ?? null])));
    const cols = sql.join(names.map((n) => sql.ref(n)));
    const defs = sql.raw(names.map((n) => `"${n}" ${columns[n]}`).join(', '));
    const ret = returning.length > 0 ? sql`RETURNING ${sql.join(returning.map((r) => sql.ref(r)))}` : sql``;
    const result = await sql<R>`
      INSERT INTO ${sql.table(table)} (${cols})
      SELECT ${cols} FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) AS x(${defs})
      ${ret}`.execute(db);
    out.push(...result.rows);
  }
  return out;
}
