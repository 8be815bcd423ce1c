import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { Schema } from '../../platform/db/schema.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { type AuditLog, AuditMessages } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import { type Access, grantStore } from '../permissions/index.ts';
import type { EnvironmentChanges } from './environment-change-sink.ts';
import { newClientKey, newServerKey } from './environment-keys.ts';
import type { EnvironmentResolver } from './environment-resolver.ts';
import {
  type EnvironmentRow,
  type EnvironmentSettings,
  environmentStore,
  type ServerKeyRow,
} from './environment-store.ts';

/**
 * What other modules do when an environment is born. Implemented by the features module (it owns feature states)
 * and wired in compose.ts; both calls run inside the creating transaction.
 */
export interface EnvironmentLifecycle {
  /** Gives the new environment a default feature state for every feature of its project. */
  environmentCreated(trx: Kysely<Schema>, environment: { id: number; projectId: number }): Promise<void>;
  /** Copies the source's environment defaults and segment overrides into the new, empty clone. */
  environmentCloned(
    trx: Kysely<Schema>,
    sourceId: number,
    target: { id: number; projectId: number },
  ): Promise<void>;
}

/** Environments and their server-side keys. */
export class EnvironmentService {
  readonly #database: Database;
  readonly #access: Access;
  readonly #resolver: EnvironmentResolver;
  readonly #audit: AuditLog;
  readonly #changes: EnvironmentChanges;
  readonly #lifecycle: EnvironmentLifecycle;

  constructor(deps: {
    database: Database;
    access: Access;
    resolver: EnvironmentResolver;
    audit: AuditLog;
    changes: EnvironmentChanges;
    lifecycle: EnvironmentLifecycle;
  }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#resolver = deps.resolver;
    this.#audit = deps.audit;
    this.#changes = deps.changes;
    this.#lifecycle = deps.lifecycle;
  }

  /** Environments the principal may view, of one project or of every project it can see. */
  async list(principal: Principal, projectId: number | undefined): Promise<EnvironmentRow[]> {
    const projects = projectId !== undefined ? [projectId] : await this.#access.viewableProjectIds(principal);
    const ids: number[] = [];
    for (const p of projects) ids.push(...(await this.#access.viewableEnvironmentIds(principal, p)));
    return environmentStore.list(this.#database.db, ids);
  }

  /** Reads that need no transaction (limits usage) go through this executor. */
  get db() {
    return this.#database.db;
  }

  async get(principal: Principal, apiKey: string): Promise<EnvironmentRow> {
    return (await this.#resolver.byKey(principal, apiKey)).environment;
  }

  async getByUuid(principal: Principal, uuid: string): Promise<EnvironmentRow> {
    const row = await environmentStore.getByUuid(this.#database.db, uuid);
    if (!row) throw new NotFoundError();
    return (await this.#resolver.byId(principal, row.id)).environment;
  }

  async create(
    principal: Principal,
    projectId: number,
    settings: EnvironmentSettings & { name: string },
  ): Promise<EnvironmentRow> {
    const access = await this.#access.requireProject(principal, projectId, 'CREATE_ENVIRONMENT');
    return this.#database.db.transaction().execute(async (trx) => {
      const environment = await environmentStore.insert(trx, {
        ...settings,
        project_id: projectId,
        api_key: newClientKey(),
      });
      await this.#grantCreator(trx, principal, environment.id, access.admin);
      await this.#lifecycle.environmentCreated(trx, { id: environment.id, projectId });
      await this.#recorded(
        trx,
        principal,
        access.organisationId,
        environment,
        null,
        AuditMessages.environmentCreated(environment.name),
      );
      return environment;
    });
  }

  async clone(
    principal: Principal,
    sourceKey: string,
    settings: { name: string; description?: string | null },
  ) {
    const { environment: source } = await this.#resolver.byKey(principal, sourceKey);
    const access = await this.#access.requireProject(principal, source.project_id, 'CREATE_ENVIRONMENT');
    return this.#database.db.transaction().execute(async (trx) => {
      const {
        id: _id,
        uuid: _uuid,
        api_key: _key,
        created_date: _c,
        updated_at: _u,
        data_version: _v,
        ...copied
      } = source;
      const environment = await environmentStore.insert(trx, {
        ...copied,
        name: settings.name,
        description: settings.description ?? source.description,
        api_key: newClientKey(),
      });
      await this.#grantCreator(trx, principal, environment.id, access.admin);
      await this.#lifecycle.environmentCloned(trx, source.id, {
        id: environment.id,
        projectId: source.project_id,
      });
      await this.#recorded(
        trx,
        principal,
        access.organisationId,
        environment,
        null,
        `${AuditMessages.environmentCreated(environment.name)} (cloned from ${source.name})`,
      );
      return environment;
    });
  }

  async update(principal: Principal, apiKey: string, settings: EnvironmentSettings): Promise<EnvironmentRow> {
    const { environment: before, access } = await this.#resolver.byKey(principal, apiKey, 'ADMIN');
    return this.#database.db.transaction().execute(async (trx) => {
      const environment = await environmentStore.update(trx, before.id, settings);
      await this.#recorded(
        trx,
        principal,
        access.organisationId,
        environment,
        before,
        AuditMessages.environmentUpdated(environment.name),
      );
      return environment;
    });
  }

  async delete(principal: Principal, apiKey: string): Promise<void> {
    const { environment, access } = await this.#resolver.byKey(principal, apiKey, 'ADMIN');
    await this.#database.db.transaction().execute(async (trx) => {
      // Reported before the row goes, so the document side can drop what it built for this environment.
      await this.#changes.environmentsChanged(trx, [environment.id], 'environment deleted');
      await environmentStore.delete(trx, environment.id);
      await this.#audit.record(trx, {
        principal,
        organisationId: access.organisationId,
        projectId: environment.project_id,
        relatedObjectType: 'ENVIRONMENT',
        relatedObjectId: environment.id,
        relatedObjectUuid: environment.uuid,
        log: AuditMessages.environmentDeleted(environment.name),
        before: environment,
        after: null,
      });
    });
  }

  /** Flagsmith gives the creator of an environment admin on it when they are not already project admin. */
  async #grantCreator(trx: Kysely<Schema>, principal: Principal, environmentId: number, isAdmin: boolean) {
    if (principal.kind !== 'user' || isAdmin) return;
    await grantStore.upsert(trx, 'environment', 'user', {
      scopeId: environmentId,
      subjectId: principal.userId,
      admin: true,
      permissions: [],
    });
  }

  async #recorded(
    trx: Kysely<Schema>,
    principal: Principal,
    organisationId: number,
    environment: EnvironmentRow,
    before: EnvironmentRow | null,
    log: string,
  ) {
    await this.#audit.record(trx, {
      principal,
      organisationId,
      projectId: environment.project_id,
      environmentId: environment.id,
      relatedObjectType: 'ENVIRONMENT',
      relatedObjectId: environment.id,
      relatedObjectUuid: environment.uuid,
      log,
      before: before && { ...before, updated_at: undefined, data_version: undefined },
      after: { ...environment, updated_at: undefined, data_version: undefined },
    });
    await this.#changes.environmentsChanged(
      trx,
      [environment.id],
      before ? 'environment updated' : 'environment created',
    );
  }

  // Server-side keys: environment admins only, like Flagsmith. They do not change the document.

  async serverKeys(principal: Principal, apiKey: string): Promise<ServerKeyRow[]> {
    const { environment } = await this.#resolver.byKey(principal, apiKey, 'ADMIN');
    return environmentStore.serverKeys(this.#database.db, environment.id);
  }

  async serverKey(principal: Principal, apiKey: string, id: number): Promise<ServerKeyRow> {
    const { environment } = await this.#resolver.byKey(principal, apiKey, 'ADMIN');
    const row = await environmentStore.serverKey(this.#database.db, environment.id, id);
    if (!row) throw new NotFoundError();
    return row;
  }

  async createServerKey(
    principal: Principal,
    apiKey: string,
    input: { name: string; expiresAt: Date | null; active: boolean },
  ): Promise<ServerKeyRow> {
    const { environment, access } = await this.#resolver.byKey(principal, apiKey, 'ADMIN');
    return this.#database.db.transaction().execute(async (trx) => {
      const row = await environmentStore.insertServerKey(trx, {
        environment_id: environment.id,
        key: newServerKey(),
        name: input.name,
        expires_at: input.expiresAt,
        active: input.active,
      });
      await this.#keyRecorded(trx, principal, access.organisationId, environment, row, null, row, 'created');
      return row;
    });
  }

  async updateServerKey(
    principal: Principal,
    apiKey: string,
    id: number,
    patch: { name?: string; expiresAt?: Date | null; active?: boolean },
  ): Promise<ServerKeyRow> {
    const { environment, access } = await this.#resolver.byKey(principal, apiKey, 'ADMIN');
    return this.#database.db.transaction().execute(async (trx) => {
      const before = await environmentStore.serverKey(trx, environment.id, id);
      if (!before) throw new NotFoundError();
      const row = await environmentStore.updateServerKey(trx, id, {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.expiresAt !== undefined ? { expires_at: patch.expiresAt } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
      });
      await this.#keyRecorded(
        trx,
        principal,
        access.organisationId,
        environment,
        row,
        before,
        row,
        'updated',
      );
      return row;
    });
  }

  async deleteServerKey(principal: Principal, apiKey: string, id: number): Promise<void> {
    const { environment, access } = await this.#resolver.byKey(principal, apiKey, 'ADMIN');
    await this.#database.db.transaction().execute(async (trx) => {
      const before = await environmentStore.serverKey(trx, environment.id, id);
      if (!before) throw new NotFoundError();
      await environmentStore.deleteServerKey(trx, id);
      await this.#keyRecorded(
        trx,
        principal,
        access.organisationId,
        environment,
        before,
        before,
        null,
        'deleted',
      );
    });
  }

  #keyRecorded(
    trx: Kysely<Schema>,
    principal: Principal,
    organisationId: number,
    environment: EnvironmentRow,
    key: ServerKeyRow,
    before: ServerKeyRow | null,
    after: ServerKeyRow | null,
    verb: string,
  ) {
    // The key itself is a credential: the audit log keeps only a recognisable start.
    const json = (k: ServerKeyRow | null) => k && { ...k, key: `${k.key.slice(0, 8)}…` };
    return this.#audit.record(trx, {
      principal,
      organisationId,
      projectId: environment.project_id,
      environmentId: environment.id,
      relatedObjectType: 'ENVIRONMENT_API_KEY',
      relatedObjectId: key.id,
      log: `Server-side environment key ${verb}: ${key.name}`,
      before: json(before),
      after: json(after),
    });
  }
}
