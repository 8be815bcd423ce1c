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
import type { OrganisationRole } from '../../platform/db/schema.ts';
import type { MemberRow, RequireAuth } from '../auth/index.ts';
import type { OrganisationService } from './organisation-service.ts';
import type { OrganisationRow, OrganisationSettings } from './organisation-store.ts';

/** Flagsmith's organisation representation (spec §4), with `role` of the caller. */
export function toOrganisationJson(row: OrganisationRow, role: OrganisationRole = 'ADMIN') {
  return {
    id: row.id,
    uuid: row.uuid,
    name: row.name,
    created_date: row.created_date.toISOString(),
    webhook_notification_email: row.webhook_notification_email,
    num_seats: 0,
    subscription: null,
    role,
    persist_trait_data: row.persist_trait_data,
    block_access_to_admin: false,
    restrict_project_create_to_admin: row.restrict_project_create_to_admin,
    force_2fa: false,
    stop_serving_flags: row.stop_serving_flags,
    feature_analytics: row.feature_analytics,
  };
}

export const OrganisationJson = Type.Object({
  id: Type.Integer(),
  uuid: Type.String(),
  name: Type.String(),
  created_date: Type.String(),
  webhook_notification_email: NullableString(),
  num_seats: Type.Integer(),
  subscription: Type.Null(),
  role: Type.String({ description: 'ADMIN or USER: your role in this organisation' }),
  persist_trait_data: Type.Boolean(),
  block_access_to_admin: Type.Boolean(),
  restrict_project_create_to_admin: Type.Boolean(),
  force_2fa: Type.Boolean(),
  stop_serving_flags: Type.Boolean(),
  feature_analytics: Type.Boolean(),
});

const Settings = {
  webhook_notification_email: Type.Optional(NullableString({ maxLength: 254 })),
  restrict_project_create_to_admin: Type.Optional(Type.Boolean()),
  persist_trait_data: Type.Optional(Type.Boolean()),
  stop_serving_flags: Type.Optional(Type.Boolean()),
  feature_analytics: Type.Optional(Type.Boolean()),
};
const CreateBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 2000 }), ...Settings });
const PatchBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  ...Settings,
});

function settingsOf(b: Partial<Record<string, unknown>>): OrganisationSettings {
  const out: Record<string, unknown> = {};
  for (const key of ['name', ...Object.keys(Settings)]) if (b[key] !== undefined) out[key] = b[key];
  return out as OrganisationSettings;
}

const Member = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  last_login: NullableString(),
  uuid: Type.String(),
  role: Type.String(),
  date_joined: Type.String(),
});
const memberJson = (m: MemberRow) => ({
  id: m.id,
  email: m.email,
  first_name: m.first_name,
  last_name: m.last_name,
  last_login: isoOrNull(m.last_login),
  uuid: m.uuid,
  role: m.role,
  date_joined: iso(m.membership_date_joined),
});

const InviteLink = Type.Object({
  id: Type.Integer(),
  hash: Type.String(),
  role: Type.String(),
  date_created: Type.String(),
  expires_at: NullableString(),
});
const Role = Type.Union([Type.Literal('ADMIN'), Type.Literal('USER')]);
const tags = ['organisations'];

export function registerOrganisationRoutes(
  app: HttpServer,
  deps: { organisations: OrganisationService; requireAuth: RequireAuth },
) {
  const { organisations, requireAuth } = deps;
  const base = '/api/v1/organisations/';
  const params = Type.Object({ organisationId: IdParam });

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'Organisations you belong to',
        querystring: Type.Object(PageQuery),
        response: { 200: Paginated(OrganisationJson), ...ErrorResponses },
      },
    },
    async (request) => {
      const all = await organisations.list(await requireAuth(request));
      return paginateList(
        request,
        pageRequest(request.query),
        all.map((o) => toOrganisationJson(o.organisation, o.role)),
      );
    },
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create an organisation; you become its admin',
        body: CreateBody,
        response: { 201: OrganisationJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const { name } = request.body;
      const o = await organisations.create(await requireAuth(request), { ...settingsOf(request.body), name });
      return reply.status(201).send(toOrganisationJson(o.organisation, o.role));
    },
  );

  app.get(
    `${base}:organisationId/`,
    {
      schema: {
        tags,
        summary: 'One organisation',
        params,
        response: { 200: OrganisationJson, ...ErrorResponses },
      },
    },
    async (request) => {
      const o = await organisations.get(await requireAuth(request), request.params.organisationId);
      return toOrganisationJson(o.organisation, o.role);
    },
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${base}:organisationId/`,
      {
        schema: {
          tags,
          summary: 'Change an organisation (admins)',
          params,
          body: method === 'put' ? CreateBody : PatchBody,
          response: { 200: OrganisationJson, ...ErrorResponses },
        },
      },
      async (request) => {
        const o = await organisations.update(
          await requireAuth(request),
          request.params.organisationId,
          settingsOf(request.body),
        );
        return toOrganisationJson(o.organisation, o.role);
      },
    );
  }

  app.delete(
    `${base}:organisationId/`,
    {
      schema: {
        tags,
        summary: 'Delete an organisation and everything in it (admins)',
        params,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await organisations.delete(await requireAuth(request), request.params.organisationId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    `${base}:organisationId/users/`,
    {
      schema: {
        tags,
        summary: 'Members and their roles',
        params,
        response: { 200: Type.Array(Member), ...ErrorResponses },
      },
    },
    async (request) =>
      (await organisations.members(await requireAuth(request), request.params.organisationId)).map(
        memberJson,
      ),
  );

  app.post(
    `${base}:organisationId/users/:userId/update-role/`,
    {
      schema: {
        tags,
        summary: "Change a member's role (admins)",
        params: Type.Object({ organisationId: IdParam, userId: IdParam }),
        body: Type.Object({ role: Role }),
        response: { 200: Member, ...ErrorResponses },
      },
    },
    async (request) =>
      memberJson(
        await organisations.setRole(
          await requireAuth(request),
          request.params.organisationId,
          request.params.userId,
          request.body.role,
        ),
      ),
  );

  app.post(
    `${base}:organisationId/remove-users/`,
    {
      schema: {
        tags,
        summary: 'Remove members (admins)',
        params,
        body: Type.Array(Type.Object({ id: IdParam }), { maxItems: 1000 }),
        response: { 200: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await organisations.removeMembers(
        await requireAuth(request),
        request.params.organisationId,
        request.body.map((u) => u.id),
      );
      return reply.status(200).send(null);
    },
  );

  const linkJson = (l: {
    id: number;
    hash: string;
    role: string;
    date_created: Date;
    expires_at: Date | null;
  }) => ({
    id: l.id,
    hash: l.hash,
    role: l.role,
    date_created: iso(l.date_created),
    expires_at: isoOrNull(l.expires_at),
  });

  app.get(
    `${base}:organisationId/invite-links/`,
    {
      schema: {
        tags,
        summary: 'Invite links (admins)',
        params,
        response: { 200: Type.Array(InviteLink), ...ErrorResponses },
      },
    },
    async (request) =>
      (await organisations.inviteLinks(await requireAuth(request), request.params.organisationId)).map(
        linkJson,
      ),
  );

  app.post(
    `${base}:organisationId/invite-links/`,
    {
      schema: {
        tags,
        summary: 'Create an invite link; whoever has its hash may sign up or join with the role',
        params,
        body: Type.Object({
          role: Type.Optional(Role),
          expires_at: Type.Optional(NullableString({ format: 'date-time' } as never)),
        }),
        response: { 201: InviteLink, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const link = await organisations.createInviteLink(
        await requireAuth(request),
        request.params.organisationId,
        request.body.role ?? 'USER',
        request.body.expires_at ? new Date(request.body.expires_at) : null,
      );
      return reply.status(201).send(linkJson(link));
    },
  );

  app.delete(
    `${base}:organisationId/invite-links/:id/`,
    {
      schema: {
        tags,
        summary: 'Delete an invite link',
        params: Type.Object({ organisationId: IdParam, id: IdParam }),
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await organisations.deleteInviteLink(
        await requireAuth(request),
        request.params.organisationId,
        request.params.id,
      );
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/users/join/link/:hash/',
    {
      schema: {
        tags,
        summary: 'Join an organisation with an invite link hash',
        params: Type.Object({ hash: Type.String({ maxLength: 200 }) }),
        response: { 200: OrganisationJson, ...ErrorResponses },
      },
    },
    async (request) => {
      const o = await organisations.joinByLink(await requireAuth(request), request.params.hash);
      return toOrganisationJson(o.organisation, o.role);
    },
  );
}
