import { type Kysely, type Selectable, sql } from 'kysely';
import { bulkInsert } from '../../platform/db/bulk-insert.ts';
import type { FeatureSegmentsTable, FeatureStatesTable, Schema } from '../../platform/db/schema.ts';
import type { StoredValue } from './feature-values.ts';

export type FeatureStateRow = Selectable<FeatureStatesTable>;
export type FeatureSegmentRow = Selectable<FeatureSegmentsTable>;
export interface MvValueRow {
  id: number;
  uuid: string;
  feature_state_id: number;
  multivariate_option_id: number;
  percentage_allocation: number;
}
export interface MvValueInput {
  optionId: number;
  percentageAllocation: number;
}

export interface NewState extends StoredValue {
  feature_id: number;
  environment_id: number;
  enabled: boolean;
  identity_id?: number | null;
  feature_segment_id?: number | null;
  hashing_seed?: number | null;
}

/** Column types for bulk inserts of feature states (the document import writes them too). */
export const STATE_COLUMNS = {
  feature_id: 'integer',
  environment_id: 'integer',
  identity_id: 'integer',
  feature_segment_id: 'integer',
  enabled: 'boolean',
  value_type: 'text',
  string_value: 'text',
  integer_value: 'integer',
  boolean_value: 'boolean',
  hashing_seed: 'bigint',
} as const;

/** SQL for feature states (defaults, segment overrides, identity overrides), their MV values and feature segments. */
export const featureStateStore = {
  get(db: Kysely<Schema>, id: number) {
    return db.selectFrom('feature_states').selectAll().where('id', '=', id).executeTakeFirst();
  },
  getByUuid(db: Kysely<Schema>, uuid: string) {
    return db.selectFrom('feature_states').selectAll().where('uuid', '=', uuid).executeTakeFirst();
  },

  environmentDefault(db: Kysely<Schema>, environmentId: number, featureId: number) {
    return db
      .selectFrom('feature_states')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('feature_id', '=', featureId)
      .where('identity_id', 'is', null)
      .where('feature_segment_id', 'is', null)
      .executeTakeFirst();
  },

  /** Environment defaults of one environment, optionally for some features or one feature name. */
  async environmentDefaults(
    db: Kysely<Schema>,
    environmentId: number,
    filter: { featureIds?: readonly number[]; featureName?: string } = {},
  ): Promise<FeatureStateRow[]> {
    let q = db
      .selectFrom('feature_states as s')
      .selectAll('s')
      .where('s.environment_id', '=', environmentId)
      .where('s.identity_id', 'is', null)
      .where('s.feature_segment_id', 'is', null);
    if (filter.featureIds) {
      if (filter.featureIds.length === 0) return [];
      q = q.where('s.feature_id', 'in', filter.featureIds);
    }
    if (filter.featureName !== undefined) {
      const name = filter.featureName;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('features as f')
            .select('f.id')
            .whereRef('f.id', '=', 's.feature_id')
            .where(sql<string>`lower(f.name)`, '=', name.toLowerCase()),
        ),
      );
    }
    return q.orderBy('s.feature_id').execute();
  },

  /** Every state of an environment (all kinds), paged, for `features/featurestates/?environment=`. */
  async listInEnvironment(
    db: Kysely<Schema>,
    environmentId: number,
    filter: { featureId?: number; identityId?: number; featureSegmentId?: number },
    offset: number,
    limit: number,
  ) {
    let q = db.selectFrom('feature_states').where('environment_id', '=', environmentId);
    if (filter.featureId !== undefined) q = q.where('feature_id', '=', filter.featureId);
    if (filter.identityId !== undefined) q = q.where('identity_id', '=', filter.identityId);
    if (filter.featureSegmentId !== undefined)
      q = q.where('feature_segment_id', '=', filter.featureSegmentId);
    const counted = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await q.selectAll().orderBy('id').offset(offset).limit(limit).execute();
    return { count: Number(counted.n), rows };
  },

  identityOverrides(db: Kysely<Schema>, identityId: number) {
    return db
      .selectFrom('feature_states')
      .selectAll()
      .where('identity_id', '=', identityId)
      .orderBy('feature_id')
      .execute();
  },
  identityOverride(db: Kysely<Schema>, identityId: number, featureId: number) {
    return db
      .selectFrom('feature_states')
      .selectAll()
      .where('identity_id', '=', identityId)
      .where('feature_id', '=', featureId)
      .executeTakeFirst();
  },
  segmentOverride(db: Kysely<Schema>, featureSegmentId: number) {
    return db
      .selectFrom('feature_states')
      .selectAll()
      .where('feature_segment_id', '=', featureSegmentId)
      .executeTakeFirst();
  },

  /** Inserts states in bulk; returns id, feature_id, identity_id and feature_segment_id of each. */
  insertMany(db: Kysely<Schema>, rows: readonly NewState[]) {
    return bulkInsert<{
      id: number;
      feature_id: number;
      identity_id: number | null;
      feature_segment_id: number | null;
    }>(db, 'feature_states', STATE_COLUMNS, rows as unknown as Record<string, unknown>[], [
      'id',
      'feature_id',
      'identity_id',
      'feature_segment_id',
    ]);
  },
  async insert(db: Kysely<Schema>, row: NewState): Promise<FeatureStateRow> {
    const { hashing_seed, ...rest } = row;
    return db
      .insertInto('feature_states')
      .values({ ...rest, ...(hashing_seed != null ? { hashing_seed } : {}) })
      .returningAll()
      .executeTakeFirstOrThrow();
  },
  update(db: Kysely<Schema>, id: number, patch: Partial<StoredValue> & { enabled?: boolean }) {
    return db
      .updateTable('feature_states')
      .set({ ...patch, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
  async delete(db: Kysely<Schema>, id: number) {
    await db.deleteFrom('feature_states').where('id', '=', id).execute();
  },

  async mvValuesOf(db: Kysely<Schema>, stateIds: readonly number[]): Promise<Map<number, MvValueRow[]>> {
    const out = new Map<number, MvValueRow[]>();
    if (stateIds.length === 0) return out;
    const rows = await db
      .selectFrom('feature_state_mv_values')
      .selectAll()
      .where('feature_state_id', 'in', stateIds)
      .orderBy('id')
      .execute();
    for (const r of rows) out.set(r.feature_state_id, [...(out.get(r.feature_state_id) ?? []), r]);
    return out;
  },
  /** Replaces a state's MV values: existing options keep their row (and id), others are added or removed. */
  async replaceMvValues(db: Kysely<Schema>, stateId: number, values: readonly MvValueInput[]) {
    const keep = values.map((v) => v.optionId);
    let del = db.deleteFrom('feature_state_mv_values').where('feature_state_id', '=', stateId);
    if (keep.length > 0) del = del.where('multivariate_option_id', 'not in', keep);
    await del.execute();
    for (const v of values) {
      await db
        .insertInto('feature_state_mv_values')
        .values({
          feature_state_id: stateId,
          multivariate_option_id: v.optionId,
          percentage_allocation: v.percentageAllocation,
        })
        .onConflict((oc) =>
          oc
            .columns(['feature_state_id', 'multivariate_option_id'])
            .doUpdateSet({ percentage_allocation: v.percentageAllocation }),
        )
        .execute();
    }
  },
  async insertMvValues(
    db: Kysely<Schema>,
    rows: readonly {
      feature_state_id: number;
      multivariate_option_id: number;
      percentage_allocation: number;
    }[],
  ) {
    await bulkInsert(
      db,
      'feature_state_mv_values',
      {
        feature_state_id: 'bigint',
        multivariate_option_id: 'integer',
        percentage_allocation: 'double precision',
      },
      rows,
    );
  },
  /** Environment default states of a feature in every environment (MV option changes touch them all). */
  defaultsOfFeature(db: Kysely<Schema>, featureId: number) {
    return db
      .selectFrom('feature_states')
      .selectAll()
      .where('feature_id', '=', featureId)
      .where('identity_id', 'is', null)
      .where('feature_segment_id', 'is', null)
      .execute();
  },

  // Feature segments (segment override slots), ordered by priority per feature and environment.

  featureSegment(db: Kysely<Schema>, id: number) {
    return db.selectFrom('feature_segments').selectAll().where('id', '=', id).executeTakeFirst();
  },
  featureSegmentFor(db: Kysely<Schema>, featureId: number, segmentId: number, environmentId: number) {
    return db
      .selectFrom('feature_segments')
      .selectAll()
      .where('feature_id', '=', featureId)
      .where('segment_id', '=', segmentId)
      .where('environment_id', '=', environmentId)
      .executeTakeFirst();
  },
  async listFeatureSegments(
    db: Kysely<Schema>,
    filter: { environmentIds: readonly number[]; featureId?: number },
    offset: number,
    limit: number,
  ) {
    if (filter.environmentIds.length === 0) return { count: 0, rows: [] };
    let q = db.selectFrom('feature_segments').where('environment_id', 'in', filter.environmentIds);
    if (filter.featureId !== undefined) q = q.where('feature_id', '=', filter.featureId);
    const counted = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await q
      .selectAll()
      .orderBy('environment_id')
      .orderBy('feature_id')
      .orderBy('priority')
      .offset(offset)
      .limit(limit)
      .execute();
    return { count: Number(counted.n), rows };
  },
  siblings(db: Kysely<Schema>, featureId: number, environmentId: number) {
    return db
      .selectFrom('feature_segments')
      .selectAll()
      .where('feature_id', '=', featureId)
      .where('environment_id', '=', environmentId)
      .orderBy('priority')
      .orderBy('id')
      .forUpdate()
      .execute();
  },
  insertFeatureSegment(
    db: Kysely<Schema>,
    row: { feature_id: number; segment_id: number; environment_id: number; priority: number },
  ) {
    return db.insertInto('feature_segments').values(row).returningAll().executeTakeFirstOrThrow();
  },
  async setPriorities(db: Kysely<Schema>, ordered: readonly { id: number; priority: number }[]) {
    for (const { id, priority } of ordered) {
      await db
        .updateTable('feature_segments')
        .set({ priority })
        .where('id', '=', id)
        .where('priority', '!=', priority)
        .execute();
    }
  },
  async deleteFeatureSegment(db: Kysely<Schema>, id: number) {
    await db.deleteFrom('feature_segments').where('id', '=', id).execute();
  },
  segmentNames(db: Kysely<Schema>, segmentIds: readonly number[]) {
    if (segmentIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('segments')
      .select(['id', 'name', 'feature_id', 'project_id', 'description'])
      .where('id', 'in', segmentIds)
      .execute();
  },
};
