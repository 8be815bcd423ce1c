import { type Kysely, sql } from 'kysely';
import type { Schema, ValueType } from '../../platform/db/schema.ts';

/** What every import step needs: the transaction and where the document goes. */
export interface ImportContext {
  trx: Kysely<Schema>;
  projectId: number;
  environmentId: number;
  /** Every environment of the project (new features get a default state in each). */
  environmentIds: readonly number[];
}

export interface Stored {
  value_type: ValueType;
  string_value: string | null;
  integer_value: number | null;
  boolean_value: boolean | null;
}

/** Reserves `n` ids from a table's identity sequence, so parent and child rows can be written in bulk. */
export async function reserveIds(trx: Kysely<Schema>, table: string, n: number): Promise<number[]> {
  if (n === 0) return [];
  const { rows } = await sql<{ id: number }>`
    SELECT nextval(pg_get_serial_sequence(${table}, 'id')) AS id FROM generate_series(1, ${n})`.execute(trx);
  return rows.map((r) => Number(r.id));
}

/** A stable key for a typed value, to match multivariate options by value. */
export const valueKey = (v: Stored) =>
  v.value_type === 'int'
    ? `i:${v.integer_value}`
    : v.value_type === 'bool'
      ? `b:${v.boolean_value}`
      : `s:${v.string_value}`;

/** The document's django_id is the multivariate hashing seed (spec §2.1); older documents only carry `id`. */
export const seedOf = (s: { django_id?: number | null; id?: number | null }) => s.django_id ?? s.id ?? null;
