import type { Kysely } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { type AuditLog, AuditMessages } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import type { EnvironmentChanges } from '../environments/index.ts';
import type { Limits } from '../limits/index.ts';
import { type FeatureStateRow, featureStateStore, type MvValueInput } from './feature-state-store.ts';
import { featureStore } from './feature-store.ts';
import { type FeatureState, kindOf } from './feature-types.ts';
import { assertAllocations, assertValueLength, fromStored, type StoredValue } from './feature-values.ts';

export interface StateChange {
  enabled?: boolean;
  value?: StoredValue;
  mvValues?: readonly MvValueInput[];
}

/** The audit JSON of a state: what a person reviewing the change wants to compare. */
export function stateAuditJson(s: FeatureState) {
  return {
    id: s.id,
    uuid: s.uuid,
    feature: s.feature_id,
    environment: s.environment_id,
    identity: s.identity_id,
    feature_segment: s.feature_segment_id,
    enabled: s.enabled,
    feature_state_value: fromStored(s),
    multivariate_feature_state_values: s.mvValues.map((v) => ({
      multivariate_feature_option: v.multivariate_option_id,
      percentage_allocation: v.percentage_allocation,
    })),
  };
}

/**
 * The write path every feature-state change shares: validate values and allocations, write, then audit, mark the
 * environment changed and check the document size — all in the caller's transaction.
 */
export class StateWriter {
  readonly #audit: AuditLog;
  readonly #changes: EnvironmentChanges;
  readonly #limits: Limits;

  constructor(deps: { audit: AuditLog; changes: EnvironmentChanges; limits: Limits }) {
    this.#audit = deps.audit;
    this.#changes = deps.changes;
    this.#limits = deps.limits;
  }

  get limits() {
    return this.#limits;
  }

  async load(db: Kysely<Schema>, id: number): Promise<FeatureState> {
    const row = await featureStateStore.get(db, id);
    if (!row) throw new NotFoundError();
    return (await this.expand(db, [row]))[0] as FeatureState;
  }

  async expand(db: Kysely<Schema>, rows: FeatureStateRow[]): Promise<FeatureState[]> {
    const mv = await featureStateStore.mvValuesOf(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({ ...r, mvValues: mv.get(r.id) ?? [] }));
  }

  /** Validates a change against the feature (value length, options of this feature, allocations ≤ 100%). */
  async validate(db: Kysely<Schema>, featureId: number, change: StateChange): Promise<void> {
    if (change.value) assertValueLength(change.value, this.#limits.config.maxFeatureValueLength);
    if (change.mvValues) {
      const options = (await featureStore.optionsOf(db, [featureId])).get(featureId) ?? [];
      const ids = new Set(options.map((o) => o.id));
      const bad = change.mvValues.find((v) => !ids.has(v.optionId));
      if (bad) {
        throw ValidationError.field(
          'multivariate_feature_state_values',
          `Multivariate option ${bad.optionId} does not belong to this feature.`,
        );
      }
      if (new Set(change.mvValues.map((v) => v.optionId)).size !== change.mvValues.length) {
        throw ValidationError.field('multivariate_feature_state_values', 'Each option may appear only once.');
      }
      assertAllocations(change.mvValues.map((v) => v.percentageAllocation));
    }
  }

  /** Applies a validated change to an existing state and records it. */
  async apply(
    trx: Kysely<Schema>,
    principal: Principal,
    before: FeatureState,
    change: StateChange,
  ): Promise<FeatureState> {
    if (change.enabled !== undefined || change.value) {
      await featureStateStore.update(trx, before.id, {
        ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
        ...(change.value ?? {}),
      });
    }
    if (change.mvValues) await featureStateStore.replaceMvValues(trx, before.id, change.mvValues);
    const after = await this.load(trx, before.id);
    await this.recorded(trx, principal, after, before, after);
    return after;
  }

  /** Creates an identity override (one per identity and feature), within the identity-override limit. */
  async createIdentityOverride(
    trx: Kysely<Schema>,
    principal: Principal,
    target: { environmentId: number; identityId: number; featureId: number },
    change: StateChange,
  ): Promise<FeatureState> {
    if (await featureStateStore.identityOverride(trx, target.identityId, target.featureId)) {
      throw ValidationError.field('feature', 'Feature state already exists for this identity and feature.');
    }
    await this.#limits.assertIdentityOverrides(trx, target.environmentId);
    const created = await featureStateStore.insert(trx, {
      feature_id: target.featureId,
      environment_id: target.environmentId,
      identity_id: target.identityId,
      enabled: change.enabled ?? false,
      ...(change.value ?? {
        value_type: 'unicode',
        string_value: null,
        integer_value: null,
        boolean_value: null,
      }),
    });
    if (change.mvValues) await featureStateStore.replaceMvValues(trx, created.id, change.mvValues);
    const state = await this.load(trx, created.id);
    await this.recorded(trx, principal, state, null, state);
    return state;
  }

  /** Audit entry, environment change and document-size check for a state written (or deleted when after is null). */
  async recorded(
    trx: Kysely<Schema>,
    principal: Principal,
    state: FeatureState,
    before: FeatureState | null,
    after: FeatureState | null,
  ): Promise<void> {
    const ctx = await trx
      .selectFrom('features as f')
      .innerJoin('projects as p', 'p.id', 'f.project_id')
      .select(['f.name', 'p.id as project_id', 'p.organisation_id'])
      .where('f.id', '=', state.feature_id)
      .executeTakeFirstOrThrow();
    await this.#audit.record(trx, {
      principal,
      organisationId: ctx.organisation_id,
      projectId: ctx.project_id,
      environmentId: state.environment_id,
      relatedObjectType: 'FEATURE_STATE',
      relatedObjectId: state.id,
      relatedObjectUuid: state.uuid,
      log: await this.#message(trx, state, ctx.name, after === null),
      before: before && stateAuditJson(before),
      after: after && stateAuditJson(after),
    });
    await this.#changes.environmentsChanged(
      trx,
      [state.environment_id],
      `${kindOf(state)} feature state changed`,
    );
    if (after) await this.#limits.assertDocumentSize(trx, [state.environment_id]);
  }

  async #message(trx: Kysely<Schema>, state: FeatureState, feature: string, deleted: boolean) {
    const kind = kindOf(state);
    if (kind === 'identity' && state.identity_id !== null) {
      const identity = await trx
        .selectFrom('identities')
        .select('identifier')
        .where('id', '=', state.identity_id)
        .executeTakeFirst();
      const who = identity?.identifier ?? String(state.identity_id);
      return deleted
        ? AuditMessages.identityOverrideDeleted(feature, who)
        : AuditMessages.identityOverrideUpdated(feature, who);
    }
    if (kind === 'segment' && state.feature_segment_id !== null) {
      const segment = await trx
        .selectFrom('feature_segments as x')
        .innerJoin('segments as s', 's.id', 'x.segment_id')
        .select('s.name')
        .where('x.id', '=', state.feature_segment_id)
        .executeTakeFirst();
      const name = segment?.name ?? String(state.feature_segment_id);
      return deleted
        ? AuditMessages.segmentOverrideDeleted(feature, name)
        : AuditMessages.segmentOverrideUpdated(feature, name);
    }
    return AuditMessages.featureStateUpdated(feature);
  }
}
