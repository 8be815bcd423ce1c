import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { Schema } from '../../platform/db/schema.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { Principal } from '../auth/index.ts';
import type { EnvironmentResolver } from '../environments/index.ts';
import { featureStateStore } from './feature-state-store.ts';
import { type FeatureRow, featureStore } from './feature-store.ts';
import type { FeatureState } from './feature-types.ts';
import type { StateChange, StateWriter } from './state-writer.ts';

/**
 * Which of a project's segments an identity (with its stored traits) belongs to. Evaluation belongs to the
 * engine; compose.ts wires it. Without one, "all flags" shows identity overrides and defaults only.
 */
export interface IdentitySegmentMatcher {
  matchingSegmentIds(
    db: Kysely<Schema>,
    environmentId: number,
    identityId: number,
  ): Promise<ReadonlySet<number>>;
}

export const noSegmentMatcher: IdentitySegmentMatcher = {
  async matchingSegmentIds() {
    return new Set();
  },
};

/** One flag as `identities/{id}/featurestates/all/` shows it. */
export interface IdentityFlag {
  feature: FeatureRow;
  state: FeatureState;
  overriddenBy: 'IDENTITY' | 'SEGMENT' | null;
  segment: { id: number; name: string } | null;
}

/** Identity overrides (`environments/{key}/identities/{id}/featurestates/`). MANAGE_IDENTITIES to change. */
export class IdentityOverrideService {
  readonly #database: Database;
  readonly #resolver: EnvironmentResolver;
  readonly #writer: StateWriter;
  readonly #matcher: IdentitySegmentMatcher;

  constructor(deps: {
    database: Database;
    resolver: EnvironmentResolver;
    writer: StateWriter;
    matcher?: IdentitySegmentMatcher;
  }) {
    this.#database = deps.database;
    this.#resolver = deps.resolver;
    this.#writer = deps.writer;
    this.#matcher = deps.matcher ?? noSegmentMatcher;
  }

  async #identity(principal: Principal, apiKey: string, identityId: number, write: boolean) {
    const { environment } = await this.#resolver.byKey(
      principal,
      apiKey,
      write ? 'MANAGE_IDENTITIES' : ['VIEW_IDENTITIES', 'MANAGE_IDENTITIES'],
    );
    const identity = await this.#database.db
      .selectFrom('identities')
      .select(['id', 'identifier', 'environment_id'])
      .where('id', '=', identityId)
      .executeTakeFirst();
    if (!identity || identity.environment_id !== environment.id) throw new NotFoundError();
    return { environment, identity };
  }

  async list(principal: Principal, apiKey: string, identityId: number): Promise<FeatureState[]> {
    await this.#identity(principal, apiKey, identityId, false);
    return this.#writer.expand(
      this.#database.db,
      await featureStateStore.identityOverrides(this.#database.db, identityId),
    );
  }

  async get(principal: Principal, apiKey: string, identityId: number, id: number): Promise<FeatureState> {
    await this.#identity(principal, apiKey, identityId, false);
    return this.#own(this.#database.db, identityId, id);
  }

  async create(
    principal: Principal,
    apiKey: string,
    identityId: number,
    featureId: number,
    change: StateChange,
  ) {
    const { environment, identity } = await this.#identity(principal, apiKey, identityId, true);
    const feature = await featureStore.get(this.#database.db, featureId);
    if (!feature || feature.project_id !== environment.project_id) {
      throw ValidationError.field('feature', `Invalid pk "${featureId}" - object does not exist.`);
    }
    await this.#writer.validate(this.#database.db, featureId, change);
    return this.#database.db.transaction().execute(async (trx) => {
      return this.#writer.createIdentityOverride(
        trx,
        principal,
        { environmentId: environment.id, identityId: identity.id, featureId },
        change,
      );
    });
  }

  async update(principal: Principal, apiKey: string, identityId: number, id: number, change: StateChange) {
    await this.#identity(principal, apiKey, identityId, true);
    const before = await this.#own(this.#database.db, identityId, id);
    await this.#writer.validate(this.#database.db, before.feature_id, change);
    return this.#database.db
      .transaction()
      .execute(async (trx) =>
        this.#writer.apply(trx, principal, await this.#own(trx, identityId, id), change),
      );
  }

  async delete(principal: Principal, apiKey: string, identityId: number, id: number): Promise<void> {
    await this.#identity(principal, apiKey, identityId, true);
    await this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#own(trx, identityId, id);
      await this.#writer.recorded(trx, principal, before, before, null);
      await featureStateStore.delete(trx, id);
    });
  }

  /** Replaces this identity's overrides with copies of another identity's (same environment). */
  async cloneFrom(principal: Principal, apiKey: string, identityId: number, sourceIdentityId: number) {
    const { environment, identity } = await this.#identity(principal, apiKey, identityId, true);
    const source = await this.#database.db
      .selectFrom('identities')
      .select(['id', 'environment_id'])
      .where('id', '=', sourceIdentityId)
      .executeTakeFirst();
    if (!source || source.environment_id !== environment.id) {
      throw ValidationError.field(
        'source_identity_id',
        `Invalid pk "${sourceIdentityId}" - object does not exist.`,
      );
    }
    return this.#database.db.transaction().execute(async (trx) => {
      for (const old of await this.#writer.expand(
        trx,
        await featureStateStore.identityOverrides(trx, identity.id),
      )) {
        await this.#writer.recorded(trx, principal, old, old, null);
        await featureStateStore.delete(trx, old.id);
      }
      const copies = await this.#writer.expand(
        trx,
        await featureStateStore.identityOverrides(trx, source.id),
      );
      await this.#writer.limits.assertIdentityOverrides(trx, environment.id, copies.length);
      const out: FeatureState[] = [];
      for (const c of copies) {
        const created = await featureStateStore.insert(trx, {
          feature_id: c.feature_id,
          environment_id: environment.id,
          identity_id: identity.id,
          enabled: c.enabled,
          value_type: c.value_type,
          string_value: c.string_value,
          integer_value: c.integer_value,
          boolean_value: c.boolean_value,
        });
        await featureStateStore.replaceMvValues(
          trx,
          created.id,
          c.mvValues.map((v) => ({
            optionId: v.multivariate_option_id,
            percentageAllocation: v.percentage_allocation,
          })),
        );
        const state = await this.#writer.load(trx, created.id);
        await this.#writer.recorded(trx, principal, state, null, state);
        out.push(state);
      }
      return out;
    });
  }

  /**
   * Every flag as this identity gets it: its override, else the strongest override of a segment it is in, else
   * the environment default (Flagsmith's `featurestates/all/`, spec §3.8).
   */
  async allFlags(principal: Principal, apiKey: string, identityId: number): Promise<IdentityFlag[]> {
    const { environment, identity } = await this.#identity(principal, apiKey, identityId, false);
    const db = this.#database.db;
    const features = await featureStore.byProject(db, environment.project_id);
    const defaults = await this.#writer.expand(
      db,
      await featureStateStore.environmentDefaults(db, environment.id),
    );
    const overrides = await this.#writer.expand(
      db,
      await featureStateStore.identityOverrides(db, identity.id),
    );
    const segments = await this.#matcher.matchingSegmentIds(db, environment.id, identity.id);
    const segmentStates = new Map<
      number,
      { state: FeatureState; segment: { id: number; name: string }; priority: number }
    >();
    if (segments.size > 0) {
      const rows = await db
        .selectFrom('feature_segments as x')
        .innerJoin('feature_states as s', 's.feature_segment_id', 'x.id')
        .innerJoin('segments as g', 'g.id', 'x.segment_id')
        .select(['s.id as state_id', 'x.feature_id', 'x.priority', 'g.id as segment_id', 'g.name'])
        .where('x.environment_id', '=', environment.id)
        .where('x.segment_id', 'in', [...segments])
        .execute();
      const states = new Map(
        (
          await this.#writer.expand(
            db,
            await this.#rows(
              db,
              rows.map((r) => r.state_id),
            ),
          )
        ).map((s) => [s.id, s]),
      );
      for (const r of rows) {
        const current = segmentStates.get(r.feature_id);
        const state = states.get(r.state_id);
        // Lower priority number wins (spec §3.8).
        if (state && (!current || r.priority < current.priority)) {
          segmentStates.set(r.feature_id, {
            state,
            segment: { id: r.segment_id, name: r.name },
            priority: r.priority,
          });
        }
      }
    }
    const byFeature = (list: FeatureState[]) => new Map(list.map((s) => [s.feature_id, s]));
    const d = byFeature(defaults);
    const o = byFeature(overrides);
    const out: IdentityFlag[] = [];
    for (const feature of features) {
      const own = o.get(feature.id);
      const seg = segmentStates.get(feature.id);
      const base = d.get(feature.id);
      if (own) out.push({ feature, state: own, overriddenBy: 'IDENTITY', segment: null });
      else if (seg) out.push({ feature, state: seg.state, overriddenBy: 'SEGMENT', segment: seg.segment });
      else if (base) out.push({ feature, state: base, overriddenBy: null, segment: null });
    }
    return out;
  }

  async #rows(db: Kysely<Schema>, ids: readonly number[]) {
    if (ids.length === 0) return [];
    return db.selectFrom('feature_states').selectAll().where('id', 'in', ids).execute();
  }

  async #own(db: Kysely<Schema>, identityId: number, id: number): Promise<FeatureState> {
    const state = await this.#writer.load(db, id).catch(() => undefined);
    if (!state || state.identity_id !== identityId) throw new NotFoundError();
    return state;
  }
}
