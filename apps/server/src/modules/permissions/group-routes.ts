import { Type } from 'typebox';
import { pageRequest, paginated } from '../../http/pagination.ts';
import type { HttpServer } from '../../http/server.ts';
import { ErrorResponses, IdParam, NullableString, PageQuery, Paginated } from '../../http/wire.ts';
import type { RequireAuth } from '../auth/index.ts';
import type { Group, GroupService } from './group-service.ts';

const GroupJson = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  users: Type.Array(
    Type.Object({
      id: Type.Integer(),
      email: Type.String(),
      first_name: Type.String(),
      last_name: Type.String(),
      group_admin: Type.Boolean(),
    }),
  ),
  is_default: Type.Boolean(),
  external_id: NullableString(),
});

function toJson(g: Group) {
  return {
    id: g.id,
    name: g.name,
    users: g.users.map((u) => ({
      id: u.id,
      email: u.email,
      first_name: u.first_name,
      last_name: u.last_name,
      group_admin: u.group_admin,
    })),
    is_default: g.is_default,
    external_id: g.external_id,
  };
}

const GroupBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  is_default: Type.Optional(Type.Boolean()),
  external_id: Type.Optional(NullableString({ maxLength: 255 })),
  users: Type.Optional(Type.Array(IdParam, { description: 'user ids; replaces the members' })),
});
const GroupPatch = Type.Partial(GroupBody);
const tags = ['groups'];

/** Flagsmith's `organisations/{id}/groups/` with `add-users/` and `remove-users/`. */
export function registerGroupRoutes(
  app: HttpServer,
  deps: { groups: GroupService; requireAuth: RequireAuth },
) {
  const { groups, requireAuth } = deps;
  const base = '/api/v1/organisations/:organisationId/groups/';
  const orgParams = Type.Object({ organisationId: IdParam });
  const itemParams = Type.Object({ organisationId: IdParam, id: IdParam });

  app.get(
    base,
    {
      schema: {
        tags,
        summary: "The organisation's groups",
        params: orgParams,
        querystring: Type.Object(PageQuery),
        response: { 200: Paginated(GroupJson), ...ErrorResponses },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const { count, groups: list } = await groups.list(
        await requireAuth(request),
        request.params.organisationId,
        page.offset,
        page.pageSize,
      );
      return paginated(request, page, count, list.map(toJson));
    },
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create a group',
        params: orgParams,
        body: GroupBody,
        response: { 201: GroupJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const group = await groups.create(await requireAuth(request), request.params.organisationId, {
        name: b.name,
        ...(b.is_default !== undefined ? { isDefault: b.is_default } : {}),
        ...(b.external_id !== undefined ? { externalId: b.external_id } : {}),
        ...(b.users ? { userIds: b.users } : {}),
      });
      return reply.status(201).send(toJson(group));
    },
  );

  app.get(
    `${base}:id/`,
    {
      schema: {
        tags,
        summary: 'One group',
        params: itemParams,
        response: { 200: GroupJson, ...ErrorResponses },
      },
    },
    async (request) =>
      toJson(await groups.get(await requireAuth(request), request.params.organisationId, request.params.id)),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${base}:id/`,
      {
        schema: {
          tags,
          summary: 'Change a group',
          params: itemParams,
          body: method === 'put' ? GroupBody : GroupPatch,
          response: { 200: GroupJson, ...ErrorResponses },
        },
      },
      async (request) => {
        const b = request.body;
        const group = await groups.update(
          await requireAuth(request),
          request.params.organisationId,
          request.params.id,
          {
            ...(b.name !== undefined ? { name: b.name } : {}),
            ...(b.is_default !== undefined ? { isDefault: b.is_default } : {}),
            ...(b.external_id !== undefined ? { externalId: b.external_id } : {}),
            ...(b.users ? { userIds: b.users } : {}),
          },
        );
        return toJson(group);
      },
    );
  }

  app.delete(
    `${base}:id/`,
    {
      schema: {
        tags,
        summary: 'Delete a group',
        params: itemParams,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await groups.delete(await requireAuth(request), request.params.organisationId, request.params.id);
      return reply.status(204).send(null);
    },
  );

  for (const change of ['add', 'remove'] as const) {
    app.post(
      `${base}:id/${change}-users/`,
      {
        schema: {
          tags,
          summary: `${change === 'add' ? 'Add' : 'Remove'} members`,
          params: itemParams,
          body: Type.Object({ user_ids: Type.Array(IdParam, { maxItems: 1000 }) }),
          response: { 200: GroupJson, ...ErrorResponses },
        },
      },
      async (request) =>
        toJson(
          await groups.changeMembers(
            await requireAuth(request),
            request.params.organisationId,
            request.params.id,
            request.body.user_ids,
            change,
          ),
        ),
    );
  }
}
