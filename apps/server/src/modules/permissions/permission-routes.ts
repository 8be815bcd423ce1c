import { type TSchema, Type } from 'typebox';
import type { HttpServer } from '../../http/server.ts';
import { ErrorResponses, IdParam, isoOrNull, NullableString } from '../../http/wire.ts';
import type { Principal, RequireAuth } from '../auth/index.ts';
import type { GrantRow, GrantSubject } from './grant-store.ts';
import { PERMISSIONS_BY_SCOPE, type PermissionScope } from './permission-keys.ts';
import type { PermissionService } from './permission-service.ts';

// Path parameter names match the other modules' routes on the same paths (the router shares the segment).
const SCOPES: { scope: PermissionScope; base: string; name: string; schema: TSchema }[] = [
  {
    scope: 'organisation',
    base: '/api/v1/organisations/:organisationId',
    name: 'organisationId',
    schema: IdParam,
  },
  { scope: 'project', base: '/api/v1/projects/:projectId', name: 'projectId', schema: IdParam },
  {
    scope: 'environment',
    base: '/api/v1/environments/:apiKey',
    name: 'apiKey',
    schema: Type.String({ maxLength: 100 }),
  },
];

const UserRef = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  last_login: NullableString(),
  uuid: Type.String(),
});
const GroupRef = Type.Object({ id: Type.Integer(), name: Type.String() });

const grantItem = (subject: GrantSubject, nested: boolean) =>
  Type.Object({
    id: Type.Integer(),
    [subject]: nested ? (subject === 'user' ? UserRef : GroupRef) : Type.Integer(),
    permissions: Type.Array(Type.String()),
    admin: Type.Boolean(),
  });

const MyPermissions = Type.Object({ permissions: Type.Array(Type.String()), admin: Type.Boolean() });
const tags = ['permissions'];

/**
 * Flagsmith's permission endpoints: the catalogue per scope, `my-permissions/`, and `user-permissions/` and
 * `user-group-permissions/` under organisations, projects and environments.
 */
export function registerPermissionRoutes(
  app: HttpServer,
  deps: { permissions: PermissionService; requireAuth: RequireAuth },
) {
  const { permissions, requireAuth } = deps;

  for (const { scope, base, name, schema } of SCOPES) {
    const plural = `${scope}s`;
    const catalogue = Object.entries(PERMISSIONS_BY_SCOPE[scope]).map(([key, description]) => ({
      key,
      description,
    }));
    app.get(
      `/api/v1/${plural}/permissions/`,
      {
        schema: {
          tags,
          summary: `The ${scope} permission keys`,
          response: {
            200: Type.Array(Type.Object({ key: Type.String(), description: Type.String() })),
            ...ErrorResponses,
          },
        },
      },
      async (request) => {
        await requireAuth(request);
        return catalogue;
      },
    );

    const params = Type.Object({ [name]: schema });
    const ref = (p: unknown) => (p as Record<string, string>)[name] as string;
    app.get(
      `${base}/my-permissions/`,
      {
        schema: {
          tags,
          summary: `Your permissions on this ${scope}`,
          params,
          response: { 200: MyPermissions, ...ErrorResponses },
        },
      },
      async (request) => {
        const s = await permissions.scope(await requireAuth(request), scope, ref(request.params), 'view');
        return { permissions: [...s.permissions].sort(), admin: s.admin };
      },
    );

    for (const subject of ['user', 'group'] as const) {
      const path = `${base}/${subject === 'user' ? 'user-permissions' : 'user-group-permissions'}/`;
      const body = Type.Object({
        [subject]: IdParam,
        permissions: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 }),
        ...(scope === 'organisation' ? {} : { admin: Type.Optional(Type.Boolean()) }),
      });
      const adminScope = async (principal: Principal, ref: unknown) =>
        (await permissions.scope(principal, scope, ref as string, 'ADMIN')).grant;
      const flat = (g: GrantRow) => ({
        id: g.id,
        [subject]: g.subject_id,
        permissions: g.permissions,
        admin: g.admin,
      });
      const input = (b: Record<string, unknown>) => ({
        subjectId: b[subject] as number,
        admin: (b.admin as boolean | undefined) ?? false,
        permissions: b.permissions as string[],
      });

      app.get(
        path,
        {
          schema: {
            tags,
            summary: `${subject === 'user' ? 'User' : 'Group'} permissions on this ${scope} (admins)`,
            params,
            response: { 200: Type.Array(grantItem(subject, true)), ...ErrorResponses },
          },
        },
        async (request) => {
          const where = await adminScope(await requireAuth(request), ref(request.params));
          const rows = await permissions.list(where, subject);
          const ids = rows.map((r) => r.subject_id);
          const refs =
            subject === 'user'
              ? new Map(
                  (await permissions.users(ids)).map((u) => [
                    u.id,
                    { ...u, last_login: isoOrNull(u.last_login) } as Record<string, unknown>,
                  ]),
                )
              : new Map((await permissions.groups(ids)).map((g) => [g.id, g as Record<string, unknown>]));
          // The subject column is a foreign key, so every row has its user or group; the route's schema is built
          // per subject, which TypeScript cannot follow through the computed key.
          return rows.map((g) => ({ ...flat(g), [subject]: refs.get(g.subject_id) })) as never;
        },
      );

      app.post(
        path,
        {
          schema: {
            tags,
            summary: `Grant permissions on this ${scope} to a ${subject}`,
            params,
            body,
            response: { 201: grantItem(subject, false), ...ErrorResponses },
          },
        },
        async (request, reply) => {
          const principal = await requireAuth(request);
          const where = await adminScope(principal, ref(request.params));
          const row = await permissions.save(
            principal,
            where,
            subject,
            input(request.body as Record<string, unknown>),
          );
          return reply.status(201).send(flat(row));
        },
      );

      const itemParams = Type.Object({ [name]: schema, id: IdParam });
      for (const method of ['put', 'patch'] as const) {
        app[method](
          `${path}:id/`,
          {
            schema: {
              tags,
              summary: `Change a ${subject}'s permissions on this ${scope}`,
              params: itemParams,
              body,
              response: { 200: grantItem(subject, false), ...ErrorResponses },
            },
          },
          async (request) => {
            const principal = await requireAuth(request);
            const where = await adminScope(principal, ref(request.params));
            const row = await permissions.save(
              principal,
              where,
              subject,
              input(request.body as Record<string, unknown>),
              (request.params as { id: number }).id,
            );
            return flat(row);
          },
        );
      }

      app.delete(
        `${path}:id/`,
        {
          schema: {
            tags,
            summary: `Remove a ${subject}'s permissions on this ${scope}`,
            params: itemParams,
            response: { 204: Type.Null(), ...ErrorResponses },
          },
        },
        async (request, reply) => {
          const principal = await requireAuth(request);
          const where = await adminScope(principal, ref(request.params));
          await permissions.delete(principal, where, subject, (request.params as { id: number }).id);
          return reply.status(204).send(null);
        },
      );
    }
  }
}
