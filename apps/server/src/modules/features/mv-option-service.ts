import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { Schema } from '../../platform/db/schema.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import type { EnvironmentChanges } from '../environments/index.ts';
import type { Access } from '../permissions/index.ts';
import type { FeatureService } from './feature-service.ts';
import { optionRow } from './feature-service.ts';
import { featureStateStore } from './feature-state-store.ts';
import { featureStore, type MvOptionRow } from './feature-store.ts';
import type { MvOptionInput } from './feature-types.ts';
import { assertAllocations, assertValueLength, objectToStored } from './feature-values.ts';

/**
 * Multivariate options (`projects/{id}/features/{id}/mv-options/`). A new option gets its default allocation in
 * every environment default state; the feature becomes MULTIVARIATE with its first option and STANDARD again
 * without any.
 */
export class MvOptionService {
  readonly #database: Database;
  readonly #access: Access;
  readonly #features: FeatureService;
  readonly #audit: AuditLog;
  readonly #changes: EnvironmentChanges;
  readonly #maxValueLength: number;

  constructor(deps: {
    database: Database;
    access: Access;
    features: FeatureService;
    audit: AuditLog;
    changes: EnvironmentChanges;
    maxValueLength: number;
  }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#features = deps.features;
    this.#audit = deps.audit;
    this.#changes = deps.changes;
    this.#maxValueLength = deps.maxValueLength;
  }

  async list(principal: Principal, projectId: number, featureId: number): Promise<MvOptionRow[]> {
    await this.#features.require(principal, projectId, featureId, 'VIEW_PROJECT');
    return (await featureStore.optionsOf(this.#database.db, [featureId])).get(featureId) ?? [];
  }

  async get(principal: Principal, projectId: number, featureId: number, id: number): Promise<MvOptionRow> {
    await this.#features.require(principal, projectId, featureId, 'VIEW_PROJECT');
    const row = await featureStore.option(this.#database.db, featureId, id);
    if (!row) throw new NotFoundError();
    return row;
  }

  async getByUuid(principal: Principal, uuid: string): Promise<MvOptionRow> {
    const row = await featureStore.optionByUuid(this.#database.db, uuid);
    if (!row) throw new NotFoundError();
    const feature = await featureStore.get(this.#database.db, row.feature_id);
    if (!feature) throw new NotFoundError();
    await this.#access.requireProject(principal, feature.project_id);
    return row;
  }

  async create(
    principal: Principal,
    projectId: number,
    featureId: number,
    input: MvOptionInput,
  ): Promise<MvOptionRow> {
    const { access } = await this.#features.require(principal, projectId, featureId, 'EDIT_FEATURE');
    const row = optionRow(input);
    assertValueLength(
      objectToStored({ ...row, type: row.type }, 'string_value'),
      this.#maxValueLength,
      'string_value',
    );
    return this.#database.db.transaction().execute(async (trx) => {
      const existing = (await featureStore.optionsOf(trx, [featureId])).get(featureId) ?? [];
      assertAllocations(
        [...existing.map((o) => o.default_percentage_allocation), input.defaultPercentageAllocation],
        'default_percentage_allocation',
      );
      const option = await featureStore.insertOption(trx, { feature_id: featureId, ...row });
      const defaults = await featureStateStore.defaultsOfFeature(trx, featureId);
      await featureStateStore.insertMvValues(
        trx,
        defaults.map((s) => ({
          feature_state_id: s.id,
          multivariate_option_id: option.id,
          percentage_allocation: option.default_percentage_allocation,
        })),
      );
      await featureStore.update(trx, featureId, { type: 'MULTIVARIATE' });
      await this.#recorded(
        trx,
        principal,
        access.organisationId,
        projectId,
        featureId,
        null,
        option,
        'created',
      );
      return option;
    });
  }

  async update(
    principal: Principal,
    projectId: number,
    featureId: number,
    id: number,
    input: Partial<MvOptionInput>,
  ): Promise<MvOptionRow> {
    const { access } = await this.#features.require(principal, projectId, featureId, 'EDIT_FEATURE');
    return this.#database.db.transaction().execute(async (trx) => {
      const before = await featureStore.option(trx, featureId, id);
      if (!before) throw new NotFoundError();
      const merged = optionRow({
        type: input.type ?? before.type,
        stringValue: input.stringValue !== undefined ? input.stringValue : before.string_value,
        integerValue: input.integerValue !== undefined ? input.integerValue : before.integer_value,
        booleanValue: input.booleanValue !== undefined ? input.booleanValue : before.boolean_value,
        defaultPercentageAllocation:
          input.defaultPercentageAllocation ?? before.default_percentage_allocation,
        key: input.key !== undefined ? input.key : before.key,
      });
      assertValueLength(
        objectToStored({ ...merged, type: merged.type }, 'string_value'),
        this.#maxValueLength,
        'string_value',
      );
      const others = ((await featureStore.optionsOf(trx, [featureId])).get(featureId) ?? []).filter(
        (o) => o.id !== id,
      );
      assertAllocations(
        [...others.map((o) => o.default_percentage_allocation), merged.default_percentage_allocation],
        'default_percentage_allocation',
      );
      const option = await featureStore.updateOption(trx, id, merged);
      await this.#recorded(
        trx,
        principal,
        access.organisationId,
        projectId,
        featureId,
        before,
        option,
        'updated',
      );
      return option;
    });
  }

  async delete(principal: Principal, projectId: number, featureId: number, id: number): Promise<void> {
    const { access } = await this.#features.require(principal, projectId, featureId, 'EDIT_FEATURE');
    await this.#database.db.transaction().execute(async (trx) => {
      const before = await featureStore.option(trx, featureId, id);
      if (!before) throw new NotFoundError();
      await featureStore.deleteOption(trx, id);
      const left = (await featureStore.optionsOf(trx, [featureId])).get(featureId) ?? [];
      if (left.length === 0) await featureStore.update(trx, featureId, { type: 'STANDARD' });
      await this.#recorded(
        trx,
        principal,
        access.organisationId,
        projectId,
        featureId,
        before,
        null,
        'deleted',
      );
    });
  }

  async #recorded(
    trx: Kysely<Schema>,
    principal: Principal,
    organisationId: number,
    projectId: number,
    featureId: number,
    before: MvOptionRow | null,
    after: MvOptionRow | null,
    verb: string,
  ) {
    const feature = await featureStore.get(trx, featureId);
    await this.#audit.record(trx, {
      principal,
      organisationId,
      projectId,
      relatedObjectType: 'FEATURE',
      relatedObjectId: featureId,
      relatedObjectUuid: feature?.uuid ?? null,
      log: `Multivariate option ${verb} for feature: ${feature?.name ?? featureId}`,
      before,
      after,
    });
    await this.#changes.projectChanged(trx, projectId, `multivariate option ${verb}`);
  }
}
