import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { Schema, TagsTable } from '../../platform/db/schema.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { AuditLog } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import type { Access } from '../permissions/index.ts';

export type Tag = Selectable<TagsTable>;
export type TagInput = Partial<Pick<Tag, 'label' | 'color' | 'description' | 'is_permanent' | 'type'>>;

const tagStore = {
  list: (db: Kysely<Schema>, projectId: number) =>
    db.selectFrom('tags').selectAll().where('project_id', '=', projectId).orderBy('id').execute(),
  get: (db: Kysely<Schema>, projectId: number, id: number) =>
    db
      .selectFrom('tags')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .executeTakeFirst(),
  getByUuid: (db: Kysely<Schema>, uuid: string) =>
    db.selectFrom('tags').selectAll().where('uuid', '=', uuid).executeTakeFirst(),
  insert: (db: Kysely<Schema>, row: TagInput & { project_id: number; label: string }) =>
    db.insertInto('tags').values(row).returningAll().executeTakeFirstOrThrow(),
  update: (db: Kysely<Schema>, id: number, row: TagInput) =>
    Object.keys(row).length === 0
      ? db.selectFrom('tags').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
      : db.updateTable('tags').set(row).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
  delete: async (db: Kysely<Schema>, id: number) => {
    await db.deleteFrom('tags').where('id', '=', id).execute();
  },
};

/**
 * Flagsmith's project tags. Tags label features for people; they are not in environment documents, so tag
 * changes never make an environment stale.
 */
export class TagService {
  readonly #database: Database;
  readonly #access: Access;
  readonly #audit: AuditLog;

  constructor(deps: { database: Database; access: Access; audit: AuditLog }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#audit = deps.audit;
  }

  async list(principal: Principal, projectId: number): Promise<Tag[]> {
    await this.#access.requireProject(principal, projectId);
    return tagStore.list(this.#database.db, projectId);
  }

  async get(principal: Principal, projectId: number, id: number): Promise<Tag> {
    await this.#access.requireProject(principal, projectId);
    const tag = await tagStore.get(this.#database.db, projectId, id);
    if (!tag) throw new NotFoundError();
    return tag;
  }

  async getByUuid(principal: Principal, uuid: string): Promise<Tag> {
    const tag = await tagStore.getByUuid(this.#database.db, uuid);
    if (!tag) throw new NotFoundError();
    await this.#access.requireProject(principal, tag.project_id);
    return tag;
  }

  async create(principal: Principal, projectId: number, input: TagInput & { label: string }): Promise<Tag> {
    const access = await this.#access.requireProject(principal, projectId, 'MANAGE_TAGS');
    return this.#database.db.transaction().execute(async (trx) => {
      const tag = await tagStore.insert(trx, { ...input, project_id: projectId });
      await this.#recorded(
        trx,
        principal,
        access.organisationId,
        tag,
        null,
        tag,
        `Tag created: ${tag.label}`,
      );
      return tag;
    });
  }

  async update(principal: Principal, projectId: number, id: number, input: TagInput): Promise<Tag> {
    const access = await this.#access.requireProject(principal, projectId, 'MANAGE_TAGS');
    return this.#database.db.transaction().execute(async (trx) => {
      const before = await tagStore.get(trx, projectId, id);
      if (!before) throw new NotFoundError();
      if (before.is_system_tag)
        throw ValidationError.field('non_field_errors', 'System tags cannot be changed.');
      const tag = await tagStore.update(trx, id, input);
      await this.#recorded(
        trx,
        principal,
        access.organisationId,
        tag,
        before,
        tag,
        `Tag updated: ${tag.label}`,
      );
      return tag;
    });
  }

  async delete(principal: Principal, projectId: number, id: number): Promise<void> {
    const access = await this.#access.requireProject(principal, projectId, 'MANAGE_TAGS');
    await this.#database.db.transaction().execute(async (trx) => {
      const before = await tagStore.get(trx, projectId, id);
      if (!before) throw new NotFoundError();
      await tagStore.delete(trx, id);
      await this.#recorded(
        trx,
        principal,
        access.organisationId,
        before,
        before,
        null,
        `Tag deleted: ${before.label}`,
      );
    });
  }

  #recorded(
    trx: Kysely<Schema>,
    principal: Principal,
    organisationId: number,
    tag: Tag,
    before: Tag | null,
    after: Tag | null,
    log: string,
  ) {
    return this.#audit.record(trx, {
      principal,
      organisationId,
      projectId: tag.project_id,
      relatedObjectType: 'TAG',
      relatedObjectId: tag.id,
      relatedObjectUuid: tag.uuid,
      log,
      before,
      after,
    });
  }
}
