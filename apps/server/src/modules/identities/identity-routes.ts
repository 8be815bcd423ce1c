import { Type } from 'typebox';
import { pageRequest, paginated } from '../../http/pagination.ts';
import type { HttpServer } from '../../http/server.ts';
import { ErrorResponses, IdParam, iso, NullableString, PageQuery, Paginated } from '../../http/wire.ts';
import type { RequireAuth } from '../auth/index.ts';
import type { IdentityService } from './identity-service.ts';
import type { IdentityRow, TraitRow } from './identity-store.ts';
import { type TraitValue, traitValue } from './trait-values.ts';

const IdentityJson = Type.Object({
  id: Type.Integer(),
  identifier: Type.String(),
  identity_uuid: Type.String(),
  environment: Type.Integer(),
  created_date: Type.String(),
  dashboard_alias: NullableString(),
});
const identityJson = (i: IdentityRow) => ({
  id: i.id,
  identifier: i.identifier,
  identity_uuid: i.uuid,
  environment: i.environment_id,
  created_date: iso(i.created_date),
  dashboard_alias: i.dashboard_alias,
});

const Value = Type.Unsafe<TraitValue>({ type: ['string', 'number', 'boolean', 'null'] });
const TraitJson = Type.Object({
  id: Type.Integer(),
  identity: Type.Integer(),
  trait_key: Type.String(),
  trait_value: Value,
  value_type: Type.String(),
  created_date: Type.String(),
});
const traitJson = (t: TraitRow) => ({
  id: t.id,
  identity: t.identity_id,
  trait_key: t.trait_key,
  trait_value: traitValue(t),
  value_type: t.value_type,
  created_date: iso(t.created_date),
});
const TraitBody = Type.Object({
  trait_key: Type.String({ minLength: 1, maxLength: 200 }),
  trait_value: Value,
});

const tags = ['identities'];
const ApiKey = Type.String({ maxLength: 100 });

/** `environments/{key}/identities/` with traits, `trait-keys/` and `delete-traits/`. */
export function registerIdentityRoutes(
  app: HttpServer,
  deps: { identities: IdentityService; requireAuth: RequireAuth },
) {
  const { identities, requireAuth } = deps;
  const base = '/api/v1/environments/:apiKey/identities/';
  const params = Type.Object({ apiKey: ApiKey });
  const item = Type.Object({ apiKey: ApiKey, identityId: IdParam });
  const traitItem = Type.Object({ apiKey: ApiKey, identityId: IdParam, traitId: IdParam });

  app.get(
    base,
    {
      schema: {
        tags,
        summary: "Search an environment's identities (?q= matches part of the identifier)",
        params,
        querystring: Type.Object({ ...PageQuery, q: Type.Optional(Type.String({ maxLength: 2000 })) }),
        response: { 200: Paginated(IdentityJson), ...ErrorResponses },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const { count, rows } = await identities.list(
        await requireAuth(request),
        request.params.apiKey,
        request.query.q,
        page.offset,
        page.pageSize,
      );
      return paginated(request, page, count, rows.map(identityJson));
    },
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create an identity (MANAGE_IDENTITIES)',
        params,
        body: Type.Object({
          identifier: Type.String({ minLength: 1, maxLength: 2000 }),
          dashboard_alias: Type.Optional(NullableString({ maxLength: 100 })),
        }),
        response: { 201: IdentityJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const identity = await identities.create(
        await requireAuth(request),
        request.params.apiKey,
        request.body.identifier,
        request.body.dashboard_alias ?? null,
      );
      return reply.status(201).send(identityJson(identity));
    },
  );

  app.get(
    `${base}:identityId/`,
    {
      schema: {
        tags,
        summary: 'One identity',
        params: item,
        response: { 200: IdentityJson, ...ErrorResponses },
      },
    },
    async (request) =>
      identityJson(
        await identities.get(await requireAuth(request), request.params.apiKey, request.params.identityId),
      ),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${base}:identityId/`,
      {
        schema: {
          tags,
          summary: "Change an identity's dashboard alias (the identifier is fixed)",
          params: item,
          body: Type.Object({ dashboard_alias: NullableString({ maxLength: 100 }) }),
          response: { 200: IdentityJson, ...ErrorResponses },
        },
      },
      async (request) =>
        identityJson(
          await identities.update(
            await requireAuth(request),
            request.params.apiKey,
            request.params.identityId,
            request.body.dashboard_alias,
          ),
        ),
    );
  }

  app.delete(
    `${base}:identityId/`,
    {
      schema: {
        tags,
        summary: 'Delete an identity with its traits and overrides',
        params: item,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await identities.delete(await requireAuth(request), request.params.apiKey, request.params.identityId);
      return reply.status(204).send(null);
    },
  );

  const traits = `${base}:identityId/traits/`;
  app.get(
    traits,
    {
      schema: {
        tags,
        summary: "An identity's traits",
        params: item,
        response: { 200: Type.Array(TraitJson), ...ErrorResponses },
      },
    },
    async (request) =>
      (
        await identities.traits(await requireAuth(request), request.params.apiKey, request.params.identityId)
      ).map(traitJson),
  );
  app.post(
    traits,
    {
      schema: {
        tags,
        summary: 'Set a trait',
        params: item,
        body: TraitBody,
        response: { 201: TraitJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const trait = await identities.setTrait(
        await requireAuth(request),
        request.params.apiKey,
        request.params.identityId,
        request.body.trait_key,
        request.body.trait_value,
      );
      return reply.status(201).send(traitJson(trait));
    },
  );
  app.get(
    `${traits}:traitId/`,
    {
      schema: {
        tags,
        summary: 'One trait',
        params: traitItem,
        response: { 200: TraitJson, ...ErrorResponses },
      },
    },
    async (request) =>
      traitJson(
        await identities.trait(
          await requireAuth(request),
          request.params.apiKey,
          request.params.identityId,
          request.params.traitId,
        ),
      ),
  );
  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${traits}:traitId/`,
      {
        schema: {
          tags,
          summary: 'Change a trait',
          params: traitItem,
          body: method === 'put' ? TraitBody : Type.Partial(TraitBody),
          response: { 200: TraitJson, ...ErrorResponses },
        },
      },
      async (request) =>
        traitJson(
          await identities.updateTrait(
            await requireAuth(request),
            request.params.apiKey,
            request.params.identityId,
            request.params.traitId,
            {
              ...(request.body.trait_key !== undefined ? { key: request.body.trait_key } : {}),
              ...(request.body.trait_value !== undefined ? { value: request.body.trait_value } : {}),
            },
          ),
        ),
    );
  }
  app.delete(
    `${traits}:traitId/`,
    {
      schema: {
        tags,
        summary: 'Delete a trait',
        params: traitItem,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await identities.deleteTrait(
        await requireAuth(request),
        request.params.apiKey,
        request.params.identityId,
        request.params.traitId,
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/environments/:apiKey/trait-keys/',
    {
      schema: {
        tags,
        summary: 'Every trait key used in the environment',
        params,
        response: { 200: Type.Object({ keys: Type.Array(Type.String()) }), ...ErrorResponses },
      },
    },
    async (request) => ({
      keys: await identities.traitKeys(await requireAuth(request), request.params.apiKey),
    }),
  );
  app.post(
    '/api/v1/environments/:apiKey/delete-traits/',
    {
      schema: {
        tags,
        summary: 'Delete a trait key from every identity of the environment',
        params,
        body: Type.Object({ key: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await identities.deleteTraitKey(await requireAuth(request), request.params.apiKey, request.body.key);
      return reply.status(200).send(null);
    },
  );
}
