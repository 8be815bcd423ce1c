import { sql } from 'kysely';
import { bulkInsert } from '../../platform/db/bulk-insert.ts';
import { seedFeatureStates } from '../features/index.ts';
import type { Limits } from '../limits/index.ts';
import type { DocFeatureStateWire, EnvironmentDocumentWire } from './document-schema.ts';
import { type ImportContext, type Stored, seedOf, valueKey } from './import-context.ts';
import { storedValue } from './import-values.ts';

export interface ImportedFeatures {
  /** Lower-cased feature name to our feature id. */
  ids: Map<string, number>;
  /** Our option id for a document MV value of a feature (matched by document option id, then by value). */
  option(
    featureId: number,
    mv: NonNullable<DocFeatureStateWire['multivariate_feature_state_values']>[number],
  ): number | undefined;
  created: number;
  updated: number;
  optionsCreated: number;
}

/** Every state of the document, wherever it sits (defaults, segment overrides, identity overrides). */
export function allStates(doc: EnvironmentDocumentWire): DocFeatureStateWire[] {
  return [
    ...doc.feature_states,
    ...(doc.project?.segments ?? []).flatMap((s) => s.feature_states ?? []),
    ...(doc.identity_overrides ?? []).flatMap((i) => i.identity_features),
  ];
}

/**
 * Matches the document's features to the project's by name (case-insensitively, like Flagsmith) and creates the
 * missing ones with a default state in every environment; the same for multivariate options, by value. Then the
 * target environment's defaults take the document's values, MV allocations and hashing seeds.
 */
export async function importFeatures(
  ctx: ImportContext,
  doc: EnvironmentDocumentWire,
  limits: Limits,
): Promise<ImportedFeatures> {
  const { trx, projectId } = ctx;
  const defaults = new Map(doc.feature_states.map((s) => [s.feature.name.toLowerCase(), s]));
  const wanted = new Map<string, { name: string; multivariate: boolean }>();
  for (const s of allStates(doc)) {
    const key = s.feature.name.toLowerCase();
    const mv = s.feature.type === 'MULTIVARIATE' || (s.multivariate_feature_state_values?.length ?? 0) > 0;
    const seen = wanted.get(key);
    wanted.set(key, {
      name: seen?.name ?? s.feature.name,
      multivariate: (seen?.multivariate ?? false) || mv,
    });
  }

  const existing = await trx
    .selectFrom('features')
    .select(['id', 'name'])
    .where('project_id', '=', projectId)
    .execute();
  const ids = new Map(existing.map((f) => [f.name.toLowerCase(), f.id]));
  const missing = [...wanted.entries()].filter(([key]) => !ids.has(key));
  await limits.assertFeatures(trx, projectId, missing.length);
  const created = await bulkInsert<{ id: number; name: string }>(
    trx,
    'features',
    { project_id: 'integer', name: 'text', type: 'text', default_enabled: 'boolean', initial_value: 'text' },
    missing.map(([key, f]) => {
      const d = defaults.get(key);
      const v = d?.feature_state_value;
      return {
        project_id: projectId,
        name: f.name,
        type: f.multivariate ? 'MULTIVARIATE' : 'STANDARD',
        default_enabled: d?.enabled ?? false,
        initial_value: v === null || v === undefined ? null : String(v),
      };
    }),
    ['id', 'name'],
  );
  for (const f of created) ids.set(f.name.toLowerCase(), f.id);
  await seedFeatureStates(trx, { featureIds: created.map((f) => f.id), environmentIds: ctx.environmentIds });

  const options = await importOptions(ctx, doc, ids);
  await applyDefaults(ctx, doc, ids, options.option);
  await sql`
    UPDATE features f SET type = 'MULTIVARIATE'
    WHERE f.project_id = ${projectId} AND f.type = 'STANDARD'
      AND EXISTS (SELECT 1 FROM multivariate_options o WHERE o.feature_id = f.id)`.execute(trx);
  return {
    ids,
    option: options.option,
    created: created.length,
    updated: wanted.size - created.length,
    optionsCreated: options.created,
  };
}

async function importOptions(ctx: ImportContext, doc: EnvironmentDocumentWire, ids: Map<string, number>) {
  const { trx } = ctx;
  const featureIds = [...new Set(ids.values())];
  const rows = featureIds.length
    ? await trx.selectFrom('multivariate_options').selectAll().where('feature_id', 'in', featureIds).execute()
    : [];
  const byValue = new Map(
    rows.map((o) => [`${o.feature_id}|${valueKey({ ...o, value_type: o.type })}`, o.id]),
  );
  const byDocId = new Map<string, number>();
  // Allocations of the environment defaults become the new options' default allocations.
  const defaultAllocation = new Map<string, number>();
  for (const s of doc.feature_states) {
    const fid = ids.get(s.feature.name.toLowerCase());
    for (const v of s.multivariate_feature_state_values ?? []) {
      defaultAllocation.set(
        `${fid}|${valueKey(storedValue(v.multivariate_feature_option.value))}`,
        v.percentage_allocation,
      );
    }
  }
  const toCreate = new Map<string, { feature_id: number; key: string | null } & Stored>();
  for (const s of allStates(doc)) {
    const fid = ids.get(s.feature.name.toLowerCase());
    if (fid === undefined) continue;
    for (const v of s.multivariate_feature_state_values ?? []) {
      const stored = storedValue(v.multivariate_feature_option.value);
      const k = `${fid}|${valueKey(stored)}`;
      if (!byValue.has(k) && !toCreate.has(k)) {
        toCreate.set(k, { feature_id: fid, key: v.multivariate_feature_option.key ?? null, ...stored });
      }
    }
  }
  const inserted = await bulkInsert<{
    id: number;
    feature_id: number;
    type: Stored['value_type'];
    string_value: string | null;
    integer_value: number | null;
    boolean_value: boolean | null;
  }>(
    trx,
    'multivariate_options',
    {
      feature_id: 'integer',
      key: 'text',
      type: 'text',
      string_value: 'text',
      integer_value: 'integer',
      boolean_value: 'boolean',
      default_percentage_allocation: 'double precision',
    },
    [...toCreate.entries()].map(([k, o]) => ({
      feature_id: o.feature_id,
      key: o.key,
      type: o.value_type,
      string_value: o.string_value,
      integer_value: o.integer_value,
      boolean_value: o.boolean_value,
      default_percentage_allocation: defaultAllocation.get(k) ?? 0,
    })),
    ['id', 'feature_id', 'type', 'string_value', 'integer_value', 'boolean_value'],
  );
  for (const o of inserted) byValue.set(`${o.feature_id}|${valueKey({ ...o, value_type: o.type })}`, o.id);
  // Flagsmith gives a new option its default allocation in every environment's default state.
  if (inserted.length > 0) {
    await sql`
      INSERT INTO feature_state_mv_values (feature_state_id, multivariate_option_id, percentage_allocation)
      SELECT s.id, o.id, o.default_percentage_allocation
      FROM multivariate_options o
      JOIN feature_states s ON s.feature_id = o.feature_id AND s.identity_id IS NULL AND s.feature_segment_id IS NULL
      WHERE o.id IN (${sql.join(inserted.map((o) => o.id))})`.execute(trx);
  }
  for (const s of allStates(doc)) {
    const fid = ids.get(s.feature.name.toLowerCase());
    for (const v of s.multivariate_feature_state_values ?? []) {
      const docId = v.multivariate_feature_option.id;
      const ours = byValue.get(`${fid}|${valueKey(storedValue(v.multivariate_feature_option.value))}`);
      if (docId != null && ours !== undefined) byDocId.set(`${fid}|${docId}`, ours);
    }
  }
  return {
    created: inserted.length,
    option: (
      featureId: number,
      mv: NonNullable<DocFeatureStateWire['multivariate_feature_state_values']>[number],
    ) => {
      const docId = mv.multivariate_feature_option.id;
      return (
        byValue.get(`${featureId}|${valueKey(storedValue(mv.multivariate_feature_option.value))}`) ??
        (docId != null ? byDocId.get(`${featureId}|${docId}`) : undefined)
      );
    },
  };
}

async function applyDefaults(
  ctx: ImportContext,
  doc: EnvironmentDocumentWire,
  ids: Map<string, number>,
  option: ImportedFeatures['option'],
) {
  const { trx, environmentId } = ctx;
  const states = await trx
    .selectFrom('feature_states')
    .select(['id', 'feature_id'])
    .where('environment_id', '=', environmentId)
    .where('identity_id', 'is', null)
    .where('feature_segment_id', 'is', null)
    .execute();
  const stateOf = new Map(states.map((s) => [s.feature_id, s.id]));
  const updates: Record<string, unknown>[] = [];
  const mv: { feature_state_id: number; multivariate_option_id: number; percentage_allocation: number }[] =
    [];
  for (const s of doc.feature_states) {
    const fid = ids.get(s.feature.name.toLowerCase());
    const id = fid === undefined ? undefined : stateOf.get(fid);
    if (id === undefined || fid === undefined) continue;
    updates.push({
      id,
      enabled: s.enabled,
      ...storedValue(s.feature_state_value ?? null),
      hashing_seed: seedOf(s),
    });
    for (const v of s.multivariate_feature_state_values ?? []) {
      const o = option(fid, v);
      if (o !== undefined)
        mv.push({
          feature_state_id: id,
          multivariate_option_id: o,
          percentage_allocation: v.percentage_allocation,
        });
    }
  }
  if (updates.length === 0) return;
  await sql`
    UPDATE feature_states s SET enabled = x.enabled, value_type = x.value_type, string_value = x.string_value,
      integer_value = x.integer_value, boolean_value = x.boolean_value,
      hashing_seed = coalesce(x.hashing_seed, s.hashing_seed), updated_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS x(id bigint, enabled boolean, value_type text,
      string_value text, integer_value integer, boolean_value boolean, hashing_seed bigint)
    WHERE s.id = x.id`.execute(trx);
  await sql`DELETE FROM feature_state_mv_values WHERE feature_state_id IN (${sql.join(updates.map((u) => u.id as number))})`.execute(
    trx,
  );
  await bulkInsert(
    trx,
    'feature_state_mv_values',
    {
      feature_state_id: 'bigint',
      multivariate_option_id: 'integer',
      percentage_allocation: 'double precision',
    },
    mv,
  );
}
