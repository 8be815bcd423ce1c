import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { pageRequest, paginated } from '../../http/pagination.ts';
import type { HttpServer } from '../../http/server.ts';
import { ErrorResponses, IdParam, iso, NullableString, PageQuery, Paginated } from '../../http/wire.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { Principal, RequireAuth } from '../auth/index.ts';
import type { AuditLog } from './audit-log.ts';
import type { AuditQuery, AuditRecord } from './audit-types.ts';

/** What the audit routes need to know about permissions; compose.ts implements it with the permissions module. */
export interface AuditReadAccess {
  /** Projects whose audit log the principal may read (VIEW_AUDIT_LOG or admin), optionally in one organisation. */
  auditableProjectIds(principal: Principal, organisationId?: number): Promise<number[]>;
  /** Throws 404 when the project is invisible, 403 without VIEW_AUDIT_LOG. */
  requireProjectAuditLog(principal: Principal, projectId: number): Promise<void>;
  requireOrganisationAdmin(principal: Principal, organisationId: number): Promise<void>;
  /** Resolves an environment by client API key and checks VIEW_AUDIT_LOG on its project. */
  requireEnvironmentAuditLog(
    principal: Principal,
    apiKey: string,
  ): Promise<{ environmentId: number; projectId: number }>;
}

const Author = Type.Union([
  Type.Object({
    id: Type.Integer(),
    email: Type.String(),
    first_name: Type.String(),
    last_name: Type.String(),
  }),
  Type.Null(),
]);
const Entry = {
  id: Type.Integer(),
  created_date: Type.String(),
  log: Type.String(),
  author: Author,
  master_api_key: Type.Union([
    Type.Object({ id: Type.Integer(), prefix: Type.String(), name: Type.String() }),
    Type.Null(),
  ]),
  environment: Type.Union([
    Type.Object({ id: Type.Integer(), name: Type.String(), api_key: Type.String() }),
    Type.Null(),
  ]),
  project: Type.Union([
    Type.Object({ id: Type.Integer(), name: Type.String(), organisation: Type.Integer() }),
    Type.Null(),
  ]),
  related_object_id: Type.Union([Type.Integer(), Type.Null()]),
  related_object_uuid: NullableString(),
  related_object_type: Type.String(),
  is_system_event: Type.Boolean(),
};
const AuditListItem = Type.Object(Entry);
const AuditDetail = Type.Object({
  ...Entry,
  change_type: Type.String({ description: 'CREATE, UPDATE or DELETE' }),
  before: Type.Unknown({ description: 'the object before the change (null on create)' }),
  after: Type.Unknown({ description: 'the object after the change (null on delete)' }),
  change_details: Type.Array(
    Type.Object({ field: Type.String(), old: Type.Unknown(), new: Type.Unknown() }),
    { description: 'top-level fields that differ between before and after' },
  ),
});

function toListJson(r: AuditRecord) {
  return {
    id: r.id,
    created_date: iso(r.createdDate),
    log: r.log,
    author: r.author
      ? {
          id: r.author.id,
          email: r.author.email,
          first_name: r.author.firstName,
          last_name: r.author.lastName,
        }
      : null,
    master_api_key: r.masterApiKey,
    environment: r.environment
      ? { id: r.environment.id, name: r.environment.name, api_key: r.environment.apiKey }
      : null,
    project: r.project
      ? { id: r.project.id, name: r.project.name, organisation: r.project.organisationId }
      : null,
    related_object_id: r.relatedObjectId,
    related_object_uuid: r.relatedObjectUuid,
    related_object_type: r.relatedObjectType,
    is_system_event: r.isSystemEvent,
  };
}

function changeDetails(before: unknown, after: unknown) {
  const b = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const a = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields
    .filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f]))
    .map((f) => ({ field: f, old: b[f] ?? null, new: a[f] ?? null }));
}

const ListQuery = Type.Object({
  ...PageQuery,
  search: Type.Optional(Type.String({ maxLength: 200 })),
  is_system_event: Type.Optional(Type.Boolean()),
  environments: Type.Optional(Type.String({ description: 'comma-separated environment ids' })),
  environment: Type.Optional(IdParam),
});

function ids(list: string | undefined, one: number | undefined): number[] | undefined {
  const out = (list ?? '')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  if (one !== undefined) out.push(one);
  return out.length > 0 ? out : undefined;
}

const tags = ['audit'];

/** Flagsmith's audit endpoints: `audit/`, `projects/{id}/audit/`, `organisations/{id}/audit/`, plus environment scope. */
export function registerAuditRoutes(
  app: HttpServer,
  deps: { audit: AuditLog; access: AuditReadAccess; requireAuth: RequireAuth },
) {
  const { audit, access, requireAuth } = deps;

  async function list(
    request: FastifyRequest,
    q: {
      page?: number;
      page_size?: number;
      search?: string;
      is_system_event?: boolean;
      environments?: string;
      environment?: number;
    },
    scope: Pick<AuditQuery, 'organisationId' | 'projectIds' | 'environmentIds'>,
  ) {
    const page = pageRequest(q);
    const environmentIds = scope.environmentIds ?? ids(q.environments, q.environment);
    const { count, records } = await audit.list({
      ...scope,
      ...(environmentIds ? { environmentIds } : {}),
      ...(q.search ? { search: q.search } : {}),
      ...(q.is_system_event !== undefined ? { isSystemEvent: q.is_system_event } : {}),
      offset: page.offset,
      limit: page.pageSize,
    });
    return paginated(request, page, count, records.map(toListJson));
  }

  app.get(
    '/api/v1/audit/',
    {
      schema: {
        tags,
        summary: 'Audit log entries of the projects you may read the audit log of, newest first',
        querystring: Type.Object({ ...ListQuery.properties, project: Type.Optional(IdParam) }),
        response: { 200: Paginated(AuditListItem), ...ErrorResponses },
      },
    },
    async (request) => {
      const principal = await requireAuth(request);
      const q = request.query;
      let projectIds: number[];
      if (q.project !== undefined) {
        await access.requireProjectAuditLog(principal, q.project);
        projectIds = [q.project];
      } else projectIds = await access.auditableProjectIds(principal);
      return list(request, q, { projectIds });
    },
  );

  app.get(
    '/api/v1/audit/:id/',
    {
      schema: {
        tags,
        summary: 'One audit log entry with the object before and after the change',
        params: Type.Object({ id: IdParam }),
        response: { 200: AuditDetail, ...ErrorResponses },
      },
    },
    async (request) => {
      const principal = await requireAuth(request);
      const record = await audit.get(request.params.id);
      if (!record) throw new NotFoundError();
      // A live project's entries need its VIEW_AUDIT_LOG; organisation-level ones (or a deleted project's) need admin.
      if (record.project) await access.requireProjectAuditLog(principal, record.project.id);
      else await access.requireOrganisationAdmin(principal, record.organisationId);
      return {
        ...toListJson(record),
        change_type: record.before === null ? 'CREATE' : record.after === null ? 'DELETE' : 'UPDATE',
        before: record.before,
        after: record.after,
        change_details: changeDetails(record.before, record.after),
      };
    },
  );

  app.get(
    '/api/v1/projects/:projectId/audit/',
    {
      schema: {
        tags,
        summary: "A project's audit log (needs VIEW_AUDIT_LOG)",
        params: Type.Object({ projectId: IdParam }),
        querystring: ListQuery,
        response: { 200: Paginated(AuditListItem), ...ErrorResponses },
      },
    },
    async (request) => {
      const principal = await requireAuth(request);
      await access.requireProjectAuditLog(principal, request.params.projectId);
      return list(request, request.query, { projectIds: [request.params.projectId] });
    },
  );

  app.get(
    '/api/v1/organisations/:organisationId/audit/',
    {
      schema: {
        tags,
        summary: "An organisation's whole audit log (organisation admins)",
        params: Type.Object({ organisationId: IdParam }),
        querystring: ListQuery,
        response: { 200: Paginated(AuditListItem), ...ErrorResponses },
      },
    },
    async (request) => {
      const principal = await requireAuth(request);
      await access.requireOrganisationAdmin(principal, request.params.organisationId);
      return list(request, request.query, { organisationId: request.params.organisationId });
    },
  );

  app.get(
    '/api/v1/environments/:apiKey/audit/',
    {
      schema: {
        tags,
        summary: "An environment's audit log (Vexil; needs VIEW_AUDIT_LOG on its project)",
        params: Type.Object({ apiKey: Type.String({ maxLength: 100 }) }),
        querystring: ListQuery,
        response: { 200: Paginated(AuditListItem), ...ErrorResponses },
      },
    },
    async (request) => {
      const principal = await requireAuth(request);
      const env = await access.requireEnvironmentAuditLog(principal, request.params.apiKey);
      return list(request, request.query, {
        projectIds: [env.projectId],
        environmentIds: [env.environmentId],
      });
    },
  );
}
