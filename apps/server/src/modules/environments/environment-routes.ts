import { Type } from 'typebox';
import { pageRequest, paginateList } from '../../http/pagination.ts';
import type { HttpServer } from '../../http/server.ts';
import {
  ErrorResponses,
  IdParam,
  iso,
  isoOrNull,
  NullableBoolean,
  NullableInteger,
  NullableString,
  PageQuery,
  Paginated,
} from '../../http/wire.ts';
import type { RequireAuth } from '../auth/index.ts';
import type { Limits } from '../limits/index.ts';
import type { EnvironmentResolver } from './environment-resolver.ts';
import type { EnvironmentService } from './environment-service.ts';
import type { EnvironmentRow, EnvironmentSettings, ServerKeyRow } from './environment-store.ts';

export const EnvironmentJson = Type.Object({
  id: Type.Integer(),
  uuid: Type.String(),
  name: Type.String(),
  api_key: Type.String(),
  description: NullableString(),
  project: Type.Integer(),
  minimum_change_request_approvals: NullableInteger(),
  allow_client_traits: Type.Boolean(),
  banner_text: NullableString(),
  banner_colour: NullableString(),
  hide_disabled_flags: NullableBoolean({ description: "null: the project's setting applies" }),
  use_mv_v2_evaluation: Type.Boolean({ description: 'alias of use_identity_composite_key_for_hashing' }),
  use_identity_composite_key_for_hashing: Type.Boolean(),
  hide_sensitive_data: Type.Boolean(),
  use_v2_feature_versioning: Type.Boolean(),
  use_identity_overrides_in_local_eval: Type.Boolean(),
  is_creating: Type.Boolean(),
  created_date: Type.String(),
  updated_at: Type.String({ description: 'Vexil: when what the environment serves last changed' }),
  metadata: Type.Array(Type.Unknown()),
});

export function toEnvironmentJson(e: EnvironmentRow) {
  return {
    id: e.id,
    uuid: e.uuid,
    name: e.name,
    api_key: e.api_key,
    description: e.description,
    project: e.project_id,
    minimum_change_request_approvals: e.minimum_change_request_approvals,
    allow_client_traits: e.allow_client_traits,
    banner_text: e.banner_text,
    banner_colour: e.banner_colour,
    hide_disabled_flags: e.hide_disabled_flags,
    use_mv_v2_evaluation: e.use_identity_composite_key_for_hashing,
    use_identity_composite_key_for_hashing: e.use_identity_composite_key_for_hashing,
    hide_sensitive_data: e.hide_sensitive_data,
    use_v2_feature_versioning: false,
    use_identity_overrides_in_local_eval: e.use_identity_overrides_in_local_eval,
    is_creating: false,
    created_date: iso(e.created_date),
    updated_at: iso(e.updated_at),
    metadata: [],
  };
}

const Settings = {
  description: Type.Optional(NullableString({ maxLength: 20_000 })),
  allow_client_traits: Type.Optional(Type.Boolean()),
  banner_text: Type.Optional(NullableString({ maxLength: 255 })),
  banner_colour: Type.Optional(NullableString({ maxLength: 30 })),
  hide_disabled_flags: Type.Optional(NullableBoolean()),
  use_mv_v2_evaluation: Type.Optional(Type.Boolean()),
  use_identity_composite_key_for_hashing: Type.Optional(Type.Boolean()),
  hide_sensitive_data: Type.Optional(Type.Boolean()),
  use_identity_overrides_in_local_eval: Type.Optional(Type.Boolean()),
  minimum_change_request_approvals: Type.Optional(NullableInteger({ minimum: 0 })),
  project: Type.Optional(IdParam),
};
const Name = Type.String({ minLength: 1, maxLength: 2000 });
const CreateBody = Type.Object({ ...Settings, name: Name, project: IdParam });
const UpdateBody = Type.Object({ ...Settings, name: Type.Optional(Name) });

function settingsOf(b: Record<string, unknown>): EnvironmentSettings {
  const out: Record<string, unknown> = {};
  for (const key of [
    'name',
    'description',
    'allow_client_traits',
    'banner_text',
    'banner_colour',
    'hide_disabled_flags',
    'use_identity_composite_key_for_hashing',
    'hide_sensitive_data',
    'use_identity_overrides_in_local_eval',
    'minimum_change_request_approvals',
  ]) {
    if (b[key] !== undefined) out[key] = b[key];
  }
  if (b.use_mv_v2_evaluation !== undefined && b.use_identity_composite_key_for_hashing === undefined) {
    out.use_identity_composite_key_for_hashing = b.use_mv_v2_evaluation;
  }
  return out as EnvironmentSettings;
}

const ServerKeyJson = Type.Object({
  id: Type.Integer(),
  key: Type.String(),
  active: Type.Boolean(),
  created_at: Type.String(),
  name: Type.String(),
  expires_at: NullableString(),
});
const keyJson = (k: ServerKeyRow) => ({
  id: k.id,
  key: k.key,
  active: k.active,
  created_at: iso(k.created_at),
  name: k.name,
  expires_at: isoOrNull(k.expires_at),
});
const ServerKeyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  expires_at: Type.Optional(NullableString()),
  active: Type.Optional(Type.Boolean()),
});

const Usage = Type.Array(Type.Object({ name: Type.String(), limit: Type.Integer(), usage: Type.Integer() }));
const tags = ['environments'];
const ApiKey = Type.String({ maxLength: 100 });

export function registerEnvironmentRoutes(
  app: HttpServer,
  deps: {
    environments: EnvironmentService;
    resolver: EnvironmentResolver;
    limits: Limits;
    requireAuth: RequireAuth;
  },
) {
  const { environments, resolver, limits, requireAuth } = deps;
  const base = '/api/v1/environments/';
  const params = Type.Object({ apiKey: ApiKey });
  const date = (v: string | null | undefined) =>
    v === undefined ? undefined : v === null ? null : new Date(v);

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'Environments you can view, of one project (`?project=`) or all',
        querystring: Type.Object({ ...PageQuery, project: Type.Optional(IdParam) }),
        response: { 200: Paginated(EnvironmentJson), ...ErrorResponses },
      },
    },
    async (request) => {
      const rows = await environments.list(await requireAuth(request), request.query.project);
      return paginateList(request, pageRequest(request.query), rows.map(toEnvironmentJson));
    },
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create an environment (CREATE_ENVIRONMENT)',
        body: CreateBody,
        response: { 201: EnvironmentJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const env = await environments.create(await requireAuth(request), request.body.project, {
        ...settingsOf(request.body),
        name: request.body.name,
      });
      return reply.status(201).send(toEnvironmentJson(env));
    },
  );

  app.get(
    `${base}get-by-uuid/:uuid/`,
    {
      schema: {
        tags,
        summary: 'An environment by uuid',
        params: Type.Object({ uuid: Type.String({ format: 'uuid' }) }),
        response: { 200: EnvironmentJson, ...ErrorResponses },
      },
    },
    async (request) =>
      toEnvironmentJson(await environments.getByUuid(await requireAuth(request), request.params.uuid)),
  );

  app.get(
    `${base}:apiKey/`,
    {
      schema: {
        tags,
        summary: 'An environment by its client API key',
        params,
        response: { 200: EnvironmentJson, ...ErrorResponses },
      },
    },
    async (request) =>
      toEnvironmentJson(await environments.get(await requireAuth(request), request.params.apiKey)),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${base}:apiKey/`,
      {
        schema: {
          tags,
          summary: 'Change an environment (environment admin)',
          params,
          body: method === 'put' ? CreateBody : UpdateBody,
          response: { 200: EnvironmentJson, ...ErrorResponses },
        },
      },
      async (request) =>
        toEnvironmentJson(
          await environments.update(
            await requireAuth(request),
            request.params.apiKey,
            settingsOf(request.body),
          ),
        ),
    );
  }

  app.delete(
    `${base}:apiKey/`,
    {
      schema: {
        tags,
        summary: 'Delete an environment (environment admin)',
        params,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await environments.delete(await requireAuth(request), request.params.apiKey);
      return reply.status(204).send(null);
    },
  );

  app.post(
    `${base}:apiKey/clone/`,
    {
      schema: {
        tags,
        summary: 'Clone an environment: settings, feature states and segment overrides (not identities)',
        params,
        body: Type.Object({ name: Name, description: Type.Optional(NullableString({ maxLength: 20_000 })) }),
        response: { 200: EnvironmentJson, ...ErrorResponses },
      },
    },
    async (request) =>
      toEnvironmentJson(
        await environments.clone(await requireAuth(request), request.params.apiKey, {
          name: request.body.name,
          ...(request.body.description !== undefined ? { description: request.body.description } : {}),
        }),
      ),
  );

  app.get(
    `${base}:apiKey/limits/`,
    {
      schema: {
        tags,
        summary: "Vexil: the environment's limits and current usage",
        params,
        response: { 200: Usage, ...ErrorResponses },
      },
    },
    async (request) => {
      const { environment } = await resolver.byKey(await requireAuth(request), request.params.apiKey);
      return limits.environmentUsage(deps.environments.db, environment.id);
    },
  );

  const keys = `${base}:apiKey/api-keys/`;
  const keyParams = Type.Object({ apiKey: ApiKey, id: IdParam });

  app.get(
    keys,
    {
      schema: {
        tags,
        summary: 'Server-side keys (environment admin)',
        params,
        response: { 200: Type.Array(ServerKeyJson), ...ErrorResponses },
      },
    },
    async (request) =>
      (await environments.serverKeys(await requireAuth(request), request.params.apiKey)).map(keyJson),
  );

  app.post(
    keys,
    {
      schema: {
        tags,
        summary: 'Create a server-side key (`ser.…`)',
        params,
        body: ServerKeyBody,
        response: { 201: ServerKeyJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const row = await environments.createServerKey(await requireAuth(request), request.params.apiKey, {
        name: request.body.name,
        expiresAt: date(request.body.expires_at) ?? null,
        active: request.body.active ?? true,
      });
      return reply.status(201).send(keyJson(row));
    },
  );

  app.get(
    `${keys}:id/`,
    {
      schema: {
        tags,
        summary: 'One server-side key',
        params: keyParams,
        response: { 200: ServerKeyJson, ...ErrorResponses },
      },
    },
    async (request) =>
      keyJson(
        await environments.serverKey(await requireAuth(request), request.params.apiKey, request.params.id),
      ),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${keys}:id/`,
      {
        schema: {
          tags,
          summary: 'Rename, re-date or (de)activate a server-side key',
          params: keyParams,
          body: method === 'put' ? ServerKeyBody : Type.Partial(ServerKeyBody),
          response: { 200: ServerKeyJson, ...ErrorResponses },
        },
      },
      async (request) => {
        const b = request.body;
        const expiresAt = date(b.expires_at);
        return keyJson(
          await environments.updateServerKey(
            await requireAuth(request),
            request.params.apiKey,
            request.params.id,
            {
              ...(b.name !== undefined ? { name: b.name } : {}),
              ...(expiresAt !== undefined ? { expiresAt } : {}),
              ...(b.active !== undefined ? { active: b.active } : {}),
            },
          ),
        );
      },
    );
  }

  app.delete(
    `${keys}:id/`,
    {
      schema: {
        tags,
        summary: 'Delete a server-side key',
        params: keyParams,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await environments.deleteServerKey(
        await requireAuth(request),
        request.params.apiKey,
        request.params.id,
      );
      return reply.status(204).send(null);
    },
  );
}
