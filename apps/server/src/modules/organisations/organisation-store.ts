import type { Kysely, Selectable } from 'kysely';
import type { OrganisationsTable, Schema } from '../../platform/db/schema.ts';

export type OrganisationRow = Selectable<OrganisationsTable>;
export type OrganisationSettings = Partial<
  Pick<
    OrganisationRow,
    | 'name'
    | 'webhook_notification_email'
    | 'restrict_project_create_to_admin'
    | 'persist_trait_data'
    | 'stop_serving_flags'
    | 'feature_analytics'
  >
>;

export const organisationStore = {
  async insert(db: Kysely<Schema>, input: { name: string } & OrganisationSettings): Promise<OrganisationRow> {
    return db.insertInto('organisations').values(input).returningAll().executeTakeFirstOrThrow();
  },

  async count(db: Kysely<Schema>): Promise<number> {
    const row = await db
      .selectFrom('organisations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  get(db: Kysely<Schema>, id: number): Promise<OrganisationRow | undefined> {
    return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
  },

  listByIds(db: Kysely<Schema>, ids: readonly number[]): Promise<OrganisationRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('organisations').selectAll().where('id', 'in', ids).orderBy('id').execute();
  },

  update(db: Kysely<Schema>, id: number, settings: OrganisationSettings): Promise<OrganisationRow> {
    if (Object.keys(settings).length === 0) {
      return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    }
    return db
      .updateTable('organisations')
      .set(settings)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  async delete(db: Kysely<Schema>, id: number): Promise<void> {
    await db.deleteFrom('organisations').where('id', '=', id).execute();
  },

  async environmentIds(db: Kysely<Schema>, organisationId: number): Promise<number[]> {
    const rows = await db
      .selectFrom('environments as e')
      .innerJoin('projects as p', 'p.id', 'e.project_id')
      .select('e.id')
      .where('p.organisation_id', '=', organisationId)
      .execute();
    return rows.map((r) => r.id);
  },

  /** Admin users plus live admin master API keys: whoever can still administer the organisation. */
  async adminCount(db: Kysely<Schema>, organisationId: number): Promise<number> {
    const users = await db
      .selectFrom('user_organisations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organisation_id', '=', organisationId)
      .where('role', '=', 'ADMIN')
      .executeTakeFirstOrThrow();
    const keys = await db
      .selectFrom('master_api_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organisation_id', '=', organisationId)
      .where('is_admin', '=', true)
      .where('revoked', '=', false)
      .where((eb) => eb.or([eb('expiry_date', 'is', null), eb('expiry_date', '>', new Date())]))
      .executeTakeFirstOrThrow();
    return Number(users.n) + Number(keys.n);
  },
};
