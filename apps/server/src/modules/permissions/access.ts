import type { Kysely } from 'kysely';
import type { OrganisationRole, Schema } from '../../platform/db/schema.ts';
import { NotFoundError, PermissionDeniedError } from '../../platform/errors.ts';
import type { Principal } from '../auth/index.ts';
import { accessStore, type Grant } from './access-store.ts';
import type { EnvironmentPermission, OrganisationPermission, ProjectPermission } from './permission-keys.ts';

export interface OrganisationAccess {
  organisationId: number;
  role: OrganisationRole;
  admin: boolean;
  permissions: ReadonlySet<string>;
}

export interface ProjectAccess {
  projectId: number;
  organisationId: number;
  /** Organisation admin, admin key, or project admin grant: every project and environment permission. */
  admin: boolean;
  permissions: ReadonlySet<string>;
}

export interface EnvironmentAccess {
  environmentId: number;
  projectId: number;
  organisationId: number;
  admin: boolean;
  permissions: ReadonlySet<string>;
}

const none: ReadonlySet<string> = new Set();

function merge(grants: readonly Grant[]) {
  return {
    admin: grants.some((g) => g.admin),
    permissions: new Set(grants.flatMap((g) => g.permissions)),
  };
}

/**
 * Answers "may this principal do X to that object?" with Flagsmith's model: organisation ADMIN/USER roles, then
 * project and environment permission keys granted to users and groups, each grant optionally `admin`.
 *
 * Leak rule: an object the caller cannot even view is reported as 404, exactly as if it did not exist; 403 only
 * when the caller can view it but lacks the permission for this action.
 */
export class Access {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async organisation(principal: Principal, organisationId: number): Promise<OrganisationAccess | null> {
    if (principal.kind === 'master-api-key') {
      if (principal.organisationId !== organisationId) return null;
      return {
        organisationId,
        role: principal.isAdmin ? 'ADMIN' : 'USER',
        admin: principal.isAdmin,
        permissions: none,
      };
    }
    const role = await accessStore.role(this.#db, principal.userId, organisationId);
    if (!role) return null;
    const permissions =
      role === 'ADMIN'
        ? none
        : new Set(await accessStore.organisationGrants(this.#db, principal.userId, organisationId));
    return { organisationId, role, admin: role === 'ADMIN', permissions };
  }

  /** Members (and the organisation's keys) see it; `need` adds ADMIN or an organisation permission key. */
  async requireOrganisation(
    principal: Principal,
    organisationId: number,
    need?: 'ADMIN' | OrganisationPermission,
  ): Promise<OrganisationAccess> {
    const access = await this.organisation(principal, organisationId);
    if (!access) throw new NotFoundError();
    if (need && !access.admin && (need === 'ADMIN' || !access.permissions.has(need))) {
      throw new PermissionDeniedError();
    }
    return access;
  }

  async project(principal: Principal, projectId: number): Promise<ProjectAccess | null> {
    const project = await accessStore.project(this.#db, projectId);
    if (!project) return null;
    const org = await this.organisation(principal, project.organisation_id);
    if (!org) return null;
    const base = { projectId, organisationId: project.organisation_id };
    if (org.admin) return { ...base, admin: true, permissions: none };
    if (principal.kind !== 'user') return null;
    const { admin, permissions } = merge(
      await accessStore.projectGrants(this.#db, principal.userId, projectId),
    );
    if (!admin && !permissions.has('VIEW_PROJECT')) return null;
    return { ...base, admin, permissions };
  }

  async requireProject(
    principal: Principal,
    projectId: number,
    need: 'ADMIN' | ProjectPermission = 'VIEW_PROJECT',
  ): Promise<ProjectAccess> {
    const access = await this.project(principal, projectId);
    if (!access) throw new NotFoundError();
    if (!access.admin && (need === 'ADMIN' || !access.permissions.has(need)))
      throw new PermissionDeniedError();
    return access;
  }

  async environment(principal: Principal, environmentId: number): Promise<EnvironmentAccess | null> {
    const env = await accessStore.environment(this.#db, environmentId);
    if (!env) return null;
    const project = await this.project(principal, env.project_id);
    if (!project) return null;
    const base = { environmentId, projectId: env.project_id, organisationId: env.organisation_id };
    if (project.admin) return { ...base, admin: true, permissions: none };
    if (principal.kind !== 'user') return null;
    const { admin, permissions } = merge(
      await accessStore.environmentGrants(this.#db, principal.userId, environmentId),
    );
    if (!admin && !permissions.has('VIEW_ENVIRONMENT')) return null;
    return { ...base, admin, permissions };
  }

  async requireEnvironment(
    principal: Principal,
    environmentId: number,
    need: 'ADMIN' | EnvironmentPermission | readonly EnvironmentPermission[] = 'VIEW_ENVIRONMENT',
  ): Promise<EnvironmentAccess> {
    const access = await this.environment(principal, environmentId);
    if (!access) throw new NotFoundError();
    if (access.admin) return access;
    const anyOf = typeof need === 'string' ? [need] : need;
    if (!anyOf.some((n) => n !== 'ADMIN' && access.permissions.has(n))) throw new PermissionDeniedError();
    return access;
  }

  /** Organisations the principal belongs to. */
  async organisationIds(principal: Principal): Promise<number[]> {
    if (principal.kind === 'master-api-key') return [principal.organisationId];
    const rows = await this.#db
      .selectFrom('user_organisations')
      .select('organisation_id')
      .where('user_id', '=', principal.userId)
      .orderBy('organisation_id')
      .execute();
    return rows.map((r) => r.organisation_id);
  }

  /** Projects the principal may view, optionally within one organisation. */
  async viewableProjectIds(principal: Principal, organisationId?: number): Promise<number[]> {
    if (principal.kind === 'master-api-key') {
      if (!principal.isAdmin) return [];
      if (organisationId !== undefined && organisationId !== principal.organisationId) return [];
      return accessStore.allProjectIds(this.#db, principal.organisationId);
    }
    const adminOrgs = await accessStore.adminOrganisationIds(this.#db, principal.userId);
    const ids = new Set<number>();
    for (const org of adminOrgs) {
      if (organisationId === undefined || organisationId === org) {
        for (const id of await accessStore.allProjectIds(this.#db, org)) ids.add(id);
      }
    }
    for (const id of await accessStore.viewableProjectIds(this.#db, principal.userId, organisationId))
      ids.add(id);
    return [...ids].sort((a, b) => a - b);
  }

  /** Environments of a project the principal may view (none if it cannot view the project). */
  async viewableEnvironmentIds(principal: Principal, projectId: number): Promise<number[]> {
    const project = await this.project(principal, projectId);
    if (!project) return [];
    if (project.admin) return accessStore.allEnvironmentIds(this.#db, projectId);
    if (principal.kind !== 'user') return [];
    return accessStore.viewableEnvironmentIds(this.#db, principal.userId, projectId);
  }
}
