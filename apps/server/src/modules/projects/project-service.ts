import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { Schema } from '../../platform/db/schema.ts';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../../platform/errors.ts';
import { type AuditLog, AuditMessages } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import type { EnvironmentChanges } from '../environments/index.ts';
import { type Access, grantStore } from '../permissions/index.ts';
import { type ProjectRow, type ProjectSettings, projectStore } from './project-store.ts';

/** Project settings that change what environments serve (spec §2.1 `project.*`). */
const DOCUMENT_FIELDS = ['name', 'hide_disabled_flags', 'enable_realtime_updates'] as const;

export class ProjectService {
  readonly #database: Database;
  readonly #access: Access;
  readonly #audit: AuditLog;
  readonly #changes: EnvironmentChanges;

  constructor(deps: { database: Database; access: Access; audit: AuditLog; changes: EnvironmentChanges }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#audit = deps.audit;
    this.#changes = deps.changes;
  }

  get db() {
    return this.#database.db;
  }

  async list(principal: Principal, organisationId: number | undefined): Promise<ProjectRow[]> {
    return projectStore.list(
      this.#database.db,
      await this.#access.viewableProjectIds(principal, organisationId),
    );
  }

  async get(principal: Principal, id: number): Promise<ProjectRow> {
    await this.#access.requireProject(principal, id);
    const row = await projectStore.get(this.#database.db, id);
    if (!row) throw new NotFoundError();
    return row;
  }

  async getByUuid(principal: Principal, uuid: string): Promise<ProjectRow> {
    const row = await projectStore.getByUuid(this.#database.db, uuid);
    if (!row) throw new NotFoundError();
    await this.#access.requireProject(principal, row.id);
    return row;
  }

  /** Organisation admins, or members with CREATE_PROJECT unless the organisation restricts it to admins. */
  async create(principal: Principal, organisationId: number, settings: ProjectSettings & { name: string }) {
    const org = await this.#access.requireOrganisation(principal, organisationId);
    if (!org.admin) {
      const restricted = await projectStore.restrictsCreateToAdmin(this.#database.db, organisationId);
      if (restricted || !org.permissions.has('CREATE_PROJECT')) throw new PermissionDeniedError();
    }
    this.#validate(settings);
    return this.#database.db.transaction().execute(async (trx) => {
      await this.#uniqueName(trx, organisationId, settings.name);
      const id = await projectStore.insert(trx, organisationId, settings);
      // Flagsmith makes the creator an admin of the project they created.
      if (principal.kind === 'user' && !org.admin) {
        await grantStore.upsert(trx, 'project', 'user', {
          scopeId: id,
          subjectId: principal.userId,
          admin: true,
          permissions: [],
        });
      }
      const project = await this.#load(trx, id);
      await this.#record(trx, principal, project, null, project, AuditMessages.projectCreated(project.name));
      return project;
    });
  }

  async update(principal: Principal, id: number, settings: ProjectSettings): Promise<ProjectRow> {
    await this.#access.requireProject(principal, id, 'ADMIN');
    this.#validate(settings);
    return this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#load(trx, id);
      if (settings.name !== undefined && settings.name.toLowerCase() !== before.name.toLowerCase()) {
        await this.#uniqueName(trx, before.organisation_id, settings.name, id);
      }
      await projectStore.update(trx, id, settings);
      const project = await this.#load(trx, id);
      await this.#record(
        trx,
        principal,
        project,
        before,
        project,
        AuditMessages.projectUpdated(project.name),
      );
      if (DOCUMENT_FIELDS.some((f) => before[f] !== project[f])) {
        await this.#changes.projectChanged(trx, id, 'project settings changed');
      }
      return project;
    });
  }

  async delete(principal: Principal, id: number): Promise<void> {
    await this.#access.requireProject(principal, id, 'ADMIN');
    await this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#load(trx, id);
      await this.#changes.projectChanged(trx, id, 'project deleted');
      await projectStore.delete(trx, id);
      await this.#record(trx, principal, before, before, null, AuditMessages.projectDeleted(before.name));
    });
  }

  #validate(settings: ProjectSettings) {
    if (settings.feature_name_regex) {
      try {
        new RegExp(settings.feature_name_regex);
      } catch {
        throw ValidationError.field('feature_name_regex', 'Invalid regular expression.');
      }
    }
  }

  async #uniqueName(trx: Kysely<Schema>, organisationId: number, name: string, exceptId?: number) {
    if (await projectStore.nameTaken(trx, organisationId, name, exceptId)) {
      throw ValidationError.field('name', 'A project with this name already exists in the organisation.');
    }
  }

  async #load(db: Kysely<Schema>, id: number): Promise<ProjectRow> {
    const row = await projectStore.get(db, id);
    if (!row) throw new NotFoundError();
    return row;
  }

  #record(
    trx: Kysely<Schema>,
    principal: Principal,
    project: ProjectRow,
    before: ProjectRow | null,
    after: ProjectRow | null,
    log: string,
  ) {
    const json = (p: ProjectRow | null) =>
      p && { ...p, total_features: undefined, total_segments: undefined };
    return this.#audit.record(trx, {
      principal,
      organisationId: project.organisation_id,
      projectId: project.id,
      relatedObjectType: 'PROJECT',
      relatedObjectId: project.id,
      relatedObjectUuid: project.uuid,
      log,
      before: json(before),
      after: json(after),
    });
  }
}
