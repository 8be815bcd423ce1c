import { Type } from 'typebox';
import { pageRequest, paginated, paginateList } from '../../http/pagination.ts';
import type { HttpServer } from '../../http/server.ts';
import { BigIdParam, ErrorResponses, IdParam, PageQuery, Paginated } from '../../http/wire.ts';
import type { RequireAuth } from '../auth/index.ts';
import {
  StateBody,
  StateJson,
  StateObjectJson,
  stateChange,
  stateJson,
  stateObjectJson,
} from './feature-schemas.ts';
import type { FeatureStateService } from './feature-state-service.ts';

const tags = ['feature-states'];
const ApiKey = Type.String({ maxLength: 100 });

/**
 * `environments/{key}/featurestates/` (environment defaults, plain values) and `features/featurestates/` (any
 * state by id, values as Flagsmith's nested object; the Terraform provider's path).
 */
export function registerFeatureStateRoutes(
  app: HttpServer,
  deps: { states: FeatureStateService; requireAuth: RequireAuth },
) {
  const { states, requireAuth } = deps;
  const env = '/api/v1/environments/:apiKey/featurestates/';
  const envItem = Type.Object({ apiKey: ApiKey, stateId: BigIdParam });

  app.get(
    env,
    {
      schema: {
        tags,
        summary: "An environment's default feature states (?feature=<id>, ?feature_name=<name>)",
        params: Type.Object({ apiKey: ApiKey }),
        querystring: Type.Object({
          ...PageQuery,
          feature: Type.Optional(IdParam),
          feature_name: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: { 200: Paginated(StateJson), ...ErrorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await states.environmentDefaults(await requireAuth(request), request.params.apiKey, {
        ...(q.feature !== undefined ? { featureId: q.feature } : {}),
        ...(q.feature_name !== undefined ? { featureName: q.feature_name } : {}),
      });
      return paginateList(request, pageRequest(q), rows.map(stateJson));
    },
  );

  app.get(
    `${env}:stateId/`,
    {
      schema: {
        tags,
        summary: 'One feature state of this environment',
        params: envItem,
        response: { 200: StateJson, ...ErrorResponses },
      },
    },
    async (request) =>
      stateJson(await states.get(await requireAuth(request), request.params.stateId, request.params.apiKey)),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${env}:stateId/`,
      {
        schema: {
          tags,
          summary: 'Change enabled / value / multivariate allocations (UPDATE_FEATURE_STATE)',
          params: envItem,
          body: StateBody,
          response: { 200: StateJson, ...ErrorResponses },
        },
      },
      async (request) =>
        stateJson(
          await states.update(
            await requireAuth(request),
            request.params.stateId,
            stateChange(request.body),
            request.params.apiKey,
          ),
        ),
    );
  }

  app.delete(
    `${env}:stateId/`,
    {
      schema: {
        tags,
        summary: 'Delete an override state of this environment',
        params: envItem,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await states.delete(await requireAuth(request), request.params.stateId, request.params.apiKey);
      return reply.status(204).send(null);
    },
  );

  const any = '/api/v1/features/featurestates/';
  const anyItem = Type.Object({ stateId: BigIdParam });

  app.get(
    any,
    {
      schema: {
        tags,
        summary: 'Feature states of an environment, every kind (?environment=<id> required)',
        querystring: Type.Object({
          ...PageQuery,
          environment: IdParam,
          feature: Type.Optional(IdParam),
          identity: Type.Optional(IdParam),
          feature_segment: Type.Optional(IdParam),
        }),
        response: { 200: Paginated(StateObjectJson), ...ErrorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = pageRequest(q);
      const result = await states.listInEnvironment(
        await requireAuth(request),
        q.environment,
        {
          ...(q.feature !== undefined ? { featureId: q.feature } : {}),
          ...(q.identity !== undefined ? { identityId: q.identity } : {}),
          ...(q.feature_segment !== undefined ? { featureSegmentId: q.feature_segment } : {}),
        },
        page.offset,
        page.pageSize,
      );
      return paginated(request, page, result.count, result.states.map(stateObjectJson));
    },
  );

  app.post(
    any,
    {
      schema: {
        tags,
        summary:
          'Set the value of a segment override slot (feature_segment) or create an identity override (identity)',
        body: Type.Object({
          ...StateBody.properties,
          feature: IdParam,
          environment: IdParam,
          feature_segment: Type.Optional(Type.Union([IdParam, Type.Null()])),
          identity: Type.Optional(Type.Union([IdParam, Type.Null()])),
        }),
        response: { 201: StateObjectJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const state = await states.create(
        await requireAuth(request),
        {
          environmentId: b.environment,
          featureId: b.feature,
          featureSegmentId: b.feature_segment ?? null,
          identityId: b.identity ?? null,
        },
        stateChange(b),
      );
      return reply.status(201).send(stateObjectJson(state));
    },
  );

  app.get(
    `${any}get-by-uuid/:uuid/`,
    {
      schema: {
        tags,
        summary: 'A feature state by uuid',
        params: Type.Object({ uuid: Type.String({ format: 'uuid' }) }),
        response: { 200: StateObjectJson, ...ErrorResponses },
      },
    },
    async (request) =>
      stateObjectJson(await states.getByUuid(await requireAuth(request), request.params.uuid)),
  );

  app.get(
    `${any}:stateId/`,
    {
      schema: {
        tags,
        summary: 'A feature state by id',
        params: anyItem,
        response: { 200: StateObjectJson, ...ErrorResponses },
      },
    },
    async (request) => stateObjectJson(await states.get(await requireAuth(request), request.params.stateId)),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${any}:stateId/`,
      {
        schema: {
          tags,
          summary:
            'Change a feature state (permission by kind: default, segment override, identity override)',
          params: anyItem,
          body: StateBody,
          response: { 200: StateObjectJson, ...ErrorResponses },
        },
      },
      async (request) =>
        stateObjectJson(
          await states.update(await requireAuth(request), request.params.stateId, stateChange(request.body)),
        ),
    );
  }

  app.delete(
    `${any}:stateId/`,
    {
      schema: {
        tags,
        summary: 'Delete an override (a segment override removes its feature segment too)',
        params: anyItem,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await states.delete(await requireAuth(request), request.params.stateId);
      return reply.status(204).send(null);
    },
  );
}
