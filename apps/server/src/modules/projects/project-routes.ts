import { Type } from 'typebox';
import type { HttpServer } from '../../http/server.ts';
import { ErrorResponses, IdParam, iso, NullableInteger, NullableString } from '../../http/wire.ts';
import type { RequireAuth } from '../auth/index.ts';
import type { Limits } from '../limits/index.ts';
import type { ProjectService } from './project-service.ts';
import type { ProjectRow, ProjectSettings } from './project-store.ts';

export const ProjectJson = Type.Object({
  id: Type.Integer(),
  uuid: Type.String(),
  name: Type.String(),
  organisation: Type.Integer(),
  created_date: Type.String(),
  hide_disabled_flags: Type.Boolean(),
  enable_dynamo_db: Type.Boolean(),
  migration_status: Type.String(),
  use_edge_identities: Type.Boolean(),
  prevent_flag_defaults: Type.Boolean(),
  enable_realtime_updates: Type.Boolean(),
  only_allow_lower_case_feature_names: Type.Boolean(),
  feature_name_regex: NullableString(),
  show_edge_identity_overrides_for_feature: Type.Boolean(),
  stale_flags_limit_days: Type.Integer(),
  edge_v2_migration_status: Type.String(),
  minimum_change_request_approvals: NullableInteger(),
  max_features_allowed: Type.Integer(),
  max_segments_allowed: Type.Integer(),
  max_segment_overrides_allowed: Type.Integer(),
  total_features: Type.Integer(),
  total_segments: Type.Integer(),
});

const Settings = {
  hide_disabled_flags: Type.Optional(Type.Boolean()),
  prevent_flag_defaults: Type.Optional(Type.Boolean()),
  enable_realtime_updates: Type.Optional(Type.Boolean()),
  only_allow_lower_case_feature_names: Type.Optional(Type.Boolean()),
  feature_name_regex: Type.Optional(NullableString({ maxLength: 255 })),
  stale_flags_limit_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  minimum_change_request_approvals: Type.Optional(NullableInteger({ minimum: 0 })),
  // Accepted for Flagsmith clients that send them back; Vexil has no Edge/DynamoDB mode.
  enable_dynamo_db: Type.Optional(Type.Boolean()),
  organisation: Type.Optional(IdParam),
};
const Name = Type.String({ minLength: 1, maxLength: 2000 });
const CreateBody = Type.Object({ ...Settings, name: Name, organisation: IdParam });
const UpdateBody = Type.Object({ ...Settings, name: Type.Optional(Name) });

function settingsOf(b: Record<string, unknown>): ProjectSettings {
  const out: Record<string, unknown> = {};
  for (const key of [
    'name',
    'hide_disabled_flags',
    'prevent_flag_defaults',
    'enable_realtime_updates',
    'only_allow_lower_case_feature_names',
    'feature_name_regex',
    'stale_flags_limit_days',
    'minimum_change_request_approvals',
  ]) {
    if (b[key] !== undefined) out[key] = b[key];
  }
  return out as ProjectSettings;
}

const Usage = Type.Array(Type.Object({ name: Type.String(), limit: Type.Integer(), usage: Type.Integer() }));
const tags = ['projects'];

export function registerProjectRoutes(
  app: HttpServer,
  deps: { projects: ProjectService; limits: Limits; requireAuth: RequireAuth },
) {
  const { projects, limits, requireAuth } = deps;
  const toJson = (p: ProjectRow) => ({
    id: p.id,
    uuid: p.uuid,
    name: p.name,
    organisation: p.organisation_id,
    created_date: iso(p.created_date),
    hide_disabled_flags: p.hide_disabled_flags,
    enable_dynamo_db: false,
    migration_status: 'NOT_MIGRATED',
    use_edge_identities: false,
    prevent_flag_defaults: p.prevent_flag_defaults,
    enable_realtime_updates: p.enable_realtime_updates,
    only_allow_lower_case_feature_names: p.only_allow_lower_case_feature_names,
    feature_name_regex: p.feature_name_regex,
    show_edge_identity_overrides_for_feature: false,
    stale_flags_limit_days: p.stale_flags_limit_days,
    edge_v2_migration_status: 'NOT_STARTED',
    minimum_change_request_approvals: p.minimum_change_request_approvals,
    ...limits.effectiveProjectLimits(p),
    total_features: p.total_features,
    total_segments: p.total_segments,
  });
  const base = '/api/v1/projects/';
  const params = Type.Object({ projectId: IdParam });

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'Projects you can view (not paginated, like Flagsmith)',
        querystring: Type.Object({ organisation: Type.Optional(IdParam) }),
        response: { 200: Type.Array(ProjectJson), ...ErrorResponses },
      },
    },
    async (request) =>
      (await projects.list(await requireAuth(request), request.query.organisation)).map(toJson),
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create a project (organisation admin or CREATE_PROJECT)',
        body: CreateBody,
        response: { 201: ProjectJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const project = await projects.create(await requireAuth(request), request.body.organisation, {
        ...settingsOf(request.body),
        name: request.body.name,
      });
      return reply.status(201).send(toJson(project));
    },
  );

  app.get(
    `${base}get-by-uuid/:uuid/`,
    {
      schema: {
        tags,
        summary: 'A project by uuid',
        params: Type.Object({ uuid: Type.String({ format: 'uuid' }) }),
        response: { 200: ProjectJson, ...ErrorResponses },
      },
    },
    async (request) => toJson(await projects.getByUuid(await requireAuth(request), request.params.uuid)),
  );

  app.get(
    `${base}:projectId/`,
    { schema: { tags, summary: 'One project', params, response: { 200: ProjectJson, ...ErrorResponses } } },
    async (request) => toJson(await projects.get(await requireAuth(request), request.params.projectId)),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${base}:projectId/`,
      {
        schema: {
          tags,
          summary: 'Change a project (project admin)',
          params,
          body: method === 'put' ? CreateBody : UpdateBody,
          response: { 200: ProjectJson, ...ErrorResponses },
        },
      },
      async (request) =>
        toJson(
          await projects.update(
            await requireAuth(request),
            request.params.projectId,
            settingsOf(request.body),
          ),
        ),
    );
  }

  app.delete(
    `${base}:projectId/`,
    {
      schema: {
        tags,
        summary: 'Delete a project and everything in it (project admin)',
        params,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await projects.delete(await requireAuth(request), request.params.projectId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    `${base}:projectId/limits/`,
    {
      schema: {
        tags,
        summary: "Vexil: the project's limits and current usage",
        params,
        response: { 200: Usage, ...ErrorResponses },
      },
    },
    async (request) => {
      await projects.get(await requireAuth(request), request.params.projectId);
      return limits.projectUsage(projects.db, request.params.projectId);
    },
  );
}
