import { type TSchema, Type } from 'typebox';
import { pageRequest, paginated } from '../../http/pagination.ts';
import type { HttpServer } from '../../http/server.ts';
import {
  ErrorResponses,
  IdParam,
  iso,
  NullableInteger,
  NullableString,
  PageQuery,
  Paginated,
} from '../../http/wire.ts';
import type { RequireAuth } from '../auth/index.ts';
import type { SegmentService } from './segment-service.ts';
import { OPERATORS, type Rule, type RuleInput, type Segment, type SegmentInput } from './segment-types.ts';

const RuleType = Type.Union([Type.Literal('ALL'), Type.Literal('ANY'), Type.Literal('NONE')]);

const ConditionJson = Type.Object({
  id: Type.Integer(),
  operator: Type.String(),
  property: NullableString(),
  value: NullableString(),
  description: NullableString(),
});

/** Rules nest; the response schema describes three levels (deeper trees are rejected by the depth limit anyway). */
function ruleJsonSchema(depth: number): TSchema {
  return Type.Object({
    id: Type.Integer(),
    type: Type.String(),
    conditions: Type.Array(ConditionJson),
    rules: depth > 1 ? Type.Array(ruleJsonSchema(depth - 1)) : Type.Array(Type.Unknown()),
  });
}

const SegmentJson = Type.Object({
  id: Type.Integer(),
  uuid: Type.String(),
  name: Type.String(),
  description: NullableString(),
  project: Type.Integer(),
  feature: NullableInteger(),
  rules: Type.Array(ruleJsonSchema(4)),
  version_of: Type.Integer(),
  metadata: Type.Array(Type.Unknown()),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const ruleJson = (r: Rule): unknown => ({
  id: r.id,
  type: r.type,
  conditions: r.conditions.map((c) => ({
    id: c.id,
    operator: c.operator,
    property: c.property,
    value: c.value,
    description: c.description,
  })),
  rules: r.rules.map(ruleJson),
});

const segmentJson = (s: Segment) => ({
  id: s.id,
  uuid: s.uuid,
  name: s.name,
  description: s.description,
  project: s.projectId,
  feature: s.featureId,
  rules: s.rules.map(ruleJson),
  version_of: s.id,
  metadata: [],
  created_at: iso(s.createdAt),
  updated_at: iso(s.updatedAt),
});

const ConditionBody = Type.Object({
  operator: Type.Union(OPERATORS.map((o) => Type.Literal(o))),
  property: Type.Optional(NullableString({ maxLength: 1000 })),
  value: Type.Optional(
    Type.Unsafe<string | number | boolean | null>({ type: ['string', 'number', 'boolean', 'null'] }),
  ),
  description: Type.Optional(NullableString({ maxLength: 1000 })),
});

function ruleBodySchema(depth: number): TSchema {
  return Type.Object({
    type: RuleType,
    conditions: Type.Optional(Type.Array(ConditionBody, { maxItems: 1000 })),
    rules: Type.Optional(
      depth > 1
        ? Type.Array(ruleBodySchema(depth - 1), { maxItems: 100 })
        : Type.Array(Type.Unknown(), { maxItems: 0 }),
    ),
  });
}
const RulesBody = Type.Array(ruleBodySchema(8), { maxItems: 100 });

type RuleWire = {
  type: 'ALL' | 'ANY' | 'NONE';
  conditions?: {
    operator: RuleInput['conditions'][number]['operator'];
    property?: string | null;
    value?: unknown;
    description?: string | null;
  }[];
  rules?: RuleWire[];
};

const ruleInput = (r: RuleWire): RuleInput => ({
  type: r.type,
  conditions: (r.conditions ?? []).map((c) => ({
    operator: c.operator,
    property: c.property ?? null,
    // Values are strings in Flagsmith; numbers and booleans sent by scripts are taken as their text.
    value: c.value === undefined || c.value === null ? null : String(c.value),
    description: c.description ?? null,
  })),
  rules: (r.rules ?? []).map(ruleInput),
});

const Fields = {
  description: Type.Optional(NullableString({ maxLength: 20_000 })),
  feature: Type.Optional(NullableInteger({ minimum: 1 })),
  project: Type.Optional(Type.Integer()),
  rules: Type.Optional(RulesBody),
};
const Name = Type.String({ minLength: 1, maxLength: 2000 });
const CreateBody = Type.Object({ ...Fields, name: Name });
const PatchBody = Type.Object({ ...Fields, name: Type.Optional(Name) });

function segmentInput(b: {
  name?: string;
  description?: string | null;
  feature?: number | null;
  rules?: unknown;
}): SegmentInput {
  const input: SegmentInput = {};
  if (b.name !== undefined) input.name = b.name;
  if (b.description !== undefined) input.description = b.description;
  if (b.feature !== undefined) input.featureId = b.feature;
  if (b.rules !== undefined) input.rules = (b.rules as RuleWire[]).map(ruleInput);
  return input;
}

const tags = ['segments'];

/** Flagsmith's `projects/{id}/segments/` and `segments/get-by-uuid/{uuid}/`. */
export function registerSegmentRoutes(
  app: HttpServer,
  deps: { segments: SegmentService; requireAuth: RequireAuth },
) {
  const { segments, requireAuth } = deps;
  const base = '/api/v1/projects/:projectId/segments/';
  const params = Type.Object({ projectId: IdParam });
  const item = Type.Object({ projectId: IdParam, segmentId: IdParam });

  app.get(
    base,
    {
      schema: {
        tags,
        summary: "A project's segments (?q= searches names)",
        params,
        querystring: Type.Object({
          ...PageQuery,
          q: Type.Optional(Type.String({ maxLength: 2000 })),
          include_feature_specific: Type.Optional(Type.Boolean()),
        }),
        response: { 200: Paginated(SegmentJson), ...ErrorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = pageRequest(q);
      const { count, segments: list } = await segments.list(await requireAuth(request), {
        projectId: request.params.projectId,
        ...(q.q ? { search: q.q } : {}),
        includeFeatureSpecific: q.include_feature_specific ?? true,
        offset: page.offset,
        limit: page.pageSize,
      });
      return paginated(request, page, count, list.map(segmentJson));
    },
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create a segment (MANAGE_SEGMENTS)',
        params,
        body: CreateBody,
        response: { 201: SegmentJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const segment = await segments.create(await requireAuth(request), request.params.projectId, {
        ...segmentInput(request.body),
        name: request.body.name,
      });
      return reply.status(201).send(segmentJson(segment));
    },
  );

  app.get(
    `${base}:segmentId/`,
    {
      schema: {
        tags,
        summary: 'One segment with its rules',
        params: item,
        response: { 200: SegmentJson, ...ErrorResponses },
      },
    },
    async (request) =>
      segmentJson(
        await segments.get(await requireAuth(request), request.params.projectId, request.params.segmentId),
      ),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${base}:segmentId/`,
      {
        schema: {
          tags,
          summary: 'Change a segment; `rules`, when given, replace the old ones entirely',
          params: item,
          body: method === 'put' ? CreateBody : PatchBody,
          response: { 200: SegmentJson, ...ErrorResponses },
        },
      },
      async (request) =>
        segmentJson(
          await segments.update(
            await requireAuth(request),
            request.params.projectId,
            request.params.segmentId,
            segmentInput(request.body),
          ),
        ),
    );
  }

  app.delete(
    `${base}:segmentId/`,
    {
      schema: {
        tags,
        summary: 'Delete a segment and its overrides',
        params: item,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await segments.delete(await requireAuth(request), request.params.projectId, request.params.segmentId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/segments/get-by-uuid/:uuid/',
    {
      schema: {
        tags,
        summary: 'A segment by uuid',
        params: Type.Object({ uuid: Type.String({ format: 'uuid' }) }),
        response: { 200: SegmentJson, ...ErrorResponses },
      },
    },
    async (request) => segmentJson(await segments.getByUuid(await requireAuth(request), request.params.uuid)),
  );
}
