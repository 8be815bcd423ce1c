import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { Schema } from '../../platform/db/schema.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { type AuditLog, AuditMessages } from '../audit/index.ts';
import type { Principal } from '../auth/index.ts';
import type { EnvironmentChanges } from '../environments/index.ts';
import type { Limits } from '../limits/index.ts';
import type { Access } from '../permissions/index.ts';
import { type SegmentQuery, segmentStore } from './segment-store.ts';
import type { Segment, SegmentInput } from './segment-types.ts';

/**
 * Segments of a project. A change to any segment makes every environment of the project stale: the environment
 * document lists the project's segments (spec §2.1).
 */
export class SegmentService {
  readonly #database: Database;
  readonly #access: Access;
  readonly #audit: AuditLog;
  readonly #changes: EnvironmentChanges;
  readonly #limits: Limits;

  constructor(deps: {
    database: Database;
    access: Access;
    audit: AuditLog;
    changes: EnvironmentChanges;
    limits: Limits;
  }) {
    this.#database = deps.database;
    this.#access = deps.access;
    this.#audit = deps.audit;
    this.#changes = deps.changes;
    this.#limits = deps.limits;
  }

  async list(principal: Principal, query: SegmentQuery) {
    await this.#access.requireProject(principal, query.projectId);
    return segmentStore.list(this.#database.db, query);
  }

  async get(principal: Principal, projectId: number, id: number): Promise<Segment> {
    await this.#access.requireProject(principal, projectId);
    const segment = await segmentStore.get(this.#database.db, id);
    if (!segment || segment.projectId !== projectId) throw new NotFoundError();
    return segment;
  }

  async getByUuid(principal: Principal, uuid: string): Promise<Segment> {
    const segment = await segmentStore.getByUuid(this.#database.db, uuid);
    if (!segment) throw new NotFoundError();
    await this.#access.requireProject(principal, segment.projectId);
    return segment;
  }

  async create(
    principal: Principal,
    projectId: number,
    input: SegmentInput & { name: string },
  ): Promise<Segment> {
    const access = await this.#access.requireProject(principal, projectId, 'MANAGE_SEGMENTS');
    const rules = input.rules ?? [];
    this.#limits.assertSegmentShape(rules);
    return this.#database.db.transaction().execute(async (trx) => {
      await this.#checkFeature(trx, projectId, input.featureId ?? null);
      await this.#limits.assertSegments(trx, projectId);
      const id = await segmentStore.insert(trx, {
        project_id: projectId,
        feature_id: input.featureId ?? null,
        name: input.name,
        description: input.description ?? null,
      });
      await segmentStore.replaceRules(trx, id, rules);
      const segment = await this.#load(trx, id);
      await this.#recorded(
        trx,
        principal,
        access.organisationId,
        segment,
        null,
        segment,
        AuditMessages.segmentCreated(segment.name),
      );
      return segment;
    });
  }

  async update(principal: Principal, projectId: number, id: number, input: SegmentInput): Promise<Segment> {
    const access = await this.#access.requireProject(principal, projectId, 'MANAGE_SEGMENTS');
    if (input.rules) this.#limits.assertSegmentShape(input.rules);
    return this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#load(trx, id);
      if (before.projectId !== projectId) throw new NotFoundError();
      if (input.featureId !== undefined) await this.#checkFeature(trx, projectId, input.featureId);
      await segmentStore.update(trx, id, {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.featureId !== undefined ? { feature_id: input.featureId } : {}),
      });
      if (input.rules) await segmentStore.replaceRules(trx, id, input.rules);
      const segment = await this.#load(trx, id);
      await this.#recorded(
        trx,
        principal,
        access.organisationId,
        segment,
        before,
        segment,
        AuditMessages.segmentUpdated(segment.name),
      );
      return segment;
    });
  }

  async delete(principal: Principal, projectId: number, id: number): Promise<void> {
    const access = await this.#access.requireProject(principal, projectId, 'MANAGE_SEGMENTS');
    await this.#database.db.transaction().execute(async (trx) => {
      const before = await this.#load(trx, id);
      if (before.projectId !== projectId) throw new NotFoundError();
      // Its overrides go with it (ON DELETE CASCADE), in every environment.
      await segmentStore.delete(trx, id);
      await this.#recorded(
        trx,
        principal,
        access.organisationId,
        before,
        before,
        null,
        AuditMessages.segmentDeleted(before.name),
      );
    });
  }

  async #checkFeature(trx: Kysely<Schema>, projectId: number, featureId: number | null) {
    if (featureId === null) return;
    const feature = await trx
      .selectFrom('features')
      .select('project_id')
      .where('id', '=', featureId)
      .executeTakeFirst();
    if (feature?.project_id !== projectId) {
      throw ValidationError.field('feature', `Invalid pk "${featureId}" - object does not exist.`);
    }
  }

  async #load(db: Kysely<Schema>, id: number): Promise<Segment> {
    const segment = await segmentStore.get(db, id);
    if (!segment) throw new NotFoundError();
    return segment;
  }

  async #recorded(
    trx: Kysely<Schema>,
    principal: Principal,
    organisationId: number,
    segment: Segment,
    before: Segment | null,
    after: Segment | null,
    log: string,
  ) {
    await this.#audit.record(trx, {
      principal,
      organisationId,
      projectId: segment.projectId,
      relatedObjectType: 'SEGMENT',
      relatedObjectId: segment.id,
      relatedObjectUuid: segment.uuid,
      log,
      before,
      after,
    });
    const envIds = await this.#changes.projectChanged(
      trx,
      segment.projectId,
      after ? 'segment changed' : 'segment deleted',
    );
    if (after) await this.#limits.assertDocumentSize(trx, envIds);
  }
}
