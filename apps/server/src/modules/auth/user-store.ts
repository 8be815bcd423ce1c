import { type Kysely, type Selectable, sql } from 'kysely';
import type { OrganisationRole, Schema, UsersTable } from '../../platform/db/schema.ts';

export type UserRow = Selectable<UsersTable>;
export interface MemberRow extends UserRow {
  role: OrganisationRole;
  membership_date_joined: Date;
}

/** SQL for users, their tokens, organisation memberships and invite links. Executors come from the caller. */
export const userStore = {
  findByEmail(db: Kysely<Schema>, email: string): Promise<UserRow | undefined> {
    return db
      .selectFrom('users')
      .selectAll()
      .where(sql<string>`lower(email)`, '=', email.toLowerCase())
      .executeTakeFirst();
  },

  findById(db: Kysely<Schema>, id: number): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async count(db: Kysely<Schema>): Promise<number> {
    const row = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  insert(
    db: Kysely<Schema>,
    row: {
      email: string;
      first_name: string;
      last_name: string;
      password_hash: string;
      marketing_consent_given: boolean;
    },
  ): Promise<UserRow> {
    return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async update(
    db: Kysely<Schema>,
    id: number,
    patch: Partial<
      Pick<UserRow, 'first_name' | 'last_name' | 'password_hash' | 'marketing_consent_given' | 'last_login'>
    >,
  ): Promise<UserRow> {
    if (Object.keys(patch).length === 0) {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    }
    return db.updateTable('users').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },

  async insertToken(
    db: Kysely<Schema>,
    row: { user_id: number; prefix: string; key_hash: string },
  ): Promise<number> {
    const { id } = await db.insertInto('auth_tokens').values(row).returning('id').executeTakeFirstOrThrow();
    return id;
  },

  /** Candidate tokens of active users for a presented key; the caller verifies the hash. */
  findTokensByPrefix(db: Kysely<Schema>, prefix: string) {
    return db
      .selectFrom('auth_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['t.id', 't.user_id', 't.key_hash', 'u.email'])
      .where('t.prefix', '=', prefix)
      .where('u.is_active', '=', true)
      .execute();
  },

  /** Whether a token still exists and belongs to an active user (cheap re-check behind the verification cache). */
  async tokenIsLive(db: Kysely<Schema>, tokenId: number): Promise<boolean> {
    const row = await db
      .selectFrom('auth_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select('t.id')
      .where('t.id', '=', tokenId)
      .where('u.is_active', '=', true)
      .executeTakeFirst();
    return row !== undefined;
  },

  async deleteToken(db: Kysely<Schema>, tokenId: number): Promise<void> {
    await db.deleteFrom('auth_tokens').where('id', '=', tokenId).execute();
  },

  async addMembership(db: Kysely<Schema>, userId: number, organisationId: number, role: OrganisationRole) {
    await db
      .insertInto('user_organisations')
      .values({ user_id: userId, organisation_id: organisationId, role })
      .onConflict((oc) => oc.columns(['user_id', 'organisation_id']).doNothing())
      .execute();
  },

  async allOrganisationIds(db: Kysely<Schema>): Promise<number[]> {
    const rows = await db.selectFrom('organisations').select('id').orderBy('id').execute();
    return rows.map((r) => r.id);
  },

  membership(db: Kysely<Schema>, userId: number, organisationId: number) {
    return db
      .selectFrom('user_organisations')
      .selectAll()
      .where('user_id', '=', userId)
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
  },

  async organisationIdsOf(db: Kysely<Schema>, userId: number): Promise<number[]> {
    const rows = await db
      .selectFrom('user_organisations')
      .select('organisation_id')
      .where('user_id', '=', userId)
      .orderBy('organisation_id')
      .execute();
    return rows.map((r) => r.organisation_id);
  },

  members(db: Kysely<Schema>, organisationId: number): Promise<MemberRow[]> {
    return db
      .selectFrom('user_organisations as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .selectAll('u')
      .select(['m.role', 'm.date_joined as membership_date_joined'])
      .where('m.organisation_id', '=', organisationId)
      .orderBy('u.id')
      .execute();
  },

  async setRole(db: Kysely<Schema>, userId: number, organisationId: number, role: OrganisationRole) {
    const result = await db
      .updateTable('user_organisations')
      .set({ role })
      .where('user_id', '=', userId)
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  async removeMemberships(db: Kysely<Schema>, organisationId: number, userIds: readonly number[]) {
    if (userIds.length === 0) return;
    await db
      .deleteFrom('user_organisations')
      .where('organisation_id', '=', organisationId)
      .where('user_id', 'in', userIds)
      .execute();
  },

  findInviteLink(db: Kysely<Schema>, hash: string) {
    return db.selectFrom('invite_links').selectAll().where('hash', '=', hash).executeTakeFirst();
  },

  listInviteLinks(db: Kysely<Schema>, organisationId: number) {
    return db
      .selectFrom('invite_links')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .orderBy('id')
      .execute();
  },

  insertInviteLink(
    db: Kysely<Schema>,
    row: { organisation_id: number; hash: string; role: OrganisationRole; expires_at: Date | null },
  ) {
    return db.insertInto('invite_links').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async deleteInviteLink(db: Kysely<Schema>, organisationId: number, id: number): Promise<boolean> {
    const result = await db
      .deleteFrom('invite_links')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },
};
