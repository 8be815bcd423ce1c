import { type Kysely, sql } from 'kysely';
import type { OrganisationRole, Schema } from '../../platform/db/schema.ts';

export interface Grant {
  admin: boolean;
  permissions: string[];
}

/** Read-only SQL over memberships and grants; the permission tables belong to this module. */
export const accessStore = {
  async role(db: Kysely<Schema>, userId: number, organisationId: number): Promise<OrganisationRole | null> {
    const row = await db
      .selectFrom('user_organisations')
      .select('role')
      .where('user_id', '=', userId)
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    return row?.role ?? null;
  },

  async organisationGrants(db: Kysely<Schema>, userId: number, organisationId: number): Promise<string[]> {
    const rows = await sql<{ permissions: string[] }>`
      SELECT permissions FROM organisation_user_permissions WHERE organisation_id = ${organisationId} AND user_id = ${userId}
      UNION ALL
      SELECT p.permissions FROM organisation_group_permissions p
        JOIN user_group_members m ON m.group_id = p.group_id
      WHERE p.organisation_id = ${organisationId} AND m.user_id = ${userId}`.execute(db);
    return rows.rows.flatMap((r) => r.permissions);
  },

  async projectGrants(db: Kysely<Schema>, userId: number, projectId: number): Promise<Grant[]> {
    const rows = await sql<Grant>`
      SELECT admin, permissions FROM project_user_permissions WHERE project_id = ${projectId} AND user_id = ${userId}
      UNION ALL
      SELECT p.admin, p.permissions FROM project_group_permissions p
        JOIN user_group_members m ON m.group_id = p.group_id
      WHERE p.project_id = ${projectId} AND m.user_id = ${userId}`.execute(db);
    return rows.rows;
  },

  async environmentGrants(db: Kysely<Schema>, userId: number, environmentId: number): Promise<Grant[]> {
    const rows = await sql<Grant>`
      SELECT admin, permissions FROM environment_user_permissions
      WHERE environment_id = ${environmentId} AND user_id = ${userId}
      UNION ALL
      SELECT p.admin, p.permissions FROM environment_group_permissions p
        JOIN user_group_members m ON m.group_id = p.group_id
      WHERE p.environment_id = ${environmentId} AND m.user_id = ${userId}`.execute(db);
    return rows.rows;
  },

  project(db: Kysely<Schema>, projectId: number) {
    return db
      .selectFrom('projects')
      .select(['id', 'organisation_id'])
      .where('id', '=', projectId)
      .executeTakeFirst();
  },

  environment(db: Kysely<Schema>, environmentId: number) {
    return db
      .selectFrom('environments as e')
      .innerJoin('projects as p', 'p.id', 'e.project_id')
      .select(['e.id', 'e.project_id', 'p.organisation_id'])
      .where('e.id', '=', environmentId)
      .executeTakeFirst();
  },

  /** Projects of an organisation the user can see through VIEW_PROJECT or admin, directly or through a group. */
  async viewableProjectIds(db: Kysely<Schema>, userId: number, organisationId: number | undefined) {
    const org = organisationId === undefined ? sql`` : sql`AND pr.organisation_id = ${organisationId}`;
    const rows = await sql<{ id: number }>`
      SELECT pr.id FROM projects pr
      WHERE EXISTS (SELECT 1 FROM user_organisations uo
                    WHERE uo.organisation_id = pr.organisation_id AND uo.user_id = ${userId}) ${org}
        AND (
          EXISTS (SELECT 1 FROM project_user_permissions p WHERE p.project_id = pr.id AND p.user_id = ${userId}
                  AND (p.admin OR 'VIEW_PROJECT' = ANY (p.permissions)))
          OR EXISTS (SELECT 1 FROM project_group_permissions p JOIN user_group_members m ON m.group_id = p.group_id
                  WHERE p.project_id = pr.id AND m.user_id = ${userId}
                  AND (p.admin OR 'VIEW_PROJECT' = ANY (p.permissions))))
      ORDER BY pr.id`.execute(db);
    return rows.rows.map((r) => r.id);
  },

  async viewableEnvironmentIds(db: Kysely<Schema>, userId: number, projectId: number) {
    const rows = await sql<{ id: number }>`
      SELECT e.id FROM environments e
      WHERE e.project_id = ${projectId} AND (
        EXISTS (SELECT 1 FROM environment_user_permissions p WHERE p.environment_id = e.id AND p.user_id = ${userId}
                AND (p.admin OR 'VIEW_ENVIRONMENT' = ANY (p.permissions)))
        OR EXISTS (SELECT 1 FROM environment_group_permissions p JOIN user_group_members m ON m.group_id = p.group_id
                WHERE p.environment_id = e.id AND m.user_id = ${userId}
                AND (p.admin OR 'VIEW_ENVIRONMENT' = ANY (p.permissions))))
      ORDER BY e.id`.execute(db);
    return rows.rows.map((r) => r.id);
  },

  async allProjectIds(db: Kysely<Schema>, organisationId: number): Promise<number[]> {
    const rows = await db
      .selectFrom('projects')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  },

  async allEnvironmentIds(db: Kysely<Schema>, projectId: number): Promise<number[]> {
    const rows = await db
      .selectFrom('environments')
      .select('id')
      .where('project_id', '=', projectId)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  },

  async adminOrganisationIds(db: Kysely<Schema>, userId: number): Promise<number[]> {
    const rows = await db
      .selectFrom('user_organisations')
      .select('organisation_id')
      .where('user_id', '=', userId)
      .where('role', '=', 'ADMIN')
      .execute();
    return rows.map((r) => r.organisation_id);
  },
};

/** Lookups the grant and group services need about their subjects. */
export const subjectStore = {
  async environmentIdByKey(db: Kysely<Schema>, apiKey: string): Promise<number | undefined> {
    const row = await db
      .selectFrom('environments')
      .select('id')
      .where('api_key', '=', apiKey)
      .executeTakeFirst();
    return row?.id;
  },
  async isMember(db: Kysely<Schema>, userId: number, organisationId: number): Promise<boolean> {
    const row = await db
      .selectFrom('user_organisations')
      .select('user_id')
      .where('user_id', '=', userId)
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    return row !== undefined;
  },
  async groupOrganisation(db: Kysely<Schema>, groupId: number): Promise<number | undefined> {
    const row = await db
      .selectFrom('user_groups')
      .select('organisation_id')
      .where('id', '=', groupId)
      .executeTakeFirst();
    return row?.organisation_id;
  },
  users(db: Kysely<Schema>, ids: readonly number[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('users')
      .select(['id', 'email', 'first_name', 'last_name', 'last_login', 'uuid'])
      .where('id', 'in', ids)
      .execute();
  },
  groups(db: Kysely<Schema>, ids: readonly number[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('user_groups').select(['id', 'name']).where('id', 'in', ids).execute();
  },
};
