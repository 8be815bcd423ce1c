import { Type } from 'typebox';
import type { HttpServer } from '../../http/server.ts';
import { BigIdParam, ErrorResponses, FlagValue, IdParam, NullableString } from '../../http/wire.ts';
import type { RequireAuth } from '../auth/index.ts';
import { StateBody, StateJson, stateChange, stateJson } from './feature-schemas.ts';
import { fromStored } from './feature-values.ts';
import type { IdentityOverrideService } from './identity-override-service.ts';

const AllFlag = Type.Object({
  feature: Type.Object({ id: Type.Integer(), name: Type.String(), type: Type.String() }),
  enabled: Type.Boolean(),
  feature_state_value: FlagValue(),
  overridden_by: NullableString({ description: 'IDENTITY, SEGMENT or null (the environment default)' }),
  segment: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()]),
  feature_state_id: Type.Integer(),
});

const tags = ['identities'];

/** Identity overrides: `environments/{key}/identities/{id}/featurestates/` with `all/` and `clone-from-given-identity/`. */
export function registerIdentityOverrideRoutes(
  app: HttpServer,
  deps: { identityOverrides: IdentityOverrideService; requireAuth: RequireAuth },
) {
  const { identityOverrides: service, requireAuth } = deps;
  const base = '/api/v1/environments/:apiKey/identities/:identityId/featurestates/';
  const ApiKey = Type.String({ maxLength: 100 });
  const params = Type.Object({ apiKey: ApiKey, identityId: IdParam });
  const item = Type.Object({ apiKey: ApiKey, identityId: IdParam, stateId: BigIdParam });

  app.get(
    base,
    {
      schema: {
        tags,
        summary: "An identity's overrides",
        params,
        response: { 200: Type.Array(StateJson), ...ErrorResponses },
      },
    },
    async (request) =>
      (await service.list(await requireAuth(request), request.params.apiKey, request.params.identityId)).map(
        stateJson,
      ),
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Override a feature for this identity (MANAGE_IDENTITIES)',
        params,
        body: Type.Object({ ...StateBody.properties, feature: IdParam }),
        response: { 201: StateJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const state = await service.create(
        await requireAuth(request),
        request.params.apiKey,
        request.params.identityId,
        request.body.feature,
        stateChange(request.body),
      );
      return reply.status(201).send(stateJson(state));
    },
  );

  app.get(
    `${base}all/`,
    {
      schema: {
        tags,
        summary: 'Every flag as this identity gets it, and what decided it',
        params,
        response: { 200: Type.Array(AllFlag), ...ErrorResponses },
      },
    },
    async (request) =>
      (
        await service.allFlags(await requireAuth(request), request.params.apiKey, request.params.identityId)
      ).map((f) => ({
        feature: { id: f.feature.id, name: f.feature.name, type: f.feature.type },
        enabled: f.state.enabled,
        feature_state_value: fromStored(f.state),
        overridden_by: f.overriddenBy,
        segment: f.segment,
        feature_state_id: f.state.id,
      })),
  );

  app.post(
    `${base}clone-from-given-identity/`,
    {
      schema: {
        tags,
        summary: "Replace this identity's overrides with copies of another identity's",
        params,
        body: Type.Object({ source_identity_id: IdParam }),
        response: { 200: Type.Array(StateJson), ...ErrorResponses },
      },
    },
    async (request) =>
      (
        await service.cloneFrom(
          await requireAuth(request),
          request.params.apiKey,
          request.params.identityId,
          request.body.source_identity_id,
        )
      ).map(stateJson),
  );

  app.get(
    `${base}:stateId/`,
    {
      schema: {
        tags,
        summary: 'One identity override',
        params: item,
        response: { 200: StateJson, ...ErrorResponses },
      },
    },
    async (request) =>
      stateJson(
        await service.get(
          await requireAuth(request),
          request.params.apiKey,
          request.params.identityId,
          request.params.stateId,
        ),
      ),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${base}:stateId/`,
      {
        schema: {
          tags,
          summary: 'Change an identity override',
          params: item,
          body: StateBody,
          response: { 200: StateJson, ...ErrorResponses },
        },
      },
      async (request) =>
        stateJson(
          await service.update(
            await requireAuth(request),
            request.params.apiKey,
            request.params.identityId,
            request.params.stateId,
            stateChange(request.body),
          ),
        ),
    );
  }

  app.delete(
    `${base}:stateId/`,
    {
      schema: {
        tags,
        summary: 'Remove an identity override',
        params: item,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await service.delete(
        await requireAuth(request),
        request.params.apiKey,
        request.params.identityId,
        request.params.stateId,
      );
      return reply.status(204).send(null);
    },
  );
}
