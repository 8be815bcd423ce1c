import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { Schema } from '../../platform/db/schema.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import type { EnvironmentChanges, EnvironmentResolver } from '../environments/index.ts';
import type { Access } from '../permissions/index.ts';
import { type FeatureSegmentRow, featureStateStore } from './feature-state-store.ts';
import { featureStore } from './feature-store.ts';
import type { FeatureState } from './feature-types.ts';
import type { StateChange, StateWriter } from './state-writer.ts';

export interface FeatureSegment extends FeatureSegmentRow {
  segmentName: string;
  isFeatureSpecific: boolean;
}

/**
 * Segment overrides: a feature segment (feature × segment × environment, with a priority, 0 strongest) and its
 * feature state. Every feature segment has exactly one state: creating one seeds it from the environment default.
 */
export class SegmentOverrideService {
  readonly #database: Database;
  readonly #access: Access;
  readonly #resolver: EnvironmentResolver;
  readonly #writer: StateWriter;
  readonly #audit: AuditLog;
  readonly #changes: EnvironmentChanges;

  constructor(deps: {
    database: Database;
    access: Access;
    resolver: EnvironmentResolver;
    writer: StateWriter;
    audit: AuditLog;
    changes: EnvironmentChanges;
  }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#resolver = deps.resolver;
    this.#writer = deps.writer;
    this.#audit = deps.audit;
    this.#changes = deps.changes;
  }

  async list(
    principal: Principal,
    filter: { environmentId?: number; featureId?: number },
    offset: number,
    limit: number,
  ) {
    let environmentIds: number[];
    if (filter.environmentId !== undefined) {
      await this.#access.requireEnvironment(principal, filter.environmentId);
      environmentIds = [filter.environmentId];
    } else {
      environmentIds = [];
      for (const p of await this.#access.viewableProjectIds(principal)) {
        environmentIds.push(...(await this.#access.viewableEnvironmentIds(principal, p)));
      }
    }
    const { count, rows } = await featureStateStore.listFeatureSegments(
      this.#database.db,
      { environmentIds, ...(filter.featureId !== undefined ? { featureId: filter.featureId } : {}) },
      offset,
      limit,
    );
    return { count, featureSegments: await this.#expand(this.#database.db, rows) };
  }

  async get(principal: Principal, id: number): Promise<FeatureSegment> {
    const row = await featureStateStore.featureSegment(this.#database.db, id);
    if (!row || !(await this.#access.environment(principal, row.environment_id))) throw new NotFoundError();
    return (await this.#expand(this.#database.db, [row]))[0] as FeatureSegment;
  }

  /** `POST features/feature-segments/`: the slot, seeded with the environment default's value. */
  async create(
    principal: Principal,
    input: { featureId: number; segmentId: number; environmentId: number; priority?: number | null },
  ): Promise<FeatureSegment> {
    await this.#access.requireEnvironment(principal, input.environmentId, 'MANAGE_SEGMENT_OVERRIDES');
    return this.#database.db.transaction().execute(async (trx) => {
      const { featureSegment } = await this.#createSlot(trx, principal, input, undefined);
      return (await this.#expand(trx, [featureSegment]))[0] as FeatureSegment;
    });
  }

  /** `POST environments/{key}/features/{id}/create-segment-override/`: slot and value in one go. */
  async createSegmentOverride(
    principal: Principal,
    apiKey: string,
    featureId: number,
    input: { segmentId: number; priority?: number | null },
    change: StateChange,
  ): Promise<{ state: FeatureState; featureSegment: FeatureSegment }> {
    const { environment } = await this.#resolver.byKey(principal, apiKey, 'MANAGE_SEGMENT_OVERRIDES');
    await this.#writer.validate(this.#database.db, featureId, change);
    return this.#database.db.transaction().execute(async (trx) => {
      const { featureSegment, state } = await this.#createSlot(
        trx,
        principal,
        {
          featureId,
          segmentId: input.segmentId,
          environmentId: environment.id,
          priority: input.priority ?? null,
        },
        change,
      );
      return { state, featureSegment: (await this.#expand(trx, [featureSegment]))[0] as FeatureSegment };
    });
  }

  async #createSlot(
    trx: Kysely<Schema>,
    principal: Principal,
    input: { featureId: number; segmentId: number; environmentId: number; priority?: number | null },
    change: StateChange | undefined,
  ) {
    const env = await trx
      .selectFrom('environments')
      .select(['id', 'project_id'])
      .where('id', '=', input.environmentId)
      .executeTakeFirstOrThrow();
    const feature = await featureStore.get(trx, input.featureId);
    if (!feature || feature.project_id !== env.project_id) {
      throw ValidationError.field('feature', `Invalid pk "${input.featureId}" - object does not exist.`);
    }
    const [segment] = await featureStateStore.segmentNames(trx, [input.segmentId]);
    if (!segment || segment.project_id !== env.project_id) {
      throw ValidationError.field('segment', `Invalid pk "${input.segmentId}" - object does not exist.`);
    }
    if (segment.feature_id !== null && segment.feature_id !== feature.id) {
      throw ValidationError.field('segment', 'This segment is specific to another feature.');
    }
    if (await featureStateStore.featureSegmentFor(trx, feature.id, segment.id, env.id)) {
      throw ValidationError.field(
        'non_field_errors',
        'The fields feature, environment, segment must make a unique set.',
      );
    }
    await this.#writer.limits.assertSegmentOverrides(trx, env.id);
    const siblings = await featureStateStore.siblings(trx, feature.id, env.id);
    const featureSegment = await featureStateStore.insertFeatureSegment(trx, {
      feature_id: feature.id,
      segment_id: segment.id,
      environment_id: env.id,
      priority: siblings.length,
    });
    if (input.priority !== undefined && input.priority !== null) {
      await this.#move(trx, feature.id, env.id, featureSegment.id, input.priority);
    }
    const base = await featureStateStore.environmentDefault(trx, env.id, feature.id);
    const created = await featureStateStore.insert(trx, {
      feature_id: feature.id,
      environment_id: env.id,
      feature_segment_id: featureSegment.id,
      enabled: change?.enabled ?? base?.enabled ?? false,
      ...(change?.value ??
        (base
          ? {
              value_type: base.value_type,
              string_value: base.string_value,
              integer_value: base.integer_value,
              boolean_value: base.boolean_value,
            }
          : {
              value_type: 'unicode' as const,
              string_value: null,
              integer_value: null,
              boolean_value: null,
            })),
    });
    if (change?.mvValues) await featureStateStore.replaceMvValues(trx, created.id, change.mvValues);
    const state = await this.#writer.load(trx, created.id);
    await this.#writer.recorded(trx, principal, state, null, state);
    const fresh = await featureStateStore.featureSegment(trx, featureSegment.id);
    return { featureSegment: fresh ?? featureSegment, state };
  }

  async updatePriority(principal: Principal, id: number, priority: number): Promise<FeatureSegment> {
    const [row] = await this.updatePriorities(principal, [{ id, priority }]);
    if (!row) throw new NotFoundError();
    return row;
  }

  /** `POST features/feature-segments/update-priorities/`: moves each to its position, in the order given. */
  async updatePriorities(
    principal: Principal,
    moves: readonly { id: number; priority: number }[],
  ): Promise<FeatureSegment[]> {
    const rows: FeatureSegmentRow[] = [];
    for (const m of moves) {
      const row = await featureStateStore.featureSegment(this.#database.db, m.id);
      if (!row || !(await this.#access.environment(principal, row.environment_id))) throw new NotFoundError();
      await this.#access.requireEnvironment(principal, row.environment_id, 'MANAGE_SEGMENT_OVERRIDES');
      rows.push(row);
    }
    return this.#database.db.transaction().execute(async (trx) => {
      const groups = new Map<
        string,
        { featureId: number; environmentId: number; before: FeatureSegmentRow[] }
      >();
      for (const r of rows) {
        const key = `${r.feature_id}:${r.environment_id}`;
        if (!groups.has(key)) {
          groups.set(key, {
            featureId: r.feature_id,
            environmentId: r.environment_id,
            before: await featureStateStore.siblings(trx, r.feature_id, r.environment_id),
          });
        }
      }
      for (const m of moves) {
        const r = rows.find((x) => x.id === m.id) as FeatureSegmentRow;
        await this.#move(trx, r.feature_id, r.environment_id, r.id, m.priority);
      }
      for (const g of groups.values())
        await this.#recordPriorities(trx, principal, g.featureId, g.environmentId, g.before);
      const after: FeatureSegmentRow[] = [];
      for (const m of moves)
        after.push((await featureStateStore.featureSegment(trx, m.id)) as FeatureSegmentRow);
      return this.#expand(trx, after);
    });
  }

  async deleteFeatureSegment(principal: Principal, id: number): Promise<void> {
    const row = await featureStateStore.featureSegment(this.#database.db, id);
    if (!row || !(await this.#access.environment(principal, row.environment_id))) throw new NotFoundError();
    await this.#access.requireEnvironment(principal, row.environment_id, 'MANAGE_SEGMENT_OVERRIDES');
    await this.#database.db.transaction().execute(async (trx) => {
      const state = await featureStateStore.segmentOverride(trx, id);
      if (state) {
        const before = await this.#writer.load(trx, state.id);
        await this.#writer.recorded(trx, principal, before, before, null);
      }
      await featureStateStore.deleteFeatureSegment(trx, id);
      // Keep priorities dense (0..n-1) so "append" and "move to n" keep meaning what they say.
      const rest = await featureStateStore.siblings(trx, row.feature_id, row.environment_id);
      await featureStateStore.setPriorities(
        trx,
        rest.map((s, i) => ({ id: s.id, priority: i })),
      );
      await this.#changes.environmentsChanged(trx, [row.environment_id], 'segment override deleted');
    });
  }

  /** Moves one feature segment to `priority` among its siblings (clamped) and renumbers them 0..n-1. */
  async #move(trx: Kysely<Schema>, featureId: number, environmentId: number, id: number, priority: number) {
    const siblings = await featureStateStore.siblings(trx, featureId, environmentId);
    const moving = siblings.find((s) => s.id === id);
    if (!moving) return;
    const rest = siblings.filter((s) => s.id !== id);
    rest.splice(Math.max(0, Math.min(priority, rest.length)), 0, moving);
    await featureStateStore.setPriorities(
      trx,
      rest.map((s, i) => ({ id: s.id, priority: i })),
    );
  }

  async #recordPriorities(
    trx: Kysely<Schema>,
    principal: Principal,
    featureId: number,
    environmentId: number,
    before: FeatureSegmentRow[],
  ) {
    const after = await featureStateStore.siblings(trx, featureId, environmentId);
    const ctx = await trx
      .selectFrom('features as f')
      .innerJoin('projects as p', 'p.id', 'f.project_id')
      .select(['f.name', 'f.uuid', 'p.id as project_id', 'p.organisation_id'])
      .where('f.id', '=', featureId)
      .executeTakeFirstOrThrow();
    const json = (list: FeatureSegmentRow[]) =>
      list.map((s) => ({ id: s.id, segment: s.segment_id, priority: s.priority }));
    await this.#audit.record(trx, {
      principal,
      organisationId: ctx.organisation_id,
      projectId: ctx.project_id,
      environmentId,
      relatedObjectType: 'FEATURE',
      relatedObjectId: featureId,
      relatedObjectUuid: ctx.uuid,
      log: `Segment override priorities updated for feature: ${ctx.name}`,
      before: { feature_segments: json(before) },
      after: { feature_segments: json(after) },
    });
    await this.#changes.environmentsChanged(trx, [environmentId], 'segment override priorities changed');
  }

  async #expand(db: Kysely<Schema>, rows: FeatureSegmentRow[]): Promise<FeatureSegment[]> {
    const segments = new Map(
      (await featureStateStore.segmentNames(db, [...new Set(rows.map((r) => r.segment_id))])).map((s) => [
        s.id,
        s,
      ]),
    );
    return rows.map((r) => ({
      ...r,
      segmentName: segments.get(r.segment_id)?.name ?? '',
      isFeatureSpecific: (segments.get(r.segment_id)?.feature_id ?? null) !== null,
    }));
  }
}
