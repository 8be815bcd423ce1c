import { Type } from 'typebox';
import { pageRequest, paginateList } from '../../http/pagination.ts';
import type { HttpServer } from '../../http/server.ts';
import {
  ErrorResponses,
  IdParam,
  iso,
  isoOrNull,
  NullableString,
  PageQuery,
  Paginated,
} from '../../http/wire.ts';
import type { MasterApiKeyRow, RequireAuth } from '../auth/index.ts';
import type { MasterApiKeyService } from './master-api-key-service.ts';

const KeyFields = {
  id: Type.Integer(),
  prefix: Type.String(),
  created: Type.String(),
  name: Type.String(),
  revoked: Type.Boolean(),
  expiry_date: NullableString(),
  is_admin: Type.Boolean(),
  has_expired: Type.Boolean(),
};
const KeyJson = Type.Object(KeyFields);
const CreatedKeyJson = Type.Object({
  ...KeyFields,
  key: Type.String({ description: 'shown once; keep it safe' }),
});

function keyJson(k: MasterApiKeyRow) {
  return {
    id: k.id,
    prefix: k.prefix,
    created: iso(k.created),
    name: k.name,
    revoked: k.revoked,
    expiry_date: isoOrNull(k.expiry_date),
    is_admin: k.is_admin,
    has_expired: k.expiry_date !== null && k.expiry_date.getTime() <= Date.now(),
  };
}

const Body = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  expiry_date: Type.Optional(NullableString()),
  revoked: Type.Optional(Type.Boolean()),
  is_admin: Type.Optional(Type.Boolean()),
});
const tags = ['master-api-keys'];

/** Flagsmith's organisation master API keys, looked up by prefix; DELETE revokes. */
export function registerMasterApiKeyRoutes(
  app: HttpServer,
  deps: { keys: MasterApiKeyService; requireAuth: RequireAuth },
) {
  const { keys, requireAuth } = deps;
  const base = '/api/v1/organisations/:organisationId/master-api-keys/';
  const params = Type.Object({ organisationId: IdParam });
  const itemParams = Type.Object({ organisationId: IdParam, prefix: Type.String({ maxLength: 100 }) });
  const date = (v: string | null | undefined) =>
    v === undefined ? undefined : v === null ? null : new Date(v);

  app.get(
    base,
    {
      schema: {
        tags,
        summary: "The organisation's master API keys (admins)",
        params,
        querystring: Type.Object(PageQuery),
        response: { 200: Paginated(KeyJson), ...ErrorResponses },
      },
    },
    async (request) =>
      paginateList(
        request,
        pageRequest(request.query),
        (await keys.list(await requireAuth(request), request.params.organisationId)).map(keyJson),
      ),
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create a master API key; the response carries the key once',
        params,
        body: Body,
        response: { 201: CreatedKeyJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const { row, key } = await keys.create(await requireAuth(request), request.params.organisationId, {
        name: request.body.name,
        expiryDate: date(request.body.expiry_date) ?? null,
        isAdmin: request.body.is_admin ?? true,
      });
      return reply.status(201).send({ ...keyJson(row), key });
    },
  );

  app.get(
    `${base}:prefix/`,
    {
      schema: {
        tags,
        summary: 'One master API key',
        params: itemParams,
        response: { 200: KeyJson, ...ErrorResponses },
      },
    },
    async (request) =>
      keyJson(
        await keys.get(await requireAuth(request), request.params.organisationId, request.params.prefix),
      ),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${base}:prefix/`,
      {
        schema: {
          tags,
          summary: 'Rename, re-date or revoke a master API key',
          params: itemParams,
          body: method === 'put' ? Body : Type.Partial(Body),
          response: { 200: KeyJson, ...ErrorResponses },
        },
      },
      async (request) => {
        const b = request.body;
        const expiry = date(b.expiry_date);
        return keyJson(
          await keys.update(
            await requireAuth(request),
            request.params.organisationId,
            request.params.prefix,
            {
              ...(b.name !== undefined ? { name: b.name } : {}),
              ...(expiry !== undefined ? { expiryDate: expiry } : {}),
              ...(b.revoked !== undefined ? { revoked: b.revoked } : {}),
              ...(b.is_admin !== undefined ? { isAdmin: b.is_admin } : {}),
            },
          ),
        );
      },
    );
  }

  app.delete(
    `${base}:prefix/`,
    {
      schema: {
        tags,
        summary: 'Revoke a master API key',
        params: itemParams,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await keys.revoke(await requireAuth(request), request.params.organisationId, request.params.prefix);
      return reply.status(204).send(null);
    },
  );
}
