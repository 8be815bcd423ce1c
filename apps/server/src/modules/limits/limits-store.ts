import type { Kysely } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';

const count = async (q: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }) =>
  Number((await q.executeTakeFirstOrThrow()).n);

/** Read-only counts over other modules' tables; limits never write. */
export const limitsStore = {
  featureCount(db: Kysely<Schema>, projectId: number) {
    return count(
      db
        .selectFrom('features')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project_id', '=', projectId),
    );
  },
  segmentCount(db: Kysely<Schema>, projectId: number) {
    return count(
      db
        .selectFrom('segments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('project_id', '=', projectId),
    );
  },
  segmentOverrideCount(db: Kysely<Schema>, environmentId: number) {
    return count(
      db
        .selectFrom('feature_segments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('environment_id', '=', environmentId),
    );
  },
  identityOverrideCount(db: Kysely<Schema>, environmentId: number) {
    return count(
      db
        .selectFrom('feature_states')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('environment_id', '=', environmentId)
        .where('identity_id', 'is not', null),
    );
  },
  projectLimits(db: Kysely<Schema>, projectId: number) {
    return db
      .selectFrom('projects')
      .select(['max_features_allowed', 'max_segments_allowed', 'max_segment_overrides_allowed'])
      .where('id', '=', projectId)
      .executeTakeFirst();
  },
  environmentProjectLimits(db: Kysely<Schema>, environmentId: number) {
    return db
      .selectFrom('environments as e')
      .innerJoin('projects as p', 'p.id', 'e.project_id')
      .select(['p.max_features_allowed', 'p.max_segments_allowed', 'p.max_segment_overrides_allowed'])
      .where('e.id', '=', environmentId)
      .executeTakeFirst();
  },
};
