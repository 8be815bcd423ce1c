import type { Kysely, Selectable } from 'kysely';
import type { EnvironmentApiKeysTable, EnvironmentsTable, Schema } from '../../platform/db/schema.ts';

export type EnvironmentRow = Selectable<EnvironmentsTable>;
export type ServerKeyRow = Selectable<EnvironmentApiKeysTable>;
export type EnvironmentSettings = Partial<
  Pick<
    EnvironmentRow,
    | 'name'
    | 'description'
    | 'allow_client_traits'
    | 'banner_text'
    | 'banner_colour'
    | 'hide_disabled_flags'
    | 'use_identity_composite_key_for_hashing'
    | 'hide_sensitive_data'
    | 'use_identity_overrides_in_local_eval'
    | 'minimum_change_request_approvals'
  >
>;

export const environmentStore = {
  get(db: Kysely<Schema>, id: number) {
    return db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
  },
  getByKey(db: Kysely<Schema>, apiKey: string) {
    return db.selectFrom('environments').selectAll().where('api_key', '=', apiKey).executeTakeFirst();
  },
  getByUuid(db: Kysely<Schema>, uuid: string) {
    return db.selectFrom('environments').selectAll().where('uuid', '=', uuid).executeTakeFirst();
  },
  list(db: Kysely<Schema>, ids: readonly number[]): Promise<EnvironmentRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('environments').selectAll().where('id', 'in', ids).orderBy('id').execute();
  },
  insert(
    db: Kysely<Schema>,
    row: EnvironmentSettings & { project_id: number; name: string; api_key: string },
  ): Promise<EnvironmentRow> {
    return db.insertInto('environments').values(row).returningAll().executeTakeFirstOrThrow();
  },
  update(db: Kysely<Schema>, id: number, settings: EnvironmentSettings): Promise<EnvironmentRow> {
    if (Object.keys(settings).length === 0) {
      return db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    }
    return db
      .updateTable('environments')
      .set(settings)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
  async delete(db: Kysely<Schema>, id: number) {
    await db.deleteFrom('environments').where('id', '=', id).execute();
  },

  serverKeys(db: Kysely<Schema>, environmentId: number): Promise<ServerKeyRow[]> {
    return db
      .selectFrom('environment_api_keys')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .orderBy('id')
      .execute();
  },
  serverKey(db: Kysely<Schema>, environmentId: number, id: number) {
    return db
      .selectFrom('environment_api_keys')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  insertServerKey(
    db: Kysely<Schema>,
    row: { environment_id: number; key: string; name: string; expires_at: Date | null; active: boolean },
  ) {
    return db.insertInto('environment_api_keys').values(row).returningAll().executeTakeFirstOrThrow();
  },
  updateServerKey(
    db: Kysely<Schema>,
    id: number,
    patch: Partial<Pick<ServerKeyRow, 'name' | 'expires_at' | 'active'>>,
  ): Promise<ServerKeyRow> {
    if (Object.keys(patch).length === 0) {
      return db.selectFrom('environment_api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    }
    return db
      .updateTable('environment_api_keys')
      .set(patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
  async deleteServerKey(db: Kysely<Schema>, id: number) {
    await db.deleteFrom('environment_api_keys').where('id', '=', id).execute();
  },
};
