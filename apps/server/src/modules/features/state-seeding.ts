import { type Kysely, sql } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';
import type { EnvironmentLifecycle } from '../environments/index.ts';
import { featureStateStore } from './feature-state-store.ts';
import { featureStore } from './feature-store.ts';
import { initialValueToStored } from './feature-values.ts';

/**
 * Gives each (feature, environment) pair its environment default state, as Flagsmith does when either is created:
 * enabled = the feature's default_enabled, value = its initial_value typed by content, and one MV value per option
 * with the option's default allocation.
 */
export async function seedFeatureStates(
  trx: Kysely<Schema>,
  scope: { featureIds: readonly number[]; environmentIds: readonly number[] },
): Promise<void> {
  if (scope.featureIds.length === 0 || scope.environmentIds.length === 0) return;
  const features = await trx.selectFrom('features').selectAll().where('id', 'in', scope.featureIds).execute();
  const options = await featureStore.optionsOf(trx, scope.featureIds);
  const states = features.flatMap((f) =>
    scope.environmentIds.map((environment_id) => ({
      feature_id: f.id,
      environment_id,
      enabled: f.default_enabled,
      ...initialValueToStored(f.initial_value),
    })),
  );
  const inserted = await featureStateStore.insertMany(trx, states);
  await featureStateStore.insertMvValues(
    trx,
    inserted.flatMap((s) =>
      (options.get(s.feature_id) ?? []).map((o) => ({
        feature_state_id: s.id,
        multivariate_option_id: o.id,
        percentage_allocation: o.default_percentage_allocation,
      })),
    ),
  );
}

/**
 * Copies a source environment's defaults and segment overrides (not identity overrides) into an empty clone,
 * keeping each state's hashing seed so multivariate bucketing matches the source's.
 */
export async function cloneEnvironmentStates(
  trx: Kysely<Schema>,
  sourceId: number,
  targetId: number,
): Promise<void> {
  await sql`
    INSERT INTO feature_segments (feature_id, segment_id, environment_id, priority)
    SELECT feature_id, segment_id, ${targetId}, priority FROM feature_segments WHERE environment_id = ${sourceId}`.execute(
    trx,
  );
  await sql`
    INSERT INTO feature_states (feature_id, environment_id, feature_segment_id, enabled, value_type, string_value,
                                integer_value, boolean_value, hashing_seed)
    SELECT s.feature_id, ${targetId}, nfs.id, s.enabled, s.value_type, s.string_value, s.integer_value,
           s.boolean_value, s.hashing_seed
    FROM feature_states s
    LEFT JOIN feature_segments ofs ON ofs.id = s.feature_segment_id
    LEFT JOIN feature_segments nfs
      ON nfs.environment_id = ${targetId} AND nfs.feature_id = ofs.feature_id AND nfs.segment_id = ofs.segment_id
    WHERE s.environment_id = ${sourceId} AND s.identity_id IS NULL`.execute(trx);
  await sql`
    INSERT INTO feature_state_mv_values (feature_state_id, multivariate_option_id, percentage_allocation)
    SELECT ns.id, v.multivariate_option_id, v.percentage_allocation
    FROM feature_state_mv_values v
    JOIN feature_states os ON os.id = v.feature_state_id
    LEFT JOIN feature_segments ofs ON ofs.id = os.feature_segment_id
    JOIN feature_states ns ON ns.environment_id = ${targetId} AND ns.feature_id = os.feature_id AND ns.identity_id IS NULL
    LEFT JOIN feature_segments nfs ON nfs.id = ns.feature_segment_id
    WHERE os.environment_id = ${sourceId} AND os.identity_id IS NULL
      AND (ofs.segment_id IS NOT DISTINCT FROM nfs.segment_id)`.execute(trx);
}

/** The features module's side of environment creation and cloning (wired into EnvironmentService). */
export const featureEnvironmentLifecycle: EnvironmentLifecycle = {
  async environmentCreated(trx, environment) {
    const features = await trx
      .selectFrom('features')
      .select('id')
      .where('project_id', '=', environment.projectId)
      .execute();
    await seedFeatureStates(trx, { featureIds: features.map((f) => f.id), environmentIds: [environment.id] });
  },
  environmentCloned(trx, sourceId, target) {
    return cloneEnvironmentStates(trx, sourceId, target.id);
  },
};
