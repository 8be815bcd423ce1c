import type { Kysely } from 'kysely';
import type { LimitsConfig } from '../../config/admin-config.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Schema } from '../../platform/db/schema.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { type AuditLog, AuditMessages } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import type { EnvironmentChanges } from '../environments/index.ts';
import type { Limits } from '../limits/index.ts';
import type { Access, ProjectPermission } from '../permissions/index.ts';
import { featureStateStore } from './feature-state-store.ts';
import { type FeatureQuery, type FeatureRow, type FeatureSettings, featureStore } from './feature-store.ts';
import type { Feature, FeatureInput } from './feature-types.ts';
import {
  assertAllocations,
  assertValueLength,
  initialValueToStored,
  objectToStored,
} from './feature-values.ts';
import { seedFeatureStates } from './state-seeding.ts';

/** Feature fields that the environment document carries (spec §2.1). */
const DOCUMENT_FIELDS = ['name', 'type', 'is_server_key_only'] as const;

/** Features of a project: create (with a default state in every environment), change, delete, owners, tags. */
export class FeatureService {
  readonly #database: Database;
  readonly #access: Access;
  readonly #audit: AuditLog;
  readonly #changes: EnvironmentChanges;
  readonly #limits: Limits;

  constructor(deps: {
    database: Database;
    access: Access;
    audit: AuditLog;
    changes: EnvironmentChanges;
    limits: Limits;
  }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#audit = deps.audit;
    this.#changes = deps.changes;
    this.#limits = deps.limits;
  }

  get #config(): LimitsConfig {
    return this.#limits.config;
  }

  async list(principal: Principal, query: FeatureQuery) {
    await this.#access.requireProject(principal, query.projectId);
    if (query.environmentId !== undefined) {
      const env = await this.#access.requireEnvironment(principal, query.environmentId);
      if (env.projectId !== query.projectId)
        throw ValidationError.field('environment', 'Environment is not in this project.');
    }
    const db = this.#database.db;
    const { count, rows } = await featureStore.list(db, query);
    const features = await this.#expand(db, rows);
    if (query.environmentId === undefined) return { count, features };
    // The dashboard's features page: each feature with its state in the environment, in one call.
    const ids = rows.map((r) => r.id);
    const defaults = await featureStateStore.environmentDefaults(db, query.environmentId, {
      featureIds: ids,
    });
    const mv = await featureStateStore.mvValuesOf(
      db,
      defaults.map((d) => d.id),
    );
    return {
      count,
      features,
      states: new Map(defaults.map((d) => [d.feature_id, { ...d, mvValues: mv.get(d.id) ?? [] }])),
      counts: await featureStore.overrideCounts(db, query.environmentId, ids),
    };
  }

  async get(principal: Principal, projectId: number, id: number): Promise<Feature> {
    await this.#access.requireProject(principal, projectId);
    return this.#load(this.#database.db, projectId, id);
  }

  async getByUuid(principal: Principal, uuid: string): Promise<Feature> {
    const row = await featureStore.getByUuid(this.#database.db, uuid);
    if (!row) throw new NotFoundError();
    await this.#access.requireProject(principal, row.project_id);
    return this.#load(this.#database.db, row.project_id, row.id);
  }

  async create(
    principal: Principal,
    projectId: number,
    input: FeatureInput & { name: string },
  ): Promise<Feature> {
    const access = await this.#access.requireProject(principal, projectId, 'CREATE_FEATURE');
    const options = input.multivariateOptions ?? [];
    assertAllocations(
      options.map((o) => o.defaultPercentageAllocation),
      'multivariate_options',
    );
    assertValueLength(
      initialValueToStored(input.initialValue ?? null),
      this.#config.maxFeatureValueLength,
      'initial_value',
    );
    return this.#database.db.transaction().execute(async (trx) => {
      await this.#validateName(trx, projectId, input.name);
      await this.#limits.assertFeatures(trx, projectId);
      const row = await featureStore.insert(trx, {
        project_id: projectId,
        ...this.#settings(input),
        name: input.name,
        type: options.length > 0 ? 'MULTIVARIATE' : (input.type ?? 'STANDARD'),
      });
      for (const o of options) await featureStore.insertOption(trx, { feature_id: row.id, ...optionRow(o) });
      if (input.tags) await featureStore.setTags(trx, row.id, await this.#tags(trx, projectId, input.tags));
      if (input.owners)
        await featureStore.addOwners(
          trx,
          row.id,
          await this.#owners(trx, access.organisationId, input.owners),
        );
      const envIds = await featureStore.environmentIds(trx, projectId);
      await seedFeatureStates(trx, { featureIds: [row.id], environmentIds: envIds });
      const feature = await this.#load(trx, projectId, row.id);
      await this.#record(
        trx,
        principal,
        access.organisationId,
        feature,
        null,
        feature,
        AuditMessages.featureCreated(feature.name),
      );
      await this.#changes.environmentsChanged(trx, envIds, 'feature created');
      await this.#limits.assertDocumentSize(trx, envIds);
      return feature;
    });
  }

  async update(principal: Principal, projectId: number, id: number, input: FeatureInput): Promise<Feature> {
    const access = await this.#access.requireProject(principal, projectId, 'EDIT_FEATURE');
    if (input.initialValue !== undefined) {
      assertValueLength(
        initialValueToStored(input.initialValue),
        this.#config.maxFeatureValueLength,
        'initial_value',
      );
    }
    return this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#load(trx, projectId, id);
      if (input.name !== undefined && input.name.toLowerCase() !== before.name.toLowerCase()) {
        await this.#validateName(trx, projectId, input.name, id);
      }
      // The type follows the options (Flagsmith sets it automatically), so it is not taken from the request.
      await featureStore.update(trx, id, this.#settings({ ...input, type: undefined }));
      if (input.tags) await featureStore.setTags(trx, id, await this.#tags(trx, projectId, input.tags));
      if (input.owners) {
        await featureStore.removeOwners(
          trx,
          id,
          before.owners.map((o) => o.id),
        );
        await featureStore.addOwners(trx, id, await this.#owners(trx, access.organisationId, input.owners));
      }
      const feature = await this.#load(trx, projectId, id);
      await this.#record(
        trx,
        principal,
        access.organisationId,
        feature,
        before,
        feature,
        AuditMessages.featureUpdated(feature.name),
      );
      if (DOCUMENT_FIELDS.some((f) => before[f] !== feature[f])) {
        await this.#changes.projectChanged(trx, projectId, 'feature updated');
      }
      return feature;
    });
  }

  async delete(principal: Principal, projectId: number, id: number): Promise<void> {
    const access = await this.#access.requireProject(principal, projectId, 'DELETE_FEATURE');
    await this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#load(trx, projectId, id);
      await featureStore.delete(trx, id);
      await this.#record(
        trx,
        principal,
        access.organisationId,
        before,
        before,
        null,
        AuditMessages.featureDeleted(before.name),
      );
      await this.#changes.projectChanged(trx, projectId, 'feature deleted');
    });
  }

  async changeOwners(
    principal: Principal,
    projectId: number,
    id: number,
    userIds: readonly number[],
    change: 'add' | 'remove',
  ): Promise<Feature> {
    const access = await this.#access.requireProject(principal, projectId, 'EDIT_FEATURE');
    return this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#load(trx, projectId, id);
      if (change === 'add')
        await featureStore.addOwners(trx, id, await this.#owners(trx, access.organisationId, userIds));
      else await featureStore.removeOwners(trx, id, userIds);
      const feature = await this.#load(trx, projectId, id);
      await this.#record(
        trx,
        principal,
        access.organisationId,
        feature,
        before,
        feature,
        AuditMessages.featureUpdated(feature.name),
      );
      return feature;
    });
  }

  /** Resolves a feature for a project-level permission; used by the other services of this module. */
  async require(principal: Principal, projectId: number, id: number, need: ProjectPermission) {
    const access = await this.#access.requireProject(principal, projectId, need);
    const feature = await featureStore.get(this.#database.db, id);
    if (!feature || feature.project_id !== projectId) throw new NotFoundError();
    return { feature, access };
  }

  #settings(input: FeatureInput): FeatureSettings {
    const out: FeatureSettings = {};
    if (input.name !== undefined) out.name = input.name;
    if (input.type !== undefined) out.type = input.type;
    if (input.initialValue !== undefined) out.initial_value = input.initialValue;
    if (input.defaultEnabled !== undefined) out.default_enabled = input.defaultEnabled;
    if (input.description !== undefined) out.description = input.description;
    if (input.isArchived !== undefined) out.is_archived = input.isArchived;
    if (input.isServerKeyOnly !== undefined) out.is_server_key_only = input.isServerKeyOnly;
    return out;
  }

  async #validateName(trx: Kysely<Schema>, projectId: number, name: string, exceptId?: number) {
    const project = await trx
      .selectFrom('projects')
      .select(['feature_name_regex'])
      .where('id', '=', projectId)
      .executeTakeFirstOrThrow();
    if (project.feature_name_regex && !new RegExp(`^(?:${project.feature_name_regex})$`).test(name)) {
      throw ValidationError.field('name', `Feature name must match regex: ${project.feature_name_regex}`);
    }
    if (await featureStore.nameTaken(trx, projectId, name, exceptId)) {
      throw ValidationError.field(
        'name',
        'Feature with that name already exists for this project. Note that feature names are case insensitive.',
      );
    }
  }

  async #tags(trx: Kysely<Schema>, projectId: number, tagIds: readonly number[]) {
    const valid = await featureStore.tagIdsInProject(trx, projectId, tagIds);
    const bad = tagIds.filter((t) => !valid.includes(t));
    if (bad.length > 0)
      throw ValidationError.field('tags', `Invalid pk "${bad[0]}" - object does not exist.`);
    return valid;
  }

  async #owners(trx: Kysely<Schema>, organisationId: number, userIds: readonly number[]) {
    const members = await featureStore.membersOf(trx, organisationId, userIds);
    const bad = userIds.filter((u) => !members.includes(u));
    if (bad.length > 0)
      throw ValidationError.field('owners', `Invalid pk "${bad[0]}" - object does not exist.`);
    return members;
  }

  async #load(db: Kysely<Schema>, projectId: number, id: number): Promise<Feature> {
    const row = await featureStore.get(db, id);
    if (!row || row.project_id !== projectId) throw new NotFoundError();
    const [feature] = await this.#expand(db, [row]);
    if (!feature) throw new NotFoundError();
    return feature;
  }

  async #expand(db: Kysely<Schema>, rows: FeatureRow[]): Promise<Feature[]> {
    const ids = rows.map((r) => r.id);
    const [tags, owners, options] = await Promise.all([
      featureStore.tagsOf(db, ids),
      featureStore.ownersOf(db, ids),
      featureStore.optionsOf(db, ids),
    ]);
    return rows.map((r) => ({
      ...r,
      tags: tags.get(r.id) ?? [],
      owners: owners.get(r.id) ?? [],
      options: options.get(r.id) ?? [],
    }));
  }

  /** Loads features (with tags, owners, options) for other services of the module. */
  expand(db: Kysely<Schema>, rows: FeatureRow[]) {
    return this.#expand(db, rows);
  }

  #record(
    trx: Kysely<Schema>,
    principal: Principal,
    organisationId: number,
    feature: Feature,
    before: Feature | null,
    after: Feature | null,
    log: string,
  ) {
    return this.#audit.record(trx, {
      principal,
      organisationId,
      projectId: feature.project_id,
      relatedObjectType: 'FEATURE',
      relatedObjectId: feature.id,
      relatedObjectUuid: feature.uuid,
      log,
      before,
      after,
    });
  }
}

export function optionRow(o: {
  type: 'unicode' | 'int' | 'bool';
  stringValue: string | null;
  integerValue: number | null;
  booleanValue: boolean | null;
  defaultPercentageAllocation: number;
  key: string | null;
}) {
  const v = objectToStored(
    {
      type: o.type,
      string_value: o.stringValue,
      integer_value: o.integerValue,
      boolean_value: o.booleanValue,
    },
    'multivariate_options',
  );
  return {
    key: o.key,
    type: v.value_type,
    string_value: v.string_value,
    integer_value: v.integer_value,
    boolean_value: v.boolean_value,
    default_percentage_allocation: o.defaultPercentageAllocation,
  };
}
