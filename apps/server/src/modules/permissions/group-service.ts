import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { Schema } from '../../platform/db/schema.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import type { Access } from './access.ts';
import { type GroupMember, type GroupRow, groupStore } from './group-store.ts';

export interface Group extends GroupRow {
  users: GroupMember[];
}

export interface GroupInput {
  name?: string;
  isDefault?: boolean;
  externalId?: string | null;
  userIds?: readonly number[];
}

/** Flagsmith's user permission groups (`organisations/{id}/groups/`). Needs organisation admin or MANAGE_USER_GROUPS. */
export class GroupService {
  readonly #database: Database;
  readonly #access: Access;
  readonly #audit: AuditLog;

  constructor(deps: { database: Database; access: Access; audit: AuditLog }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#audit = deps.audit;
  }

  async list(principal: Principal, organisationId: number, offset: number, limit: number) {
    await this.#access.requireOrganisation(principal, organisationId, 'MANAGE_USER_GROUPS');
    const { count, rows } = await groupStore.list(this.#database.db, organisationId, offset, limit);
    return { count, groups: await this.#withMembers(this.#database.db, rows) };
  }

  async get(principal: Principal, organisationId: number, id: number): Promise<Group> {
    await this.#access.requireOrganisation(principal, organisationId, 'MANAGE_USER_GROUPS');
    return this.#load(this.#database.db, organisationId, id);
  }

  async create(
    principal: Principal,
    organisationId: number,
    input: GroupInput & { name: string },
  ): Promise<Group> {
    await this.#access.requireOrganisation(principal, organisationId, 'MANAGE_USER_GROUPS');
    return this.#database.db.transaction().execute(async (trx) => {
      const row = await groupStore.insert(trx, {
        organisation_id: organisationId,
        name: input.name,
        is_default: input.isDefault ?? false,
        external_id: input.externalId ?? null,
      });
      if (input.userIds)
        await groupStore.addMembers(trx, row.id, await this.#members(trx, organisationId, input.userIds));
      const group = await this.#load(trx, organisationId, row.id);
      await this.#record(trx, principal, organisationId, group, null, group, `Group created: ${group.name}`);
      return group;
    });
  }

  async update(principal: Principal, organisationId: number, id: number, input: GroupInput): Promise<Group> {
    await this.#access.requireOrganisation(principal, organisationId, 'MANAGE_USER_GROUPS');
    return this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#load(trx, organisationId, id);
      await groupStore.update(trx, id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.isDefault !== undefined ? { is_default: input.isDefault } : {}),
        ...(input.externalId !== undefined ? { external_id: input.externalId } : {}),
      });
      if (input.userIds) {
        const wanted = await this.#members(trx, organisationId, input.userIds);
        await groupStore.removeMembers(
          trx,
          id,
          before.users.map((u) => u.id).filter((u) => !wanted.includes(u)),
        );
        await groupStore.addMembers(trx, id, wanted);
      }
      const after = await this.#load(trx, organisationId, id);
      await this.#record(
        trx,
        principal,
        organisationId,
        after,
        before,
        after,
        `Group updated: ${after.name}`,
      );
      return after;
    });
  }

  async delete(principal: Principal, organisationId: number, id: number): Promise<void> {
    await this.#access.requireOrganisation(principal, organisationId, 'MANAGE_USER_GROUPS');
    await this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#load(trx, organisationId, id);
      await groupStore.delete(trx, id);
      await this.#record(
        trx,
        principal,
        organisationId,
        before,
        before,
        null,
        `Group deleted: ${before.name}`,
      );
    });
  }

  async changeMembers(
    principal: Principal,
    organisationId: number,
    id: number,
    userIds: readonly number[],
    change: 'add' | 'remove',
  ): Promise<Group> {
    await this.#access.requireOrganisation(principal, organisationId, 'MANAGE_USER_GROUPS');
    return this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#load(trx, organisationId, id);
      if (change === 'add')
        await groupStore.addMembers(trx, id, await this.#members(trx, organisationId, userIds));
      else await groupStore.removeMembers(trx, id, userIds);
      const after = await this.#load(trx, organisationId, id);
      await this.#record(
        trx,
        principal,
        organisationId,
        after,
        before,
        after,
        `Group members updated: ${after.name}`,
      );
      return after;
    });
  }

  async #members(db: Kysely<Schema>, organisationId: number, userIds: readonly number[]) {
    const ids = [...new Set(userIds)];
    const members = await groupStore.memberIdsOf(db, organisationId, ids);
    const strangers = ids.filter((u) => !members.includes(u));
    if (strangers.length > 0) {
      throw ValidationError.field(
        'user_ids',
        `Users ${strangers.join(', ')} are not members of this organisation.`,
      );
    }
    return ids;
  }

  async #load(db: Kysely<Schema>, organisationId: number, id: number): Promise<Group> {
    const row = await groupStore.get(db, organisationId, id);
    if (!row) throw new NotFoundError();
    const [group] = await this.#withMembers(db, [row]);
    if (!group) throw new NotFoundError();
    return group;
  }

  async #withMembers(db: Kysely<Schema>, rows: GroupRow[]): Promise<Group[]> {
    const members = await groupStore.members(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({ ...r, users: members.filter((m) => m.group_id === r.id) }));
  }

  #record(
    trx: Kysely<Schema>,
    principal: Principal,
    organisationId: number,
    group: Group,
    before: Group | null,
    after: Group | null,
    log: string,
  ) {
    const json = (g: Group | null) => g && { id: g.id, name: g.name, users: g.users.map((u) => u.id) };
    return this.#audit.record(trx, {
      principal,
      organisationId,
      relatedObjectType: 'GROUP',
      relatedObjectId: group.id,
      log,
      before: json(before),
      after: json(after),
    });
  }
}
