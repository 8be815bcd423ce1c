import { sql } from 'kysely';
import { bulkInsert } from '../../platform/db/bulk-insert.ts';
import { STATE_COLUMNS } from '../features/index.ts';
import type { Limits } from '../limits/index.ts';
import type { DocFeatureStateWire, EnvironmentDocumentWire } from './document-schema.ts';
import { type ImportContext, seedOf } from './import-context.ts';
import type { ImportedFeatures } from './import-features.ts';
import { storedValue } from './import-values.ts';

type MvRow = { feature_state_id: number; multivariate_option_id: number; percentage_allocation: number };

function stateRow(
  ctx: ImportContext,
  featureId: number,
  s: DocFeatureStateWire,
  extra: Record<string, number>,
) {
  return {
    feature_id: featureId,
    environment_id: ctx.environmentId,
    enabled: s.enabled,
    ...storedValue(s.feature_state_value ?? null),
    hashing_seed: seedOf(s),
    ...extra,
  };
}

function mvRows(
  features: ImportedFeatures,
  featureId: number,
  stateId: number,
  s: DocFeatureStateWire,
): MvRow[] {
  return (s.multivariate_feature_state_values ?? []).flatMap((v) => {
    const option = features.option(featureId, v);
    return option === undefined
      ? []
      : [
          {
            feature_state_id: stateId,
            multivariate_option_id: option,
            percentage_allocation: v.percentage_allocation,
          },
        ];
  });
}

/**
 * Replaces the environment's segment overrides with the document's. Priorities keep the document's order: lower
 * number first, a missing priority weakest, ties in document order (spec §3.1), renumbered 0..n-1 per feature.
 */
export async function importSegmentOverrides(
  ctx: ImportContext,
  doc: EnvironmentDocumentWire,
  segmentIds: readonly number[],
  features: ImportedFeatures,
  limits: Limits,
): Promise<number> {
  const { trx, environmentId } = ctx;
  await trx.deleteFrom('feature_segments').where('environment_id', '=', environmentId).execute();
  type Slot = {
    featureId: number;
    segmentId: number;
    priority: number;
    order: number;
    state: DocFeatureStateWire;
  };
  const byFeature = new Map<number, Slot[]>();
  const seen = new Set<string>();
  let order = 0;
  for (const [i, segment] of (doc.project?.segments ?? []).entries()) {
    for (const s of segment.feature_states ?? []) {
      const featureId = features.ids.get(s.feature.name.toLowerCase());
      const segmentId = segmentIds[i];
      if (featureId === undefined || segmentId === undefined || seen.has(`${featureId}:${segmentId}`))
        continue;
      seen.add(`${featureId}:${segmentId}`);
      const slot = {
        featureId,
        segmentId,
        priority: s.feature_segment?.priority ?? Number.POSITIVE_INFINITY,
        order: order++,
        state: s,
      };
      const list = byFeature.get(featureId);
      if (list) list.push(slot);
      else byFeature.set(featureId, [slot]);
    }
  }
  const slots = [...byFeature.values()].flatMap((list) =>
    list
      .sort((a, b) => a.priority - b.priority || a.order - b.order)
      .map((slot, priority) => ({ ...slot, priority })),
  );
  await limits.assertSegmentOverrides(trx, environmentId, slots.length);
  const inserted = await bulkInsert<{ id: number; feature_id: number; segment_id: number }>(
    trx,
    'feature_segments',
    { feature_id: 'integer', segment_id: 'integer', environment_id: 'integer', priority: 'integer' },
    slots.map((s) => ({
      feature_id: s.featureId,
      segment_id: s.segmentId,
      environment_id: environmentId,
      priority: s.priority,
    })),
    ['id', 'feature_id', 'segment_id'],
  );
  const fsId = new Map(inserted.map((r) => [`${r.feature_id}:${r.segment_id}`, r.id]));
  const slotOf = new Map<number, Slot>();
  const states = slots.map((s) => {
    const id = fsId.get(`${s.featureId}:${s.segmentId}`) as number;
    slotOf.set(id, s);
    return stateRow(ctx, s.featureId, s.state, { feature_segment_id: id });
  });
  const created = await bulkInsert<{ id: number; feature_segment_id: number }>(
    trx,
    'feature_states',
    STATE_COLUMNS,
    states,
    ['id', 'feature_segment_id'],
  );
  const mv = created.flatMap((c) => {
    const slot = slotOf.get(c.feature_segment_id) as Slot;
    return mvRows(features, slot.featureId, c.id, slot.state);
  });
  await insertMv(ctx, mv);
  return slots.length;
}

/** Replaces the environment's identity overrides with the document's; identities are found or created by identifier. */
export async function importIdentityOverrides(
  ctx: ImportContext,
  doc: EnvironmentDocumentWire,
  features: ImportedFeatures,
  limits: Limits,
): Promise<{ overrides: number; identitiesCreated: number }> {
  const { trx, environmentId } = ctx;
  const list = doc.identity_overrides ?? [];
  await trx
    .deleteFrom('feature_states')
    .where('environment_id', '=', environmentId)
    .where('identity_id', 'is not', null)
    .execute();
  if (list.length === 0) return { overrides: 0, identitiesCreated: 0 };
  const rows = list.map((i) => ({
    environment_id: environmentId,
    identifier: i.identifier,
    dashboard_alias: i.dashboard_alias ?? null,
  }));
  const { rows: createdRows } = await sql<{ id: number }>`
    INSERT INTO identities (environment_id, identifier, dashboard_alias)
    SELECT environment_id, identifier, dashboard_alias
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(environment_id integer, identifier text, dashboard_alias text)
    ON CONFLICT (environment_id, identifier) DO NOTHING
    RETURNING id`.execute(trx);
  const { rows: found } = await sql<{ id: number; identifier: string }>`
    SELECT i.id, i.identifier FROM identities i
    JOIN jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ identifier: r.identifier })))}::jsonb) AS x(identifier text)
      ON x.identifier = i.identifier
    WHERE i.environment_id = ${environmentId}`.execute(trx);
  const identityId = new Map(found.map((r) => [r.identifier, r.id]));

  type Pending = { featureId: number; identityId: number; state: DocFeatureStateWire };
  const pending: Pending[] = [];
  const seen = new Set<string>();
  for (const i of list) {
    const id = identityId.get(i.identifier);
    for (const s of i.identity_features) {
      const featureId = features.ids.get(s.feature.name.toLowerCase());
      if (id === undefined || featureId === undefined || seen.has(`${id}:${featureId}`)) continue;
      seen.add(`${id}:${featureId}`);
      pending.push({ featureId, identityId: id, state: s });
    }
  }
  await limits.assertIdentityOverrides(trx, environmentId, pending.length);
  const created = await bulkInsert<{ id: number; identity_id: number; feature_id: number }>(
    trx,
    'feature_states',
    STATE_COLUMNS,
    pending.map((p) => stateRow(ctx, p.featureId, p.state, { identity_id: p.identityId })),
    ['id', 'identity_id', 'feature_id'],
  );
  const pendingOf = new Map(pending.map((p) => [`${p.identityId}:${p.featureId}`, p]));
  await insertMv(
    ctx,
    created.flatMap((c) => {
      const p = pendingOf.get(`${c.identity_id}:${c.feature_id}`) as Pending;
      return mvRows(features, p.featureId, c.id, p.state);
    }),
  );
  return { overrides: pending.length, identitiesCreated: createdRows.length };
}

async function insertMv(ctx: ImportContext, rows: MvRow[]) {
  await bulkInsert(
    ctx.trx,
    'feature_state_mv_values',
    {
      feature_state_id: 'bigint',
      multivariate_option_id: 'integer',
      percentage_allocation: 'double precision',
    },
    rows,
  );
}
