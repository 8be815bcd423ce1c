import { type Kysely, type Selectable, sql } from 'kysely';
import type { IdentitiesTable, Schema, TraitsTable } from '../../platform/db/schema.ts';

export type IdentityRow = Selectable<IdentitiesTable>;
export type TraitRow = Selectable<TraitsTable>;
export type TraitValueColumns = Pick<
  TraitRow,
  'value_type' | 'string_value' | 'integer_value' | 'float_value' | 'boolean_value'
>;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export const identityStore = {
  async list(
    db: Kysely<Schema>,
    environmentId: number,
    search: string | undefined,
    offset: number,
    limit: number,
  ) {
    let q = db.selectFrom('identities').where('environment_id', '=', environmentId);
    if (search) q = q.where('identifier', 'ilike', `%${escapeLike(search)}%`);
    const counted = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await q.selectAll().orderBy('id').offset(offset).limit(limit).execute();
    return { count: Number(counted.n), rows };
  },
  get(db: Kysely<Schema>, environmentId: number, id: number) {
    return db
      .selectFrom('identities')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  byIdentifier(db: Kysely<Schema>, environmentId: number, identifier: string) {
    return db
      .selectFrom('identities')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('identifier', '=', identifier)
      .executeTakeFirst();
  },
  insert(
    db: Kysely<Schema>,
    row: { environment_id: number; identifier: string; dashboard_alias: string | null },
  ) {
    return db.insertInto('identities').values(row).returningAll().executeTakeFirstOrThrow();
  },
  update(db: Kysely<Schema>, id: number, patch: { dashboard_alias?: string | null }) {
    return db
      .updateTable('identities')
      .set(patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
  async delete(db: Kysely<Schema>, id: number) {
    await db.deleteFrom('identities').where('id', '=', id).execute();
  },
  async hasOverrides(db: Kysely<Schema>, id: number): Promise<boolean> {
    const row = await db
      .selectFrom('feature_states')
      .select('id')
      .where('identity_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  traits(db: Kysely<Schema>, identityId: number) {
    return db
      .selectFrom('traits')
      .selectAll()
      .where('identity_id', '=', identityId)
      .orderBy('trait_key')
      .execute();
  },
  trait(db: Kysely<Schema>, identityId: number, id: number) {
    return db
      .selectFrom('traits')
      .selectAll()
      .where('identity_id', '=', identityId)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  /** Inserts or replaces the trait with this key. */
  upsertTrait(db: Kysely<Schema>, identityId: number, key: string, value: TraitValueColumns) {
    return db
      .insertInto('traits')
      .values({ identity_id: identityId, trait_key: key, ...value })
      .onConflict((oc) => oc.columns(['identity_id', 'trait_key']).doUpdateSet(value))
      .returningAll()
      .executeTakeFirstOrThrow();
  },
  updateTrait(db: Kysely<Schema>, id: number, patch: Partial<TraitValueColumns> & { trait_key?: string }) {
    if (Object.keys(patch).length === 0) {
      return db.selectFrom('traits').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    }
    return db.updateTable('traits').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },
  async deleteTrait(db: Kysely<Schema>, id: number) {
    await db.deleteFrom('traits').where('id', '=', id).execute();
  },
  async traitKeys(db: Kysely<Schema>, environmentId: number): Promise<string[]> {
    const { rows } = await sql<{ trait_key: string }>`
      SELECT DISTINCT t.trait_key FROM traits t JOIN identities i ON i.id = t.identity_id
      WHERE i.environment_id = ${environmentId} ORDER BY t.trait_key`.execute(db);
    return rows.map((r) => r.trait_key);
  },
  async deleteTraitsByKey(db: Kysely<Schema>, environmentId: number, key: string): Promise<number> {
    const result = await sql`
      DELETE FROM traits t USING identities i
      WHERE i.id = t.identity_id AND i.environment_id = ${environmentId} AND t.trait_key = ${key}`.execute(
      db,
    );
    return Number(result.numAffectedRows ?? 0);
  },
};
