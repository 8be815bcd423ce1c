import { type Kysely, sql } from 'kysely';
import type { Schema } from '../../platform/db/schema.ts';
import type { AuditEntry, AuditQuery, AuditRecord } from './audit-types.ts';

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

function baseQuery(db: Kysely<Schema>) {
  return db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.author_id')
    .leftJoin('master_api_keys as k', 'k.id', 'a.master_api_key_id')
    .leftJoin('projects as p', 'p.id', 'a.project_id')
    .leftJoin('environments as e', 'e.id', 'a.environment_id');
}

function applyFilters(q: ReturnType<typeof baseQuery>, query: Omit<AuditQuery, 'offset' | 'limit'>) {
  let out = q;
  if (query.organisationId !== undefined) out = out.where('a.organisation_id', '=', query.organisationId);
  if (query.projectIds !== undefined) {
    out =
      query.projectIds.length === 0
        ? out.where(sql<boolean>`false`)
        : out.where('a.project_id', 'in', query.projectIds);
  }
  if (query.environmentIds !== undefined && query.environmentIds.length > 0) {
    out = out.where('a.environment_id', 'in', query.environmentIds);
  }
  if (query.search)
    out = out.where('a.log', 'ilike', `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (query.isSystemEvent !== undefined) out = out.where('a.is_system_event', '=', query.isSystemEvent);
  return out;
}

/** SQL for the audit log. Only AuditLog (audit-log.ts) writes; anyone may read through the service. */
export const auditStore = {
  async insert(db: Kysely<Schema>, entry: AuditEntry): Promise<number> {
    const p = entry.principal;
    const { id } = await db
      .insertInto('audit_log')
      .values({
        organisation_id: entry.organisationId,
        project_id: entry.projectId ?? null,
        environment_id: entry.environmentId ?? null,
        author_id: p?.kind === 'user' ? p.userId : null,
        master_api_key_id: p?.kind === 'master-api-key' ? p.keyId : null,
        log: entry.log,
        related_object_type: entry.relatedObjectType,
        related_object_id: entry.relatedObjectId ?? null,
        related_object_uuid: entry.relatedObjectUuid ?? null,
        is_system_event: p === null,
        before: json(entry.before),
        after: json(entry.after),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  },

  async list(db: Kysely<Schema>, query: AuditQuery): Promise<{ count: number; records: AuditRecord[] }> {
    const counted = await applyFilters(baseQuery(db), query)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await applyFilters(baseQuery(db), query)
      .select(COLUMNS)
      .orderBy('a.id', 'desc')
      .offset(query.offset)
      .limit(query.limit)
      .execute();
    return { count: Number(counted.n), records: rows.map(toRecord) };
  },

  async get(db: Kysely<Schema>, id: number): Promise<AuditRecord | undefined> {
    const row = await baseQuery(db).select(COLUMNS).where('a.id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  },
};

const COLUMNS = [
  'a.id',
  'a.created_date',
  'a.log',
  'a.organisation_id',
  'a.project_id',
  'a.environment_id',
  'a.related_object_type',
  'a.related_object_id',
  'a.related_object_uuid',
  'a.is_system_event',
  'a.before',
  'a.after',
  'u.id as author_id',
  'u.email as author_email',
  'u.first_name as author_first_name',
  'u.last_name as author_last_name',
  'k.id as key_id',
  'k.prefix as key_prefix',
  'k.name as key_name',
  'p.id as p_id',
  'p.name as p_name',
  'p.organisation_id as p_organisation_id',
  'e.id as e_id',
  'e.name as e_name',
  'e.api_key as e_api_key',
] as const;

interface Row {
  id: number;
  created_date: Date;
  log: string;
  organisation_id: number;
  project_id: number | null;
  environment_id: number | null;
  related_object_type: string;
  related_object_id: number | null;
  related_object_uuid: string | null;
  is_system_event: boolean;
  before: unknown;
  after: unknown;
  author_id: number | null;
  author_email: string | null;
  author_first_name: string | null;
  author_last_name: string | null;
  key_id: number | null;
  key_prefix: string | null;
  key_name: string | null;
  p_id: number | null;
  p_name: string | null;
  p_organisation_id: number | null;
  e_id: number | null;
  e_name: string | null;
  e_api_key: string | null;
}

function toRecord(r: Row): AuditRecord {
  return {
    id: r.id,
    createdDate: r.created_date,
    log: r.log,
    organisationId: r.organisation_id,
    author:
      r.author_id !== null
        ? {
            id: r.author_id,
            email: r.author_email ?? '',
            firstName: r.author_first_name ?? '',
            lastName: r.author_last_name ?? '',
          }
        : null,
    masterApiKey:
      r.key_id !== null ? { id: r.key_id, prefix: r.key_prefix ?? '', name: r.key_name ?? '' } : null,
    project:
      r.p_id !== null ? { id: r.p_id, name: r.p_name ?? '', organisationId: r.p_organisation_id ?? 0 } : null,
    projectId: r.project_id,
    environment: r.e_id !== null ? { id: r.e_id, name: r.e_name ?? '', apiKey: r.e_api_key ?? '' } : null,
    environmentId: r.environment_id,
    relatedObjectType: r.related_object_type,
    relatedObjectId: r.related_object_id,
    relatedObjectUuid: r.related_object_uuid,
    isSystemEvent: r.is_system_event,
    before: r.before ?? null,
    after: r.after ?? null,
  };
}
