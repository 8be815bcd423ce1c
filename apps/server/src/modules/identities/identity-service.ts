import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { Schema } from '../../platform/db/schema.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import type { EnvironmentChanges, EnvironmentResolver, EnvironmentRow } from '../environments/index.ts';
import type { EnvironmentAccess } from '../permissions/index.ts';
import { type IdentityRow, identityStore, type TraitRow } from './identity-store.ts';
import { type TraitValue, traitColumns, traitValue } from './trait-values.ts';

const READ = ['VIEW_IDENTITIES', 'MANAGE_IDENTITIES'] as const;

/**
 * Identities and traits of an environment as the admin API manages them (the SDK API creates them too).
 * Identity overrides live in the features module. Traits are not part of environment documents, so trait writes
 * never make an environment stale; deleting an identity that has overrides does.
 */
export class IdentityService {
  readonly #database: Database;
  readonly #resolver: EnvironmentResolver;
  readonly #audit: AuditLog;
  readonly #changes: EnvironmentChanges;

  constructor(deps: {
    database: Database;
    resolver: EnvironmentResolver;
    audit: AuditLog;
    changes: EnvironmentChanges;
  }) {
    this.#database = deps.database;
    this.#resolver = deps.resolver;
    this.#audit = deps.audit;
    this.#changes = deps.changes;
  }

  async list(
    principal: Principal,
    apiKey: string,
    search: string | undefined,
    offset: number,
    limit: number,
  ) {
    const { environment } = await this.#resolver.byKey(principal, apiKey, READ);
    return identityStore.list(this.#database.db, environment.id, search, offset, limit);
  }

  async get(principal: Principal, apiKey: string, id: number): Promise<IdentityRow> {
    const { environment } = await this.#resolver.byKey(principal, apiKey, READ);
    return this.#identity(this.#database.db, environment.id, id);
  }

  async create(
    principal: Principal,
    apiKey: string,
    identifier: string,
    alias: string | null,
  ): Promise<IdentityRow> {
    const { environment, access } = await this.#resolver.byKey(principal, apiKey, 'MANAGE_IDENTITIES');
    return this.#database.db.transaction().execute(async (trx) => {
      if (await identityStore.byIdentifier(trx, environment.id, identifier)) {
        throw ValidationError.field(
          'identifier',
          'Identity with this identifier already exists in this environment.',
        );
      }
      const identity = await identityStore.insert(trx, {
        environment_id: environment.id,
        identifier,
        dashboard_alias: alias,
      });
      await this.#recorded(
        trx,
        principal,
        access,
        environment,
        identity,
        `Identity created: ${identifier}`,
        null,
        identity,
      );
      return identity;
    });
  }

  async update(principal: Principal, apiKey: string, id: number, alias: string | null): Promise<IdentityRow> {
    const { environment, access } = await this.#resolver.byKey(principal, apiKey, 'MANAGE_IDENTITIES');
    return this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#identity(trx, environment.id, id);
      const identity = await identityStore.update(trx, id, { dashboard_alias: alias });
      await this.#recorded(
        trx,
        principal,
        access,
        environment,
        identity,
        `Identity updated: ${identity.identifier}`,
        before,
        identity,
      );
      // The document's identity_overrides carry dashboard_alias.
      if (await identityStore.hasOverrides(trx, id))
        await this.#changes.environmentsChanged(trx, [environment.id], 'identity updated');
      return identity;
    });
  }

  async delete(principal: Principal, apiKey: string, id: number): Promise<void> {
    const { environment, access } = await this.#resolver.byKey(principal, apiKey, 'MANAGE_IDENTITIES');
    await this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#identity(trx, environment.id, id);
      if (await identityStore.hasOverrides(trx, id)) {
        await this.#changes.environmentsChanged(trx, [environment.id], 'identity with overrides deleted');
      }
      await identityStore.delete(trx, id);
      await this.#recorded(
        trx,
        principal,
        access,
        environment,
        before,
        `Identity deleted: ${before.identifier}`,
        before,
        null,
      );
    });
  }

  async traits(principal: Principal, apiKey: string, identityId: number): Promise<TraitRow[]> {
    const { environment } = await this.#resolver.byKey(principal, apiKey, READ);
    await this.#identity(this.#database.db, environment.id, identityId);
    return identityStore.traits(this.#database.db, identityId);
  }

  async trait(principal: Principal, apiKey: string, identityId: number, id: number): Promise<TraitRow> {
    const { environment } = await this.#resolver.byKey(principal, apiKey, READ);
    await this.#identity(this.#database.db, environment.id, identityId);
    const trait = await identityStore.trait(this.#database.db, identityId, id);
    if (!trait) throw new NotFoundError();
    return trait;
  }

  /** Sets a trait (a new key is created, an existing key replaced). */
  async setTrait(
    principal: Principal,
    apiKey: string,
    identityId: number,
    key: string,
    value: TraitValue,
  ): Promise<TraitRow> {
    const { environment, access } = await this.#resolver.byKey(principal, apiKey, 'MANAGE_IDENTITIES');
    const columns = traitColumns(value);
    return this.#database.db.transaction().execute(async (trx) => {
      const identity = await this.#identity(trx, environment.id, identityId);
      const trait = await identityStore.upsertTrait(trx, identityId, key, columns);
      await this.#traitRecorded(
        trx,
        principal,
        access,
        environment,
        identity,
        `Trait set: ${key}`,
        null,
        trait,
      );
      return trait;
    });
  }

  async updateTrait(
    principal: Principal,
    apiKey: string,
    identityId: number,
    id: number,
    patch: { key?: string; value?: TraitValue },
  ): Promise<TraitRow> {
    const { environment, access } = await this.#resolver.byKey(principal, apiKey, 'MANAGE_IDENTITIES');
    return this.#database.db.transaction().execute(async (trx) => {
      const identity = await this.#identity(trx, environment.id, identityId);
      const before = await identityStore.trait(trx, identityId, id);
      if (!before) throw new NotFoundError();
      const trait = await identityStore.updateTrait(trx, id, {
        ...(patch.key !== undefined ? { trait_key: patch.key } : {}),
        ...(patch.value !== undefined ? traitColumns(patch.value) : {}),
      });
      await this.#traitRecorded(
        trx,
        principal,
        access,
        environment,
        identity,
        `Trait updated: ${trait.trait_key}`,
        before,
        trait,
      );
      return trait;
    });
  }

  async deleteTrait(principal: Principal, apiKey: string, identityId: number, id: number): Promise<void> {
    const { environment, access } = await this.#resolver.byKey(principal, apiKey, 'MANAGE_IDENTITIES');
    await this.#database.db.transaction().execute(async (trx) => {
      const identity = await this.#identity(trx, environment.id, identityId);
      const before = await identityStore.trait(trx, identityId, id);
      if (!before) throw new NotFoundError();
      await identityStore.deleteTrait(trx, id);
      await this.#traitRecorded(
        trx,
        principal,
        access,
        environment,
        identity,
        `Trait deleted: ${before.trait_key}`,
        before,
        null,
      );
    });
  }

  async traitKeys(principal: Principal, apiKey: string): Promise<string[]> {
    const { environment } = await this.#resolver.byKey(principal, apiKey, READ);
    return identityStore.traitKeys(this.#database.db, environment.id);
  }

  /** Flagsmith `environments/{key}/delete-traits/`: removes a trait key from every identity of the environment. */
  async deleteTraitKey(principal: Principal, apiKey: string, key: string): Promise<void> {
    const { environment, access } = await this.#resolver.byKey(principal, apiKey, 'MANAGE_IDENTITIES');
    await this.#database.db.transaction().execute(async (trx) => {
      const deleted = await identityStore.deleteTraitsByKey(trx, environment.id, key);
      await this.#audit.record(trx, {
        principal,
        organisationId: access.organisationId,
        projectId: environment.project_id,
        environmentId: environment.id,
        relatedObjectType: 'IDENTITY',
        log: `Trait key deleted from every identity: ${key} (${deleted} traits)`,
        before: { trait_key: key, count: deleted },
        after: null,
      });
    });
  }

  async #identity(db: Kysely<Schema>, environmentId: number, id: number): Promise<IdentityRow> {
    const identity = await identityStore.get(db, environmentId, id);
    if (!identity) throw new NotFoundError();
    return identity;
  }

  #recorded(
    trx: Kysely<Schema>,
    principal: Principal,
    access: EnvironmentAccess,
    environment: EnvironmentRow,
    identity: IdentityRow,
    log: string,
    before: unknown,
    after: unknown,
  ) {
    return this.#audit.record(trx, {
      principal,
      organisationId: access.organisationId,
      projectId: environment.project_id,
      environmentId: environment.id,
      relatedObjectType: 'IDENTITY',
      relatedObjectId: identity.id,
      relatedObjectUuid: identity.uuid,
      log,
      before,
      after,
    });
  }

  #traitRecorded(
    trx: Kysely<Schema>,
    principal: Principal,
    access: EnvironmentAccess,
    environment: EnvironmentRow,
    identity: IdentityRow,
    log: string,
    before: TraitRow | null,
    after: TraitRow | null,
  ) {
    const json = (t: TraitRow | null) =>
      t && { id: t.id, trait_key: t.trait_key, trait_value: traitValue(t) };
    return this.#recorded(
      trx,
      principal,
      access,
      environment,
      identity,
      `${log} (identity ${identity.identifier})`,
      json(before),
      json(after),
    );
  }
}
