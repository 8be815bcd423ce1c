import type { Database } from '../../platform/db/database.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { Principal } from '../auth/index.ts';
import type { EnvironmentResolver } from '../environments/index.ts';
import type { Access, EnvironmentPermission } from '../permissions/index.ts';
import { featureStateStore } from './feature-state-store.ts';
import { featureStore } from './feature-store.ts';
import { type FeatureState, kindOf, type StateKind } from './feature-types.ts';
import type { SegmentOverrideService } from './segment-override-service.ts';
import type { StateChange, StateWriter } from './state-writer.ts';

/** The permission that lets a caller change a state of this kind. */
export const WRITE_PERMISSION: Record<StateKind, EnvironmentPermission> = {
  environment: 'UPDATE_FEATURE_STATE',
  segment: 'MANAGE_SEGMENT_OVERRIDES',
  identity: 'MANAGE_IDENTITIES',
};

/**
 * Feature states addressed directly: an environment's defaults (`environments/{key}/featurestates/`) and any
 * state by id (`features/featurestates/`, which Flagsmith's Terraform provider uses).
 */
export class FeatureStateService {
  readonly #database: Database;
  readonly #access: Access;
  readonly #resolver: EnvironmentResolver;
  readonly #writer: StateWriter;
  readonly #overrides: SegmentOverrideService;

  constructor(deps: {
    database: Database;
    access: Access;
    resolver: EnvironmentResolver;
    writer: StateWriter;
    overrides: SegmentOverrideService;
  }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#resolver = deps.resolver;
    this.#writer = deps.writer;
    this.#overrides = deps.overrides;
  }

  async environmentDefaults(
    principal: Principal,
    apiKey: string,
    filter: { featureId?: number; featureName?: string },
  ): Promise<FeatureState[]> {
    const { environment } = await this.#resolver.byKey(principal, apiKey);
    const rows = await featureStateStore.environmentDefaults(this.#database.db, environment.id, {
      ...(filter.featureId !== undefined ? { featureIds: [filter.featureId] } : {}),
      ...(filter.featureName !== undefined ? { featureName: filter.featureName } : {}),
    });
    return this.#writer.expand(this.#database.db, rows);
  }

  /** All states of an environment (`features/featurestates/?environment=<id>`), paged. */
  async listInEnvironment(
    principal: Principal,
    environmentId: number,
    filter: { featureId?: number; identityId?: number; featureSegmentId?: number },
    offset: number,
    limit: number,
  ) {
    await this.#access.requireEnvironment(principal, environmentId);
    const { count, rows } = await featureStateStore.listInEnvironment(
      this.#database.db,
      environmentId,
      filter,
      offset,
      limit,
    );
    return { count, states: await this.#writer.expand(this.#database.db, rows) };
  }

  /** A state by id; with `apiKey` it must belong to that environment (404 otherwise, never another's data). */
  async get(principal: Principal, id: number, apiKey?: string): Promise<FeatureState> {
    const state = await this.#writer.load(this.#database.db, id).catch(() => undefined);
    if (!state) throw new NotFoundError();
    await this.#readable(principal, state, apiKey);
    return state;
  }

  async getByUuid(principal: Principal, uuid: string): Promise<FeatureState> {
    const row = await featureStateStore.getByUuid(this.#database.db, uuid);
    if (!row) throw new NotFoundError();
    return this.get(principal, row.id);
  }

  async update(
    principal: Principal,
    id: number,
    change: StateChange,
    apiKey?: string,
  ): Promise<FeatureState> {
    const before = await this.get(principal, id, apiKey);
    await this.#access.requireEnvironment(principal, before.environment_id, WRITE_PERMISSION[kindOf(before)]);
    await this.#writer.validate(this.#database.db, before.feature_id, change);
    return this.#database.db.transaction().execute(async (trx) => {
      const locked = await this.#writer.load(trx, id);
      return this.#writer.apply(trx, principal, locked, change);
    });
  }

  /**
   * `POST features/featurestates/`: the value of a segment override (its feature segment already exists, e.g.
   * created by `POST features/feature-segments/`) or a new identity override. Environment defaults always exist.
   */
  async create(
    principal: Principal,
    input: {
      environmentId: number;
      featureId: number;
      featureSegmentId?: number | null;
      identityId?: number | null;
    },
    change: StateChange,
  ): Promise<FeatureState> {
    const kind: StateKind = input.identityId
      ? 'identity'
      : input.featureSegmentId
        ? 'segment'
        : 'environment';
    const env = await this.#access.requireEnvironment(principal, input.environmentId, WRITE_PERMISSION[kind]);
    const feature = await featureStore.get(this.#database.db, input.featureId);
    if (!feature || feature.project_id !== env.projectId) {
      throw ValidationError.field('feature', `Invalid pk "${input.featureId}" - object does not exist.`);
    }
    await this.#writer.validate(this.#database.db, feature.id, change);
    return this.#database.db.transaction().execute(async (trx) => {
      let existing: Awaited<ReturnType<typeof featureStateStore.get>>;
      if (kind === 'segment' && input.featureSegmentId) {
        const fs = await featureStateStore.featureSegment(trx, input.featureSegmentId);
        if (!fs || fs.environment_id !== input.environmentId || fs.feature_id !== feature.id) {
          throw ValidationError.field(
            'feature_segment',
            `Invalid pk "${input.featureSegmentId}" - object does not exist.`,
          );
        }
        existing = await featureStateStore.segmentOverride(trx, fs.id);
      } else if (kind === 'identity' && input.identityId) {
        const identity = await trx
          .selectFrom('identities')
          .select(['id', 'environment_id'])
          .where('id', '=', input.identityId)
          .executeTakeFirst();
        if (!identity || identity.environment_id !== input.environmentId) {
          throw ValidationError.field(
            'identity',
            `Invalid pk "${input.identityId}" - object does not exist.`,
          );
        }
        return this.#writer.createIdentityOverride(
          trx,
          principal,
          { environmentId: input.environmentId, identityId: identity.id, featureId: feature.id },
          change,
        );
      } else {
        existing = await featureStateStore.environmentDefault(trx, input.environmentId, feature.id);
      }
      // Flagsmith parity: the slot already has its state (the default, or the override seeded with its feature
      // segment), so creating it sets its value — which is what the Terraform provider's create flow expects.
      if (!existing) throw new NotFoundError();
      return this.#writer.apply(trx, principal, await this.#writer.load(trx, existing.id), change);
    });
  }

  /** Deletes an override (a segment override takes its feature segment with it); defaults cannot be deleted. */
  async delete(principal: Principal, id: number, apiKey?: string): Promise<void> {
    const state = await this.get(principal, id, apiKey);
    const kind = kindOf(state);
    if (kind === 'environment') {
      throw ValidationError.field('non_field_errors', 'Cannot delete the environment default feature state.');
    }
    if (kind === 'segment' && state.feature_segment_id !== null) {
      await this.#overrides.deleteFeatureSegment(principal, state.feature_segment_id);
      return;
    }
    await this.#access.requireEnvironment(principal, state.environment_id, WRITE_PERMISSION[kind]);
    await this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#writer.load(trx, id);
      await this.#writer.recorded(trx, principal, before, before, null);
      await featureStateStore.delete(trx, id);
    });
  }

  async #readable(principal: Principal, state: FeatureState, apiKey?: string) {
    const kind = kindOf(state);
    const need: EnvironmentPermission[] =
      kind === 'identity' ? ['VIEW_IDENTITIES', 'MANAGE_IDENTITIES'] : ['VIEW_ENVIRONMENT'];
    if (apiKey !== undefined) {
      const { environment } = await this.#resolver.byKey(principal, apiKey, need);
      if (environment.id !== state.environment_id) throw new NotFoundError();
      return;
    }
    // Invisible environment: 404 (the state might as well not exist); visible without the permission: 403.
    if (!(await this.#access.environment(principal, state.environment_id))) throw new NotFoundError();
    await this.#access.requireEnvironment(principal, state.environment_id, need);
  }
}
