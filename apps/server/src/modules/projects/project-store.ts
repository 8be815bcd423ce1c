import { type Kysely, type Selectable, sql } from 'kysely';
import type { ProjectsTable, Schema } from '../../platform/db/schema.ts';

export type ProjectRow = Selectable<ProjectsTable> & { total_features: number; total_segments: number };

export type ProjectSettings = Partial<
  Pick<
    Selectable<ProjectsTable>,
    | 'name'
    | 'hide_disabled_flags'
    | 'prevent_flag_defaults'
    | 'enable_realtime_updates'
    | 'only_allow_lower_case_feature_names'
    | 'feature_name_regex'
    | 'stale_flags_limit_days'
    | 'minimum_change_request_approvals'
  >
>;

function select(db: Kysely<Schema>) {
  return db
    .selectFrom('projects as p')
    .selectAll('p')
    .select([
      sql<number>`(SELECT count(*) FROM features f WHERE f.project_id = p.id)`.as('total_features'),
      sql<number>`(SELECT count(*) FROM segments s WHERE s.project_id = p.id)`.as('total_segments'),
    ]);
}

export const projectStore = {
  get(db: Kysely<Schema>, id: number): Promise<ProjectRow | undefined> {
    return select(db).where('p.id', '=', id).executeTakeFirst();
  },

  getByUuid(db: Kysely<Schema>, uuid: string): Promise<ProjectRow | undefined> {
    return select(db).where('p.uuid', '=', uuid).executeTakeFirst();
  },

  list(db: Kysely<Schema>, ids: readonly number[]): Promise<ProjectRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return select(db).where('p.id', 'in', ids).orderBy('p.id').execute();
  },

  async insert(db: Kysely<Schema>, organisationId: number, settings: ProjectSettings & { name: string }) {
    const { id } = await db
      .insertInto('projects')
      .values({ organisation_id: organisationId, ...settings })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  },

  async update(db: Kysely<Schema>, id: number, settings: ProjectSettings): Promise<void> {
    if (Object.keys(settings).length === 0) return;
    await db.updateTable('projects').set(settings).where('id', '=', id).execute();
  },

  async delete(db: Kysely<Schema>, id: number): Promise<void> {
    await db.deleteFrom('projects').where('id', '=', id).execute();
  },

  async environmentIds(db: Kysely<Schema>, projectId: number): Promise<number[]> {
    const rows = await db
      .selectFrom('environments')
      .select('id')
      .where('project_id', '=', projectId)
      .execute();
    return rows.map((r) => r.id);
  },

  async nameTaken(
    db: Kysely<Schema>,
    organisationId: number,
    name: string,
    exceptId?: number,
  ): Promise<boolean> {
    let q = db
      .selectFrom('projects')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where(sql<string>`lower(name)`, '=', name.toLowerCase());
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    return (await q.executeTakeFirst()) !== undefined;
  },

  async restrictsCreateToAdmin(db: Kysely<Schema>, organisationId: number): Promise<boolean> {
    const row = await db
      .selectFrom('organisations')
      .select('restrict_project_create_to_admin')
      .where('id', '=', organisationId)
      .executeTakeFirst();
    return row?.restrict_project_create_to_admin ?? false;
  },
};
