import { Type } from 'typebox';
import { pageRequest, paginated } from '../../http/pagination.ts';
import type { HttpServer } from '../../http/server.ts';
import { ErrorResponses, IdParam, iso, NullableInteger, PageQuery, Paginated } from '../../http/wire.ts';
import type { RequireAuth } from '../auth/index.ts';
import { StateBody, StateJson, stateChange, stateJson } from './feature-schemas.ts';
import type { FeatureSegment, SegmentOverrideService } from './segment-override-service.ts';

const FeatureSegmentJson = Type.Object({
  id: Type.Integer(),
  uuid: Type.String(),
  feature: Type.Integer(),
  segment: Type.Integer(),
  environment: Type.Integer(),
  priority: Type.Integer({ description: '0 is the strongest' }),
  segment_name: Type.String(),
  is_feature_specific: Type.Boolean(),
  created_at: Type.String(),
});

const fsJson = (f: FeatureSegment) => ({
  id: f.id,
  uuid: f.uuid,
  feature: f.feature_id,
  segment: f.segment_id,
  environment: f.environment_id,
  priority: f.priority,
  segment_name: f.segmentName,
  is_feature_specific: f.isFeatureSpecific,
  created_at: iso(f.created_at),
});

const tags = ['segment-overrides'];
const Priority = Type.Integer({ minimum: 0, maximum: 1_000_000 });

/** `features/feature-segments/` (with `update-priorities/`) and `environments/{key}/features/{id}/create-segment-override/`. */
export function registerSegmentOverrideRoutes(
  app: HttpServer,
  deps: { overrides: SegmentOverrideService; requireAuth: RequireAuth },
) {
  const { overrides, requireAuth } = deps;
  const base = '/api/v1/features/feature-segments/';
  const item = Type.Object({ id: IdParam });

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'Feature segments (segment override slots), by environment and feature',
        querystring: Type.Object({
          ...PageQuery,
          environment: Type.Optional(IdParam),
          feature: Type.Optional(IdParam),
        }),
        response: { 200: Paginated(FeatureSegmentJson), ...ErrorResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = pageRequest(q);
      const { count, featureSegments } = await overrides.list(
        await requireAuth(request),
        {
          ...(q.environment !== undefined ? { environmentId: q.environment } : {}),
          ...(q.feature !== undefined ? { featureId: q.feature } : {}),
        },
        page.offset,
        page.pageSize,
      );
      return paginated(request, page, count, featureSegments.map(fsJson));
    },
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Create a segment override slot; its state starts as a copy of the environment default',
        body: Type.Object({
          feature: IdParam,
          segment: IdParam,
          environment: IdParam,
          priority: Type.Optional(NullableInteger({ minimum: 0 })),
        }),
        response: { 201: FeatureSegmentJson, ...ErrorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const fs = await overrides.create(await requireAuth(request), {
        featureId: b.feature,
        segmentId: b.segment,
        environmentId: b.environment,
        priority: b.priority ?? null,
      });
      return reply.status(201).send(fsJson(fs));
    },
  );

  app.post(
    `${base}update-priorities/`,
    {
      schema: {
        tags,
        summary: 'Move feature segments to new priorities, in the order given',
        body: Type.Array(Type.Object({ id: IdParam, priority: Priority }), { minItems: 1, maxItems: 1000 }),
        response: { 200: Type.Array(FeatureSegmentJson), ...ErrorResponses },
      },
    },
    async (request) =>
      (await overrides.updatePriorities(await requireAuth(request), request.body)).map(fsJson),
  );

  app.get(
    `${base}:id/`,
    {
      schema: {
        tags,
        summary: 'One feature segment',
        params: item,
        response: { 200: FeatureSegmentJson, ...ErrorResponses },
      },
    },
    async (request) => fsJson(await overrides.get(await requireAuth(request), request.params.id)),
  );

  for (const method of ['put', 'patch'] as const) {
    app[method](
      `${base}:id/`,
      {
        schema: {
          tags,
          summary: 'Change the priority of a feature segment',
          params: item,
          body: Type.Object({ priority: Priority }),
          response: { 200: FeatureSegmentJson, ...ErrorResponses },
        },
      },
      async (request) =>
        fsJson(
          await overrides.updatePriority(
            await requireAuth(request),
            request.params.id,
            request.body.priority,
          ),
        ),
    );
  }

  app.delete(
    `${base}:id/`,
    {
      schema: {
        tags,
        summary: 'Delete a segment override (slot and state)',
        params: item,
        response: { 204: Type.Null(), ...ErrorResponses },
      },
    },
    async (request, reply) => {
      await overrides.deleteFeatureSegment(await requireAuth(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/environments/:apiKey/features/:featureId/create-segment-override/',
    {
      schema: {
        tags,
        summary: 'Create a segment override with its value in one call (MANAGE_SEGMENT_OVERRIDES)',
        params: Type.Object({ apiKey: Type.String({ maxLength: 100 }), featureId: IdParam }),
        body: Type.Object({
          ...StateBody.properties,
          feature_segment: Type.Object({
            segment: IdParam,
            priority: Type.Optional(NullableInteger({ minimum: 0 })),
          }),
        }),
        response: {
          201: Type.Object({
            ...StateJson.properties,
            feature_segment: Type.Object({
              id: Type.Integer(),
              uuid: Type.String(),
              segment: Type.Integer(),
              priority: Type.Integer(),
            }),
          }),
          ...ErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { state, featureSegment } = await overrides.createSegmentOverride(
        await requireAuth(request),
        request.params.apiKey,
        request.params.featureId,
        { segmentId: b.feature_segment.segment, priority: b.feature_segment.priority ?? null },
        stateChange(b),
      );
      return reply.status(201).send({
        ...stateJson(state),
        feature_segment: {
          id: featureSegment.id,
          uuid: featureSegment.uuid,
          segment: featureSegment.segment_id,
          priority: featureSegment.priority,
        },
      });
    },
  );
}
