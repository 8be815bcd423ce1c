import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { OrganisationRole, Schema } from '../../platform/db/schema.ts';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../../platform/errors.ts';
import { randomToken } from '../../platform/secrets.ts';
import type { AuditLog } from '../audit/index.ts';
import { type MemberRow, type Principal, requireUser, userStore } from '../auth/index.ts';
import type { EnvironmentChanges } from '../environments/index.ts';
import type { Access } from '../permissions/index.ts';
import { type OrganisationRow, type OrganisationSettings, organisationStore } from './organisation-store.ts';

/** Settings that appear in environment documents (spec §2.1 `project.organisation`). */
const DOCUMENT_FIELDS = ['name', 'persist_trait_data', 'stop_serving_flags', 'feature_analytics'] as const;

/** Organisations, their members and invite links. */
export class OrganisationService {
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

  /** The organisations the principal belongs to, each with its role there. */
  async list(principal: Principal): Promise<{ organisation: OrganisationRow; role: OrganisationRole }[]> {
    const rows = await organisationStore.listByIds(
      this.#database.db,
      await this.#access.organisationIds(principal),
    );
    const out = [];
    for (const organisation of rows) {
      const access = await this.#access.organisation(principal, organisation.id);
      if (access) out.push({ organisation, role: access.role });
    }
    return out;
  }

  async get(principal: Principal, id: number) {
    const access = await this.#access.requireOrganisation(principal, id);
    const organisation = await organisationStore.get(this.#database.db, id);
    if (!organisation) throw new NotFoundError();
    return { organisation, role: access.role };
  }

  /** Any signed-in user may create an organisation and becomes its admin (master keys belong to one already). */
  async create(principal: Principal, settings: OrganisationSettings & { name: string }) {
    const { userId } = requireUser(principal);
    return this.#database.db.transaction().execute(async (trx) => {
      const organisation = await organisationStore.insert(trx, settings);
      await userStore.addMembership(trx, userId, organisation.id, 'ADMIN');
      await this.#record(
        trx,
        principal,
        organisation,
        null,
        organisation,
        `New Organisation created: ${organisation.name}`,
      );
      return { organisation, role: 'ADMIN' as OrganisationRole };
    });
  }

  async update(principal: Principal, id: number, settings: OrganisationSettings) {
    const access = await this.#access.requireOrganisation(principal, id, 'ADMIN');
    return this.#database.db.transaction().execute(async (trx) => {
      const before = await organisationStore.get(trx, id);
      if (!before) throw new NotFoundError();
      const organisation = await organisationStore.update(trx, id, settings);
      await this.#record(
        trx,
        principal,
        organisation,
        before,
        organisation,
        `Organisation updated: ${organisation.name}`,
      );
      if (DOCUMENT_FIELDS.some((f) => before[f] !== organisation[f])) {
        await this.#changes.environmentsChanged(
          trx,
          await organisationStore.environmentIds(trx, id),
          'organisation settings changed',
        );
      }
      return { organisation, role: access.role };
    });
  }

  async delete(principal: Principal, id: number): Promise<void> {
    await this.#access.requireOrganisation(principal, id, 'ADMIN');
    await this.#database.db.transaction().execute(async (trx) => {
      // Tell the document side first: the environments vanish with the organisation (their audit rows too).
      await this.#changes.environmentsChanged(
        trx,
        await organisationStore.environmentIds(trx, id),
        'organisation deleted',
      );
      await organisationStore.delete(trx, id);
    });
  }

  async members(principal: Principal, id: number): Promise<MemberRow[]> {
    await this.#access.requireOrganisation(principal, id);
    return userStore.members(this.#database.db, id);
  }

  async setRole(
    principal: Principal,
    id: number,
    userId: number,
    role: OrganisationRole,
  ): Promise<MemberRow> {
    await this.#access.requireOrganisation(principal, id, 'ADMIN');
    return this.#database.db.transaction().execute(async (trx) => {
      const before = await userStore.membership(trx, userId, id);
      if (!before) throw new NotFoundError();
      if (before.role === 'ADMIN' && role !== 'ADMIN') await this.#keepAnAdmin(trx, id, 1);
      await userStore.setRole(trx, userId, id, role);
      await this.#recordMember(trx, principal, id, userId, `User role changed to ${role}`, before.role, role);
      const member = (await userStore.members(trx, id)).find((m) => m.id === userId);
      if (!member) throw new NotFoundError();
      return member;
    });
  }

  async removeMembers(principal: Principal, id: number, userIds: readonly number[]): Promise<void> {
    await this.#access.requireOrganisation(principal, id, 'ADMIN');
    await this.#database.db.transaction().execute(async (trx) => {
      const members = await userStore.members(trx, id);
      const removing = members.filter((m) => userIds.includes(m.id));
      const admins = removing.filter((m) => m.role === 'ADMIN').length;
      if (admins > 0) await this.#keepAnAdmin(trx, id, admins);
      await userStore.removeMemberships(
        trx,
        id,
        removing.map((m) => m.id),
      );
      for (const m of removing)
        await this.#recordMember(trx, principal, id, m.id, 'User removed from organisation', m.role, null);
    });
  }

  async #keepAnAdmin(trx: Kysely<Schema>, organisationId: number, losing: number) {
    if ((await organisationStore.adminCount(trx, organisationId)) - losing < 1) {
      throw ValidationError.field(
        'role',
        'An organisation needs at least one admin (a user or an admin master API key).',
      );
    }
  }

  async inviteLinks(principal: Principal, id: number) {
    await this.#access.requireOrganisation(principal, id, 'ADMIN');
    return userStore.listInviteLinks(this.#database.db, id);
  }

  async createInviteLink(principal: Principal, id: number, role: OrganisationRole, expiresAt: Date | null) {
    await this.#access.requireOrganisation(principal, id, 'ADMIN');
    return this.#database.db.transaction().execute(async (trx) => {
      const link = await userStore.insertInviteLink(trx, {
        organisation_id: id,
        hash: randomToken(32),
        role,
        expires_at: expiresAt,
      });
      await this.#audit.record(trx, {
        principal,
        organisationId: id,
        relatedObjectType: 'USER',
        relatedObjectId: link.id,
        log: `Invite link created for role ${role}`,
        after: { id: link.id, role, expires_at: expiresAt },
      });
      return link;
    });
  }

  async deleteInviteLink(principal: Principal, id: number, linkId: number): Promise<void> {
    await this.#access.requireOrganisation(principal, id, 'ADMIN');
    await this.#database.db.transaction().execute(async (trx) => {
      if (!(await userStore.deleteInviteLink(trx, id, linkId))) throw new NotFoundError();
      await this.#audit.record(trx, {
        principal,
        organisationId: id,
        relatedObjectType: 'USER',
        relatedObjectId: linkId,
        log: 'Invite link deleted',
        before: { id: linkId },
      });
    });
  }

  /** Flagsmith `POST users/join/link/{hash}/`: the signed-in user joins the link's organisation with its role. */
  async joinByLink(principal: Principal, hash: string) {
    const { userId } = requireUser(principal);
    const organisationId = await this.#database.db.transaction().execute(async (trx) => {
      const link = await userStore.findInviteLink(trx, hash);
      if (!link || (link.expires_at && link.expires_at.getTime() <= Date.now())) {
        throw ValidationError.field('hash', 'Invite link is invalid or has expired.');
      }
      if (!(await userStore.membership(trx, userId, link.organisation_id))) {
        await userStore.addMembership(trx, userId, link.organisation_id, link.role);
        await this.#recordMember(
          trx,
          principal,
          link.organisation_id,
          userId,
          `User joined with role ${link.role}`,
          null,
          link.role,
        );
      }
      return link.organisation_id;
    });
    const organisation = await organisationStore.get(this.#database.db, organisationId);
    const access = await this.#access.organisation(principal, organisationId);
    if (!organisation || !access) throw new PermissionDeniedError();
    return { organisation, role: access.role };
  }

  #record(
    trx: Kysely<Schema>,
    principal: Principal,
    organisation: OrganisationRow,
    before: OrganisationRow | null,
    after: OrganisationRow | null,
    log: string,
  ) {
    return this.#audit.record(trx, {
      principal,
      organisationId: organisation.id,
      relatedObjectType: 'ORGANISATION',
      relatedObjectId: organisation.id,
      relatedObjectUuid: organisation.uuid,
      log,
      before,
      after,
    });
  }

  #recordMember(
    trx: Kysely<Schema>,
    principal: Principal,
    organisationId: number,
    userId: number,
    log: string,
    before: OrganisationRole | null,
    after: OrganisationRole | null,
  ) {
    return this.#audit.record(trx, {
      principal,
      organisationId,
      relatedObjectType: 'USER',
      relatedObjectId: userId,
      log,
      before: before === null ? null : { user: userId, role: before },
      after: after === null ? null : { user: userId, role: after },
    });
  }
}
