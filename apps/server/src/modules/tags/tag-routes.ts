import { Type } from 'typebox';
import type { HttpServer } from '../../http/server.ts';
import { ErrorResponses, IdParam, NullableString } from '../../http/wire.ts';
import type { RequireAuth } from '../auth/index.ts';
import type { Tag, TagInput, TagService } from './tag-service.ts';

const TagJson = Type.Object({
  id: Type.Integer(),
  uuid: Type.String(),
  label: Type.String(),
  color: Type.String(),
  description: NullableString(),
  project: Type.Integer(),
  is_permanent: Type.Boolean(),
  is_system_tag: Type.Boolean(),
  type: Type.String(),
});
const tagJson = (t: Tag) => ({
  id: t.id,
  uuid: t.uuid,
  label: t.label,
  color: t.color,
  description: t.description,
  project: t.project_id,
  is_permanent: t.is_permanent,
  is_system_tag: t.is_system_tag,
  type: t.type,
});

const Fields = {
  color: Type.Optional(Type.String({ maxLength: 30 })),
  description: Type.Optional(NullableString({ maxLength: 512 })),
  is_permanent: Type.Optional(Type.Boolean()),
  type: Type.Optional(Type.String({ maxLength: 100 })),
  project: Type.Optional(Type.Integer()),
};
const Label = Type.String({ minLength: 1, maxLength: 100 });
const CreateBody = Type.Object({ ...Fields, label: Label });
const PatchBody = Type.Object({ ...Fields, label: Type.Optional(Label) });

function input(b: Record<string, unknown>): TagInput {
  const out: Record<string, unknown> = {};
  for (const k of ['label', 'color', 'description', 'is_permanent', 'type'])
    if (b[k] !== undefined) out[k] = b[k];
  return out as TagInput;
}

const tags = ['tags'];

/** Flagsmith's `projects/{id}/tags/` (not paginated). */
export function registerTagRoutes(app: HttpServer, deps: { tags: TagService; requireAuth: RequireAuth }) {
  const { requireAuth } = deps;
  const service = deps.tags;
  const base = '/api/v1/projects/:projectId/tags/';
  const params = Type.Object({ projectId: IdParam });
  const item = Type.Object({ projectId: IdParam, tagId: IdParam });

  app.get(
    base,
    {
      schema: {
        tags,
        summary: "A project's tags",
        params,
        response: { 200: Type.Array(TagJson), ...ErrorResponses },
      },
    },
    async (request) =>
      (await service.list(await requireAuth(request), request.params.projectId)).map(tagJson),
  );
  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create a tag (MANAGE_TAGS)',
        params,
        body: CreateBody,
        response: { 201: TagJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const tag = await service.create(await requireAuth(request), request.params.projectId, {
        ...input(request.body),
        label: request.body.label,
      });
      return reply.status(201).send(tagJson(tag));
    },
  );
  app.get(
    `${base}:tagId/`,
    { schema: { tags, summary: 'One tag', params: item, response: { 200: TagJson, ...ErrorResponses } } },
    async (request) =>
      tagJson(await service.get(await requireAuth(request), request.params.projectId, request.params.tagId)),
  );
  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${base}:tagId/`,
      {
        schema: {
          tags,
          summary: 'Change a tag',
          params: item,
          body: method === 'put' ? CreateBody : PatchBody,
          response: { 200: TagJson, ...ErrorResponses },
        },
      },
      async (request) =>
        tagJson(
          await service.update(
            await requireAuth(request),
            request.params.projectId,
            request.params.tagId,
            input(request.body),
          ),
        ),
    );
  }
  app.delete(
    `${base}:tagId/`,
    {
      schema: {
        tags,
        summary: 'Delete a tag',
        params: item,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await service.delete(await requireAuth(request), request.params.projectId, request.params.tagId);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/v1/tags/get-by-uuid/:uuid/',
    {
      schema: {
        tags,
        summary: 'A tag by uuid',
        params: Type.Object({ uuid: Type.String({ format: 'uuid' }) }),
        response: { 200: TagJson, ...ErrorResponses },
      },
    },
    async (request) => tagJson(await service.getByUuid(await requireAuth(request), request.params.uuid)),
  );
}
