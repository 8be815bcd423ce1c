import { type Kysely, type Selectable, sql } from 'kysely';
import type { FeaturesTable, MultivariateOptionsTable, Schema } from '../../platform/db/schema.ts';

export type FeatureRow = Selectable<FeaturesTable>;
export type MvOptionRow = Selectable<MultivariateOptionsTable>;
export type FeatureSettings = Partial<
  Pick<
    FeatureRow,
    | 'name'
    | 'type'
    | 'initial_value'
    | 'default_enabled'
    | 'description'
    | 'is_archived'
    | 'is_server_key_only'
  >
>;

export interface FeatureQuery {
  projectId: number;
  search?: string;
  isArchived?: boolean;
  type?: 'STANDARD' | 'MULTIVARIATE';
  tagIds?: readonly number[];
  tagStrategy?: 'INTERSECTION' | 'UNION';
  /** With `environmentId`: only features whose environment default is (not) enabled. */
  isEnabled?: boolean;
  valueSearch?: string;
  environmentId?: number;
  sortField: 'created_date' | 'name';
  sortDirection: 'ASC' | 'DESC';
  offset: number;
  limit: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** SQL for features, their tags, owners and multivariate options. */
export const featureStore = {
  get(db: Kysely<Schema>, id: number): Promise<FeatureRow | undefined> {
    return db.selectFrom('features').selectAll().where('id', '=', id).executeTakeFirst();
  },
  getByUuid(db: Kysely<Schema>, uuid: string) {
    return db.selectFrom('features').selectAll().where('uuid', '=', uuid).executeTakeFirst();
  },
  async nameTaken(db: Kysely<Schema>, projectId: number, name: string, exceptId?: number) {
    let q = db
      .selectFrom('features')
      .select('id')
      .where('project_id', '=', projectId)
      .where(sql<string>`lower(name)`, '=', name.toLowerCase());
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    return (await q.executeTakeFirst()) !== undefined;
  },
  insert(db: Kysely<Schema>, row: FeatureSettings & { project_id: number; name: string }) {
    return db.insertInto('features').values(row).returningAll().executeTakeFirstOrThrow();
  },
  update(db: Kysely<Schema>, id: number, settings: FeatureSettings) {
    if (Object.keys(settings).length === 0) {
      return db.selectFrom('features').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    }
    return db
      .updateTable('features')
      .set(settings)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
  async delete(db: Kysely<Schema>, id: number) {
    await db.deleteFrom('features').where('id', '=', id).execute();
  },
  byProject(db: Kysely<Schema>, projectId: number) {
    return db.selectFrom('features').selectAll().where('project_id', '=', projectId).orderBy('id').execute();
  },

  async list(db: Kysely<Schema>, q: FeatureQuery): Promise<{ count: number; rows: FeatureRow[] }> {
    let base = db.selectFrom('features as f').where('f.project_id', '=', q.projectId);
    if (q.search) base = base.where('f.name', 'ilike', `%${escapeLike(q.search)}%`);
    if (q.isArchived !== undefined) base = base.where('f.is_archived', '=', q.isArchived);
    if (q.type) base = base.where('f.type', '=', q.type);
    if (q.tagIds && q.tagIds.length > 0) {
      const tagIds = q.tagIds;
      base =
        q.tagStrategy === 'UNION'
          ? base.where((eb) =>
              eb.exists(
                eb
                  .selectFrom('feature_tags as t')
                  .select('t.feature_id')
                  .whereRef('t.feature_id', '=', 'f.id')
                  .where('t.tag_id', 'in', tagIds),
              ),
            )
          : base.where(
              sql<boolean>`(SELECT count(DISTINCT t.tag_id) FROM feature_tags t WHERE t.feature_id = f.id AND t.tag_id IN (${sql.join(tagIds)})) = ${new Set(tagIds).size}`,
            );
    }
    if (q.environmentId !== undefined && (q.isEnabled !== undefined || q.valueSearch)) {
      const envId = q.environmentId;
      base = base.where((eb) => {
        let sub = eb
          .selectFrom('feature_states as s')
          .select('s.id')
          .whereRef('s.feature_id', '=', 'f.id')
          .where('s.environment_id', '=', envId)
          .where('s.identity_id', 'is', null)
          .where('s.feature_segment_id', 'is', null);
        if (q.isEnabled !== undefined) sub = sub.where('s.enabled', '=', q.isEnabled);
        if (q.valueSearch) {
          sub = sub.where(
            sql<string>`coalesce(s.string_value, s.integer_value::text, s.boolean_value::text, '')`,
            'ilike',
            `%${escapeLike(q.valueSearch)}%`,
          );
        }
        return eb.exists(sub);
      });
    }
    const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const direction = q.sortDirection === 'DESC' ? 'desc' : 'asc';
    const rows = await base
      .selectAll('f')
      .orderBy(q.sortField === 'name' ? sql`lower(f.name)` : sql`f.created_date`, direction)
      .orderBy('f.id', direction)
      .offset(q.offset)
      .limit(q.limit)
      .execute();
    return { count: Number(counted.n), rows };
  },

  async tagsOf(db: Kysely<Schema>, featureIds: readonly number[]): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    if (featureIds.length === 0) return out;
    const rows = await db
      .selectFrom('feature_tags')
      .select(['feature_id', 'tag_id'])
      .where('feature_id', 'in', featureIds)
      .orderBy('tag_id')
      .execute();
    for (const r of rows) out.set(r.feature_id, [...(out.get(r.feature_id) ?? []), r.tag_id]);
    return out;
  },
  async setTags(db: Kysely<Schema>, featureId: number, tagIds: readonly number[]) {
    await db.deleteFrom('feature_tags').where('feature_id', '=', featureId).execute();
    if (tagIds.length > 0) {
      await db
        .insertInto('feature_tags')
        .values([...new Set(tagIds)].map((tag_id) => ({ feature_id: featureId, tag_id })))
        .execute();
    }
  },
  async tagIdsInProject(db: Kysely<Schema>, projectId: number, tagIds: readonly number[]) {
    if (tagIds.length === 0) return [];
    const rows = await db
      .selectFrom('tags')
      .select('id')
      .where('project_id', '=', projectId)
      .where('id', 'in', tagIds)
      .execute();
    return rows.map((r) => r.id);
  },

  async ownersOf(db: Kysely<Schema>, featureIds: readonly number[]) {
    const out = new Map<number, { id: number; email: string; first_name: string; last_name: string }[]>();
    if (featureIds.length === 0) return out;
    const rows = await db
      .selectFrom('feature_owners as o')
      .innerJoin('users as u', 'u.id', 'o.user_id')
      .select(['o.feature_id', 'u.id', 'u.email', 'u.first_name', 'u.last_name'])
      .where('o.feature_id', 'in', featureIds)
      .orderBy('u.id')
      .execute();
    for (const { feature_id, ...u } of rows) out.set(feature_id, [...(out.get(feature_id) ?? []), u]);
    return out;
  },
  async addOwners(db: Kysely<Schema>, featureId: number, userIds: readonly number[]) {
    if (userIds.length === 0) return;
    await db
      .insertInto('feature_owners')
      .values([...new Set(userIds)].map((user_id) => ({ feature_id: featureId, user_id })))
      .onConflict((oc) => oc.columns(['feature_id', 'user_id']).doNothing())
      .execute();
  },
  async removeOwners(db: Kysely<Schema>, featureId: number, userIds: readonly number[]) {
    if (userIds.length === 0) return;
    await db
      .deleteFrom('feature_owners')
      .where('feature_id', '=', featureId)
      .where('user_id', 'in', userIds)
      .execute();
  },
  async membersOf(db: Kysely<Schema>, organisationId: number, userIds: readonly number[]) {
    if (userIds.length === 0) return [];
    const rows = await db
      .selectFrom('user_organisations')
      .select('user_id')
      .where('organisation_id', '=', organisationId)
      .where('user_id', 'in', userIds)
      .execute();
    return rows.map((r) => r.user_id);
  },

  async optionsOf(db: Kysely<Schema>, featureIds: readonly number[]): Promise<Map<number, MvOptionRow[]>> {
    const out = new Map<number, MvOptionRow[]>();
    if (featureIds.length === 0) return out;
    const rows = await db
      .selectFrom('multivariate_options')
      .selectAll()
      .where('feature_id', 'in', featureIds)
      .orderBy('id')
      .execute();
    for (const r of rows) out.set(r.feature_id, [...(out.get(r.feature_id) ?? []), r]);
    return out;
  },
  option(db: Kysely<Schema>, featureId: number, id: number) {
    return db
      .selectFrom('multivariate_options')
      .selectAll()
      .where('feature_id', '=', featureId)
      .where('id', '=', id)
      .executeTakeFirst();
  },
  optionByUuid(db: Kysely<Schema>, uuid: string) {
    return db.selectFrom('multivariate_options').selectAll().where('uuid', '=', uuid).executeTakeFirst();
  },
  insertOption(db: Kysely<Schema>, row: Omit<MvOptionRow, 'id' | 'uuid'>) {
    return db.insertInto('multivariate_options').values(row).returningAll().executeTakeFirstOrThrow();
  },
  updateOption(
    db: Kysely<Schema>,
    id: number,
    row: Partial<Omit<MvOptionRow, 'id' | 'uuid' | 'feature_id'>>,
  ) {
    return db
      .updateTable('multivariate_options')
      .set(row)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
  async deleteOption(db: Kysely<Schema>, id: number) {
    await db.deleteFrom('multivariate_options').where('id', '=', id).execute();
  },

  /** Segment and identity override counts per feature in one environment (the features list shows them). */
  async overrideCounts(db: Kysely<Schema>, environmentId: number, featureIds: readonly number[]) {
    const out = new Map<number, { segments: number; identities: number }>();
    if (featureIds.length === 0) return out;
    const { rows } = await sql<{ feature_id: number; segments: number; identities: number }>`
      SELECT f.id AS feature_id,
        (SELECT count(*) FROM feature_segments x WHERE x.feature_id = f.id AND x.environment_id = ${environmentId}) AS segments,
        (SELECT count(*) FROM feature_states s WHERE s.feature_id = f.id AND s.environment_id = ${environmentId}
           AND s.identity_id IS NOT NULL) AS identities
      FROM features f WHERE f.id IN (${sql.join(featureIds)})`.execute(db);
    for (const r of rows)
      out.set(r.feature_id, { segments: Number(r.segments), identities: Number(r.identities) });
    return out;
  },

  async environmentIds(db: Kysely<Schema>, projectId: number): Promise<number[]> {
    const rows = await db
      .selectFrom('environments')
      .select('id')
      .where('project_id', '=', projectId)
      .execute();
    return rows.map((r) => r.id);
  },
};
