import { Type } from 'typebox';
import type { HttpServer } from '../../http/server.ts';
import { Detail, ErrorResponses, FieldErrors, iso, isoOrNull } from '../../http/wire.ts';
import type { RequireAuth } from './auth-hook.ts';
import type { UserService } from './user-service.ts';
import type { UserRow } from './user-store.ts';

const CurrentUser = Type.Object({
  id: Type.Integer(),
  uuid: Type.String(),
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  is_active: Type.Boolean(),
  marketing_consent_given: Type.Boolean(),
  date_joined: Type.String(),
  last_login: Type.Union([Type.String(), Type.Null()]),
});

export function toCurrentUserJson(u: UserRow) {
  return {
    id: u.id,
    uuid: u.uuid,
    email: u.email,
    first_name: u.first_name,
    last_name: u.last_name,
    is_active: u.is_active,
    marketing_consent_given: u.marketing_consent_given,
    date_joined: iso(u.date_joined),
    last_login: isoOrNull(u.last_login),
  };
}

const tags = ['auth'];

/** Flagsmith's `auth/` endpoints (djoser and rest_auth shapes). */
export function registerAuthRoutes(app: HttpServer, deps: { users: UserService; requireAuth: RequireAuth }) {
  const { users, requireAuth } = deps;

  app.post(
    '/api/v1/auth/login/',
    {
      schema: {
        tags,
        summary: 'Log in with email and password; returns a token for `Authorization: Token <key>`',
        security: [],
        body: Type.Object({
          email: Type.String({ maxLength: 254 }),
          password: Type.String({ maxLength: 1000 }),
        }),
        response: { 200: Type.Object({ key: Type.String() }), 400: FieldErrors, 429: Detail },
      },
    },
    async (request) => ({ key: await users.login(request.body.email, request.body.password, request.ip) }),
  );

  app.post(
    '/api/v1/auth/logout/',
    {
      schema: {
        tags,
        summary: 'Delete the token this request used',
        response: { 204: Type.Null(), 401: Detail },
      },
    },
    async (request, reply) => {
      await users.logout(await requireAuth(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/users/',
    {
      schema: {
        tags,
        summary:
          'Sign up: the first user becomes admin of every organisation; later users need an invite link hash',
        security: [],
        body: Type.Object({
          email: Type.String({ maxLength: 254 }),
          password: Type.String({ maxLength: 1000 }),
          first_name: Type.Optional(Type.String({ maxLength: 150 })),
          last_name: Type.Optional(Type.String({ maxLength: 150 })),
          marketing_consent_given: Type.Optional(Type.Boolean()),
          sign_up_type: Type.Optional(Type.String()),
          invite_hash: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          201: Type.Object({
            id: Type.Integer(),
            email: Type.String(),
            first_name: Type.String(),
            last_name: Type.String(),
            marketing_consent_given: Type.Boolean(),
            key: Type.String(),
          }),
          400: FieldErrors,
          403: Detail,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { user, key } = await users.signUp({
        email: b.email,
        password: b.password,
        firstName: b.first_name ?? '',
        lastName: b.last_name ?? '',
        marketingConsentGiven: b.marketing_consent_given ?? false,
        inviteHash: b.invite_hash,
      });
      return reply.status(201).send({
        id: user.id,
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        marketing_consent_given: user.marketing_consent_given,
        key,
      });
    },
  );

  app.get(
    '/api/v1/auth/setup/',
    {
      schema: {
        tags,
        summary:
          'Vexil: whether the installation still needs its first user (who may sign up without an invite)',
        security: [],
        response: { 200: Type.Object({ first_user_needed: Type.Boolean() }) },
      },
    },
    async () => ({ first_user_needed: await users.firstUserNeeded() }),
  );

  app.get(
    '/api/v1/auth/users/me/',
    { schema: { tags, summary: 'The signed-in user', response: { 200: CurrentUser, ...ErrorResponses } } },
    async (request) => toCurrentUserJson(await users.me(await requireAuth(request))),
  );

  const MePatch = Type.Object({
    first_name: Type.Optional(Type.String({ maxLength: 150 })),
    last_name: Type.Optional(Type.String({ maxLength: 150 })),
    marketing_consent_given: Type.Optional(Type.Boolean()),
  });
  for (const method of ['put', 'patch'] as const) {
    app[method](
      '/api/v1/auth/users/me/',
      {
        schema: {
          tags,
          summary: 'Update your name',
          body: MePatch,
          response: { 200: CurrentUser, ...ErrorResponses },
        },
      },
      async (request) =>
        toCurrentUserJson(
          await users.updateMe(await requireAuth(request), {
            ...(request.body.first_name !== undefined ? { firstName: request.body.first_name } : {}),
            ...(request.body.last_name !== undefined ? { lastName: request.body.last_name } : {}),
            ...(request.body.marketing_consent_given !== undefined
              ? { marketingConsentGiven: request.body.marketing_consent_given }
              : {}),
          }),
        ),
    );
  }

  app.post(
    '/api/v1/auth/users/set_password/',
    {
      schema: {
        tags,
        summary: 'Change your password',
        body: Type.Object({
          current_password: Type.String({ maxLength: 1000 }),
          new_password: Type.String({ maxLength: 1000 }),
        }),
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await users.setPassword(
        await requireAuth(request),
        request.body.current_password,
        request.body.new_password,
      );
      return reply.status(204).send(null);
    },
  );
}
