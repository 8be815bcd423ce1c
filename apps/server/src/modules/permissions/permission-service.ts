import type { Database } from '../../platform/db/database.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import type { Access } from './access.ts';
import { subjectStore } from './access-store.ts';
import { type GrantRow, type GrantSubject, grantStore } from './grant-store.ts';
import { type PermissionScope, unknownPermissions } from './permission-keys.ts';

/** Where a grant lives: the scope, the scope's id and its organisation (for membership checks and the audit log). */
export interface GrantScope {
  scope: PermissionScope;
  scopeId: number;
  organisationId: number;
  projectId: number | null;
  environmentId: number | null;
}

export interface GrantInput {
  subjectId: number;
  admin: boolean;
  permissions: readonly string[];
}

/**
 * Flagsmith's `user-permissions/` and `user-group-permissions/` at organisation, project and environment level.
 * Managing grants needs admin of the scope: organisation admin, project admin, environment admin.
 */
export class PermissionService {
  readonly #database: Database;
  readonly #access: Access;
  readonly #audit: AuditLog;

  constructor(deps: { database: Database; access: Access; audit: AuditLog }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#audit = deps.audit;
  }

  /** Resolves a scope for managing grants (admin needed) or for reading one's own permissions (`view`). */
  async scope(principal: Principal, scope: PermissionScope, ref: number | string, need: 'ADMIN' | 'view') {
    if (scope === 'organisation') {
      const id = Number(ref);
      const a = await this.#access.requireOrganisation(principal, id, need === 'ADMIN' ? 'ADMIN' : undefined);
      return {
        grant: this.#grantScope(scope, id, a.organisationId, null, null),
        admin: a.admin,
        permissions: a.permissions,
      };
    }
    if (scope === 'project') {
      const id = Number(ref);
      const a = await this.#access.requireProject(principal, id, need === 'ADMIN' ? 'ADMIN' : 'VIEW_PROJECT');
      return {
        grant: this.#grantScope(scope, id, a.organisationId, id, null),
        admin: a.admin,
        permissions: a.permissions,
      };
    }
    const envId = await subjectStore.environmentIdByKey(this.#database.db, String(ref));
    if (envId === undefined) throw new NotFoundError();
    const a = await this.#access.requireEnvironment(
      principal,
      envId,
      need === 'ADMIN' ? 'ADMIN' : 'VIEW_ENVIRONMENT',
    );
    return {
      grant: this.#grantScope(scope, envId, a.organisationId, a.projectId, envId),
      admin: a.admin,
      permissions: a.permissions,
    };
  }

  #grantScope(
    scope: PermissionScope,
    scopeId: number,
    organisationId: number,
    projectId: number | null,
    environmentId: number | null,
  ): GrantScope {
    return { scope, scopeId, organisationId, projectId, environmentId };
  }

  list(where: GrantScope, subject: GrantSubject): Promise<GrantRow[]> {
    return grantStore.list(this.#database.db, where.scope, subject, where.scopeId);
  }

  async save(
    principal: Principal,
    where: GrantScope,
    subject: GrantSubject,
    input: GrantInput,
    existingId?: number,
  ): Promise<GrantRow> {
    const unknown = unknownPermissions(where.scope, input.permissions);
    if (unknown.length > 0) {
      throw ValidationError.field(
        'permissions',
        `Unknown ${where.scope} permission(s): ${unknown.join(', ')}.`,
      );
    }
    await this.#checkSubject(where, subject, input.subjectId);
    return this.#database.db.transaction().execute(async (trx) => {
      let before: GrantRow | undefined;
      if (existingId !== undefined) {
        before = await grantStore.get(trx, where.scope, subject, where.scopeId, existingId);
        if (!before) throw new NotFoundError();
        if (before.subject_id !== input.subjectId) {
          throw ValidationError.field(subject, `A permission's ${subject} cannot be changed.`);
        }
      }
      const row = await grantStore.upsert(trx, where.scope, subject, {
        scopeId: where.scopeId,
        subjectId: input.subjectId,
        admin: input.admin,
        permissions: [...new Set(input.permissions)],
      });
      await this.#record(trx, principal, where, subject, row, before ?? null, row);
      return row;
    });
  }

  async delete(principal: Principal, where: GrantScope, subject: GrantSubject, id: number): Promise<void> {
    await this.#database.db.transaction().execute(async (trx) => {
      const before = await grantStore.get(trx, where.scope, subject, where.scopeId, id);
      if (!before) throw new NotFoundError();
      await grantStore.delete(trx, where.scope, subject, where.scopeId, id);
      await this.#record(trx, principal, where, subject, before, before, null);
    });
  }

  async #checkSubject(where: GrantScope, subject: GrantSubject, subjectId: number) {
    const ok =
      subject === 'user'
        ? await subjectStore.isMember(this.#database.db, subjectId, where.organisationId)
        : (await subjectStore.groupOrganisation(this.#database.db, subjectId)) === where.organisationId;
    if (!ok) throw ValidationError.field(subject, `Invalid pk "${subjectId}" - object does not exist.`);
  }

  #record(
    trx: Parameters<AuditLog['record']>[0],
    principal: Principal,
    where: GrantScope,
    subject: GrantSubject,
    row: GrantRow,
    before: GrantRow | null,
    after: GrantRow | null,
  ) {
    const verb = before === null ? 'granted to' : after === null ? 'revoked from' : 'changed for';
    const json = (g: GrantRow | null) =>
      g && { id: g.id, [subject]: g.subject_id, admin: g.admin, permissions: g.permissions };
    return this.#audit.record(trx, {
      principal,
      organisationId: where.organisationId,
      projectId: where.projectId,
      environmentId: where.environmentId,
      relatedObjectType: 'PERMISSION',
      relatedObjectId: row.id,
      log: `${where.scope[0]?.toUpperCase()}${where.scope.slice(1)} permissions ${verb} ${subject} ${row.subject_id}`,
      before: json(before),
      after: json(after),
    });
  }

  users(ids: readonly number[]) {
    return subjectStore.users(this.#database.db, ids);
  }

  groups(ids: readonly number[]) {
    return subjectStore.groups(this.#database.db, ids);
  }
}
