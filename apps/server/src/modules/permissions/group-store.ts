import type { Kysely, Selectable } from 'kysely';
import type { Schema, UserGroupsTable } from '../../platform/db/schema.ts';

export type GroupRow = Selectable<UserGroupsTable>;
export interface GroupMember {
  group_id: number;
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  group_admin: boolean;
}

export const groupStore = {
  async list(db: Kysely<Schema>, organisationId: number, offset: number, limit: number) {
    const count = await db
      .selectFrom('user_groups')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organisation_id', '=', organisationId)
      .executeTakeFirstOrThrow();
    const rows = await db
      .selectFrom('user_groups')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .orderBy('id')
      .offset(offset)
      .limit(limit)
      .execute();
    return { count: Number(count.n), rows };
  },

  get(db: Kysely<Schema>, organisationId: number, id: number) {
    return db
      .selectFrom('user_groups')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  insert(
    db: Kysely<Schema>,
    row: { organisation_id: number; name: string; is_default: boolean; external_id: string | null },
  ) {
    return db.insertInto('user_groups').values(row).returningAll().executeTakeFirstOrThrow();
  },

  update(
    db: Kysely<Schema>,
    id: number,
    patch: Partial<Pick<GroupRow, 'name' | 'is_default' | 'external_id'>>,
  ) {
    if (Object.keys(patch).length === 0) {
      return db.selectFrom('user_groups').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    }
    return db
      .updateTable('user_groups')
      .set(patch)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  async delete(db: Kysely<Schema>, id: number) {
    await db.deleteFrom('user_groups').where('id', '=', id).execute();
  },

  members(db: Kysely<Schema>, groupIds: readonly number[]): Promise<GroupMember[]> {
    if (groupIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('user_group_members as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.group_id', 'u.id', 'u.email', 'u.first_name', 'u.last_name', 'm.group_admin'])
      .where('m.group_id', 'in', groupIds)
      .orderBy('u.id')
      .execute();
  },

  async addMembers(db: Kysely<Schema>, groupId: number, userIds: readonly number[]) {
    if (userIds.length === 0) return;
    await db
      .insertInto('user_group_members')
      .values(userIds.map((user_id) => ({ group_id: groupId, user_id })))
      .onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing())
      .execute();
  },

  async removeMembers(db: Kysely<Schema>, groupId: number, userIds: readonly number[]) {
    if (userIds.length === 0) return;
    await db
      .deleteFrom('user_group_members')
      .where('group_id', '=', groupId)
      .where('user_id', 'in', userIds)
      .execute();
  },

  async memberIdsOf(
    db: Kysely<Schema>,
    organisationId: number,
    userIds: readonly number[],
  ): Promise<number[]> {
    if (userIds.length === 0) return [];
    const rows = await db
      .selectFrom('user_organisations')
      .select('user_id')
      .where('organisation_id', '=', organisationId)
      .where('user_id', 'in', userIds)
      .execute();
    return rows.map((r) => r.user_id);
  },
};
