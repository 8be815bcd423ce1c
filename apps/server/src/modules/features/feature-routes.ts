import { Type } from 'typebox';
import { pageRequest, paginated } from '../../http/pagination.ts';
import type { HttpServer } from '../../http/server.ts';
import { ErrorResponses, IdParam, PageQuery, Paginated } from '../../http/wire.ts';
import type { RequireAuth } from '../auth/index.ts';
import {
  FeatureCreateBody,
  FeatureJson,
  FeaturePatchBody,
  featureJson,
  initialValueOf,
  MvOptionBody,
  MvOptionJson,
  mvOptionInput,
  mvOptionJson,
  mvOptionPatch,
} from './feature-schemas.ts';
import type { FeatureService } from './feature-service.ts';
import type { FeatureInput } from './feature-types.ts';
import type { MvOptionService } from './mv-option-service.ts';

type FeatureBodyWire = {
  name?: string;
  type?: 'STANDARD' | 'MULTIVARIATE';
  initial_value?: unknown;
  default_enabled?: boolean;
  description?: string | null;
  is_archived?: boolean;
  is_server_key_only?: boolean;
  tags?: number[];
  owners?: number[];
  multivariate_options?: Parameters<typeof mvOptionInput>[0][];
};

function featureInput(b: FeatureBodyWire): FeatureInput {
  const input: FeatureInput = {};
  if (b.name !== undefined) input.name = b.name;
  if (b.type !== undefined) input.type = b.type;
  const initial = initialValueOf(b.initial_value);
  if (initial !== undefined) input.initialValue = initial;
  if (b.default_enabled !== undefined) input.defaultEnabled = b.default_enabled;
  if (b.description !== undefined) input.description = b.description;
  if (b.is_archived !== undefined) input.isArchived = b.is_archived;
  if (b.is_server_key_only !== undefined) input.isServerKeyOnly = b.is_server_key_only;
  if (b.tags !== undefined) input.tags = b.tags;
  if (b.owners !== undefined) input.owners = b.owners;
  if (b.multivariate_options !== undefined)
    input.multivariateOptions = b.multivariate_options.map(mvOptionInput);
  return input;
}

const ListQuery = Type.Object({
  ...PageQuery,
  environment: Type.Optional(IdParam),
  search: Type.Optional(Type.String({ maxLength: 2000 })),
  tags: Type.Optional(Type.String({ description: 'comma-separated tag ids' })),
  tag_strategy: Type.Optional(Type.Union([Type.Literal('INTERSECTION'), Type.Literal('UNION')])),
  is_archived: Type.Optional(Type.Boolean()),
  type: Type.Optional(Type.Union([Type.Literal('STANDARD'), Type.Literal('MULTIVARIATE')])),
  is_enabled: Type.Optional(Type.Boolean()),
  value_search: Type.Optional(Type.String({ maxLength: 2000 })),
  sort_field: Type.Optional(Type.Union([Type.Literal('created_date'), Type.Literal('name')])),
  sort_direction: Type.Optional(Type.Union([Type.Literal('ASC'), Type.Literal('DESC')])),
});

const tags = ['features'];

/** Flagsmith's `projects/{id}/features/` with owners and multivariate options. */
export function registerFeatureRoutes(
  app: HttpServer,
  deps: { features: FeatureService; options: MvOptionService; requireAuth: RequireAuth },
) {
  const { features, options, requireAuth } = deps;
  const base = '/api/v1/projects/:projectId/features/';
  const params = Type.Object({ projectId: IdParam });
  const itemParams = Type.Object({ projectId: IdParam, featureId: IdParam });

  app.get(
    base,
    {
      schema: {
        tags,
        summary:
          "A project's features; with ?environment=<id> each carries its state there (environment_feature_state)",
        params,
        querystring: ListQuery,
        response: { 200: Paginated(FeatureJson), ...ErrorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = pageRequest(q);
      const tagIds = (q.tags ?? '')
        .split(',')
        .map((t) => Number(t.trim()))
        .filter((n) => Number.isInteger(n) && n > 0);
      const result = await features.list(await requireAuth(request), {
        projectId: request.params.projectId,
        ...(q.search ? { search: q.search } : {}),
        ...(q.is_archived !== undefined ? { isArchived: q.is_archived } : {}),
        ...(q.type ? { type: q.type } : {}),
        ...(tagIds.length > 0 ? { tagIds, tagStrategy: q.tag_strategy ?? 'INTERSECTION' } : {}),
        ...(q.environment !== undefined ? { environmentId: q.environment } : {}),
        ...(q.is_enabled !== undefined ? { isEnabled: q.is_enabled } : {}),
        ...(q.value_search ? { valueSearch: q.value_search } : {}),
        sortField: q.sort_field ?? 'created_date',
        sortDirection: q.sort_direction ?? 'ASC',
        offset: page.offset,
        limit: page.pageSize,
      });
      return paginated(
        request,
        page,
        result.count,
        result.features.map((f) =>
          featureJson(f, { state: result.states?.get(f.id), counts: result.counts?.get(f.id) }),
        ),
      );
    },
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create a feature (CREATE_FEATURE); every environment gets its default state',
        params,
        body: FeatureCreateBody,
        response: { 201: FeatureJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const feature = await features.create(await requireAuth(request), request.params.projectId, {
        ...featureInput(request.body),
        name: request.body.name,
      });
      return reply.status(201).send(featureJson(feature));
    },
  );

  app.get(
    `${base}:featureId/`,
    {
      schema: {
        tags,
        summary: 'One feature',
        params: itemParams,
        response: { 200: FeatureJson, ...ErrorResponses },
      },
    },
    async (request) =>
      featureJson(
        await features.get(await requireAuth(request), request.params.projectId, request.params.featureId),
      ),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${base}:featureId/`,
      {
        schema: {
          tags,
          summary: 'Change a feature (EDIT_FEATURE); multivariate options change through mv-options/',
          params: itemParams,
          body: method === 'put' ? FeatureCreateBody : FeaturePatchBody,
          response: { 200: FeatureJson, ...ErrorResponses },
        },
      },
      async (request) => {
        const { multivariate_options: _ignored, ...body } = request.body;
        return featureJson(
          await features.update(
            await requireAuth(request),
            request.params.projectId,
            request.params.featureId,
            featureInput(body),
          ),
        );
      },
    );
  }

  app.delete(
    `${base}:featureId/`,
    {
      schema: {
        tags,
        summary: 'Delete a feature and all its states (DELETE_FEATURE)',
        params: itemParams,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await features.delete(await requireAuth(request), request.params.projectId, request.params.featureId);
      return reply.status(204).send(null);
    },
  );

  for (const change of ['add', 'remove'] as const) {
    app.post(
      `${base}:featureId/${change}-owners/`,
      {
        schema: {
          tags,
          summary: `${change === 'add' ? 'Add' : 'Remove'} owners`,
          params: itemParams,
          body: Type.Object({ user_ids: Type.Array(IdParam, { maxItems: 100 }) }),
          response: { 200: FeatureJson, ...ErrorResponses },
        },
      },
      async (request) =>
        featureJson(
          await features.changeOwners(
            await requireAuth(request),
            request.params.projectId,
            request.params.featureId,
            request.body.user_ids,
            change,
          ),
        ),
    );
  }

  app.get(
    '/api/v1/features/get-by-uuid/:uuid/',
    {
      schema: {
        tags,
        summary: 'A feature by uuid',
        params: Type.Object({ uuid: Type.String({ format: 'uuid' }) }),
        response: { 200: FeatureJson, ...ErrorResponses },
      },
    },
    async (request) => featureJson(await features.getByUuid(await requireAuth(request), request.params.uuid)),
  );

  const mv = `${base}:featureId/mv-options/`;
  const mvParams = Type.Object({ projectId: IdParam, featureId: IdParam, optionId: IdParam });

  app.get(
    mv,
    {
      schema: {
        tags,
        summary: "A feature's multivariate options",
        params: itemParams,
        response: { 200: Type.Array(MvOptionJson), ...ErrorResponses },
      },
    },
    async (request) =>
      (
        await options.list(await requireAuth(request), request.params.projectId, request.params.featureId)
      ).map(mvOptionJson),
  );

  app.post(
    mv,
    {
      schema: {
        tags,
        summary: 'Add a multivariate option (EDIT_FEATURE)',
        params: itemParams,
        body: MvOptionBody,
        response: { 201: MvOptionJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const option = await options.create(
        await requireAuth(request),
        request.params.projectId,
        request.params.featureId,
        mvOptionInput(request.body),
      );
      return reply.status(201).send(mvOptionJson(option));
    },
  );

  app.get(
    `${mv}:optionId/`,
    {
      schema: {
        tags,
        summary: 'One multivariate option',
        params: mvParams,
        response: { 200: MvOptionJson, ...ErrorResponses },
      },
    },
    async (request) =>
      mvOptionJson(
        await options.get(
          await requireAuth(request),
          request.params.projectId,
          request.params.featureId,
          request.params.optionId,
        ),
      ),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${mv}:optionId/`,
      {
        schema: {
          tags,
          summary: 'Change a multivariate option',
          params: mvParams,
          body: MvOptionBody,
          response: { 200: MvOptionJson, ...ErrorResponses },
        },
      },
      async (request) =>
        mvOptionJson(
          await options.update(
            await requireAuth(request),
            request.params.projectId,
            request.params.featureId,
            request.params.optionId,
            mvOptionPatch(request.body),
          ),
        ),
    );
  }

  app.delete(
    `${mv}:optionId/`,
    {
      schema: {
        tags,
        summary: 'Delete a multivariate option',
        params: mvParams,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await options.delete(
        await requireAuth(request),
        request.params.projectId,
        request.params.featureId,
        request.params.optionId,
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/multivariate/options/get-by-uuid/:uuid/',
    {
      schema: {
        tags,
        summary: 'A multivariate option by uuid (used by the Terraform provider)',
        params: Type.Object({ uuid: Type.String({ format: 'uuid' }) }),
        response: { 200: MvOptionJson, ...ErrorResponses },
      },
    },
    async (request) => mvOptionJson(await options.getByUuid(await requireAuth(request), request.params.uuid)),
  );
}
