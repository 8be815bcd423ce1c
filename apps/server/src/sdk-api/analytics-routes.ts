import type { FastifyRequest } from 'fastify';
import type { HttpServer } from '../http/server.ts';
import { NotFoundError } from '../platform/errors.ts';
import { type AnalyticsBuffer, type AnalyticsLabels, userAgentLabel } from './analytics.ts';
import type { RealtimeHub } from './realtime.ts';
import { authenticate } from './sdk-routes.ts';
import type { ServedEnvironments } from './served-environments.ts';

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return typeof value === 'string' ? value.slice(0, 100) : '';
}

function labels(request: FastifyRequest): AnalyticsLabels {
  return {
    clientApplicationName: header(request, 'flagsmith-application-name'),
    clientApplicationVersion: header(request, 'flagsmith-application-version'),
    userAgent: userAgentLabel(header(request, 'flagsmith-sdk-user-agent') || header(request, 'user-agent')),
  };
}

/** POST /api/v1/analytics/flags/ (200, empty) and /api/v2/analytics/flags/ (204), counted in memory. */
export function registerAnalyticsRoutes(
  app: HttpServer,
  deps: { environments: ServedEnvironments; analytics: AnalyticsBuffer },
) {
  const { environments, analytics } = deps;
  app.post('/api/v1/analytics/flags/', async (request, reply) => {
    const { environment } = await authenticate(environments, request);
    analytics.recordV1(environment.environmentId, environment.featureNames, request.body, labels(request));
    return reply.code(200).send();
  });
  app.post('/api/v2/analytics/flags/', async (request, reply) => {
    const { environment } = await authenticate(environments, request);
    analytics.recordV2(environment.environmentId, environment.featureNames, request.body, labels(request));
    return reply.code(204).send();
  });
}

/** GET /sse/environments/{client_key}/stream: no credentials besides the key in the path, like Flagsmith's. */
export function registerRealtimeRoutes(
  app: HttpServer,
  deps: { environments: ServedEnvironments; realtime: RealtimeHub },
) {
  const { environments, realtime } = deps;
  app.get<{ Params: { key: string } }>('/sse/environments/:key/stream', async (request, reply) => {
    const resolved = await environments.resolveKey(request.params.key);
    // Loading the document also makes this process follow the environment's notices.
    const environment = resolved && (await environments.get(resolved.environmentId));
    if (!resolved || !environment) throw new NotFoundError();
    reply.hijack();
    realtime.subscribe(resolved.environmentId, reply.raw);
  });
}
