import { type Kysely, sql } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';
import type { PermissionScope } from './permission-keys.ts';

export type GrantSubject = 'user' | 'group';

export interface GrantRow {
  id: number;
  scope_id: number;
  subject_id: number;
  admin: boolean;
  permissions: string[];
}

// Fixed identifiers only (never user input), so building SQL from them is safe.
const TABLES: Record<PermissionScope, Record<GrantSubject, string>> = {
  organisation: { user: 'organisation_user_permissions', group: 'organisation_group_permissions' },
  project: { user: 'project_user_permissions', group: 'project_group_permissions' },
  environment: { user: 'environment_user_permissions', group: 'environment_group_permissions' },
};
const SCOPE_COLUMN: Record<PermissionScope, string> = {
  organisation: 'organisation_id',
  project: 'project_id',
  environment: 'environment_id',
};
const SUBJECT_COLUMN: Record<GrantSubject, string> = { user: 'user_id', group: 'group_id' };

function parts(scope: PermissionScope, subject: GrantSubject) {
  const table = sql.table(TABLES[scope][subject]);
  const scopeCol = sql.ref(SCOPE_COLUMN[scope]);
  const subjectCol = sql.ref(SUBJECT_COLUMN[subject]);
  // Organisation grants have no admin flag (organisation admin is a role).
  const admin = scope === 'organisation' ? sql`false` : sql.ref('admin');
  return { table, scopeCol, subjectCol, admin };
}

/** SQL for the six grant tables, addressed by scope (organisation/project/environment) and subject (user/group). */
export const grantStore = {
  async list(db: Kysely<Schema>, scope: PermissionScope, subject: GrantSubject, scopeId: number) {
    const p = parts(scope, subject);
    const { rows } = await sql<GrantRow>`
      SELECT id, ${p.scopeCol} AS scope_id, ${p.subjectCol} AS subject_id, ${p.admin} AS admin, permissions
      FROM ${p.table} WHERE ${p.scopeCol} = ${scopeId} ORDER BY id`.execute(db);
    return rows;
  },

  async get(db: Kysely<Schema>, scope: PermissionScope, subject: GrantSubject, scopeId: number, id: number) {
    const p = parts(scope, subject);
    const { rows } = await sql<GrantRow>`
      SELECT id, ${p.scopeCol} AS scope_id, ${p.subjectCol} AS subject_id, ${p.admin} AS admin, permissions
      FROM ${p.table} WHERE ${p.scopeCol} = ${scopeId} AND id = ${id}`.execute(db);
    return rows[0];
  },

  /** Inserts or replaces the grant of one subject in one scope. */
  async upsert(
    db: Kysely<Schema>,
    scope: PermissionScope,
    subject: GrantSubject,
    row: { scopeId: number; subjectId: number; admin: boolean; permissions: readonly string[] },
  ): Promise<GrantRow> {
    const p = parts(scope, subject);
    const perms = sql`${[...row.permissions]}::text[]`;
    const query =
      scope === 'organisation'
        ? sql<GrantRow>`
          INSERT INTO ${p.table} (${p.scopeCol}, ${p.subjectCol}, permissions) VALUES (${row.scopeId}, ${row.subjectId}, ${perms})
          ON CONFLICT (${p.scopeCol}, ${p.subjectCol}) DO UPDATE SET permissions = EXCLUDED.permissions
          RETURNING id, ${p.scopeCol} AS scope_id, ${p.subjectCol} AS subject_id, false AS admin, permissions`
        : sql<GrantRow>`
          INSERT INTO ${p.table} (${p.scopeCol}, ${p.subjectCol}, admin, permissions)
          VALUES (${row.scopeId}, ${row.subjectId}, ${row.admin}, ${perms})
          ON CONFLICT (${p.scopeCol}, ${p.subjectCol}) DO UPDATE SET admin = EXCLUDED.admin, permissions = EXCLUDED.permissions
          RETURNING id, ${p.scopeCol} AS scope_id, ${p.subjectCol} AS subject_id, admin, permissions`;
    const { rows } = await query.execute(db);
    const out = rows[0];
    if (!out) throw new Error('upsert returned no row');
    return out;
  },

  async delete(
    db: Kysely<Schema>,
    scope: PermissionScope,
    subject: GrantSubject,
    scopeId: number,
    id: number,
  ) {
    const p = parts(scope, subject);
    const result = await sql`DELETE FROM ${p.table} WHERE ${p.scopeCol} = ${scopeId} AND id = ${id}`.execute(
      db,
    );
    return Number(result.numAffectedRows ?? 0) > 0;
  },
};
