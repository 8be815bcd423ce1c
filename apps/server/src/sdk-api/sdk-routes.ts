import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { HttpServer } from '../http/server.ts';
import {
  NotFoundError,
  PermissionDeniedError,
  UnavailableError,
  ValidationError,
} from '../platform/errors.ts';
import { sendEncoded } from './encoded-body.ts';
import type { IdentifyService, IncomingTrait } from './identify.ts';
import { type JoinedBody, ResponseBufferPool } from './response-buffers.ts';
import type { Origin, ServedEnvironment } from './served-environment.ts';
import type { ServedEnvironments } from './served-environments.ts';

export interface SdkRouteDeps {
  environments: ServedEnvironments;
  identify: IdentifyService;
}

/** Headers an SDK may send cross-origin (Flagsmith's CORS_ALLOW_HEADERS). */
export const CORS_ALLOW_HEADERS = [
  'accept',
  'accept-encoding',
  'authorization',
  'content-type',
  'dnt',
  'origin',
  'user-agent',
  'x-csrftoken',
  'x-requested-with',
  'x-environment-key',
  'baggage',
  'sentry-trace',
  'traceparent',
  'tracestate',
  'flagsmith-application-name',
  'flagsmith-application-version',
  'flagsmith-sdk-user-agent',
].join(', ');

/** Django's never_cache headers, which Core adds to every response (ADD_NEVER_CACHE_HEADERS). */
export const NEVER_CACHE = 'max-age=0, no-cache, no-store, must-revalidate, private';

export interface Authenticated {
  environment: ServedEnvironment;
  origin: Origin;
}

/**
 * Resolves `X-Environment-Key` to the served environment, with Core's 403 bodies (note the two spellings of
 * "key"). Cached keys and loaded documents answer without touching the database.
 */
export async function authenticate(
  environments: ServedEnvironments,
  request: FastifyRequest,
  requireServerKey = false,
): Promise<Authenticated> {
  const key = request.headers['x-environment-key'];
  if (typeof key !== 'string' || key === '' || (requireServerKey && !key.startsWith('ser.'))) {
    throw new PermissionDeniedError('Invalid or missing Environment key');
  }
  const resolved = await environments.resolveKey(key);
  if (!resolved) throw new PermissionDeniedError('Invalid or missing Environment Key');
  const environment = await environments.get(resolved.environmentId);
  if (!environment) {
    throw new UnavailableError('The environment document is being built; retry shortly.');
  }
  if (environment.stopServingFlags) {
    throw new PermissionDeniedError('Organisation is disabled from serving flags.');
  }
  return { environment, origin: resolved.origin };
}

function sendJson(reply: FastifyReply, environment: ServedEnvironment, body: string) {
  return withDocumentHeaders(reply, environment).send(body);
}

const responseBuffers = new ResponseBufferPool();

function sendIdentity(reply: FastifyReply, environment: ServedEnvironment, body: string | JoinedBody) {
  if (typeof body === 'string') return sendJson(reply, environment, body);
  return responseBuffers.send(withDocumentHeaders(reply, environment), body);
}

function withDocumentHeaders(reply: FastifyReply, environment: ServedEnvironment) {
  return reply
    .header('content-type', 'application/json')
    .header('x-flagsmith-document-updated-at', environment.updatedAtHeader);
}

const IdentifyBody = Type.Object({
  identifier: Type.Optional(Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 2000 })),
  traits: Type.Optional(
    Type.Unsafe<IncomingTrait[] | null>({
      type: ['array', 'null'],
      items: {
        type: 'object',
        required: ['trait_key'],
        properties: {
          trait_key: { type: 'string', minLength: 1 },
          trait_value: {},
          transient: { type: ['boolean', 'null'] },
        },
      },
    }),
  ),
  transient: Type.Optional(Type.Unsafe<boolean | null>({ type: ['boolean', 'null'] })),
});

const IdentityQuery = Type.Object({
  identifier: Type.Optional(Type.String({ maxLength: 2000 })),
  feature: Type.Optional(Type.String()),
  transient: Type.Optional(Type.String()),
});

export function registerSdkRoutes(app: HttpServer, deps: SdkRouteDeps) {
  const { environments, identify } = deps;

  app.get(
    '/api/v1/flags/',
    { schema: { querystring: Type.Object({ feature: Type.Optional(Type.String()) }) } },
    async (request, reply) => {
      const { environment, origin } = await authenticate(environments, request);
      reply.header('vary', 'Origin, X_ENVIRONMENT_KEY');
      const feature = request.query.feature;
      if (feature === undefined) {
        return sendEncoded(request, withDocumentHeaders(reply, environment), environment.flagsBody(origin));
      }
      const one = environment.flagBody(origin, feature);
      if (one === undefined) throw new NotFoundError('Given feature not found');
      // Core sends the document timestamp only with the list form.
      return reply.header('content-type', 'application/json').send(one);
    },
  );

  app.get<{ Params: { feature_id: string } }>(
    '/api/v1/flags/:feature_id/multivariate-options/',
    async (request, reply) => {
      const { environment, origin } = await authenticate(environments, request);
      const { feature_id } = request.params;
      if (!/^[0-9]+$/.test(feature_id)) {
        throw ValidationError.field('feature_id', 'A valid integer is required.');
      }
      const body = environment.multivariateOptionsBody(Number(feature_id), origin);
      if (body === undefined) throw new NotFoundError();
      return reply.header('content-type', 'application/json').send(body);
    },
  );

  app.get('/api/v1/identities/', { schema: { querystring: IdentityQuery } }, async (request, reply) => {
    const { environment, origin } = await authenticate(environments, request);
    reply.header('vary', 'Origin, X_ENVIRONMENT_KEY');
    const { identifier, feature, transient } = request.query;
    // Flagsmith parity: a missing identifier is a 200 with a message, not a 400.
    if (!identifier) return reply.send({ detail: 'Missing identifier' });
    const body = await identify.identify(environment, origin, {
      identifier,
      traits: [],
      transient: transient !== undefined && transient !== '',
      feature,
    });
    if (body === undefined) throw new NotFoundError('Given feature not found');
    return sendIdentity(reply, environment, body);
  });

  app.post('/api/v1/identities/', { schema: { body: IdentifyBody } }, async (request, reply) => {
    const { environment, origin } = await authenticate(environments, request);
    const { identifier, traits, transient } = request.body;
    const body = (await identify.identify(environment, origin, {
      identifier,
      traits: traits ?? [],
      transient: transient === true,
    })) as JoinedBody;
    return sendIdentity(reply, environment, body);
  });

  app.get('/api/v1/environment-document/', async (request, reply) => {
    const { environment } = await authenticate(environments, request, true);
    reply
      .header('last-modified', environment.lastModifiedHeader)
      .header('x-flagsmith-document-updated-at', environment.updatedAtHeader);
    const since = request.headers['if-modified-since'];
    if (typeof since === 'string') {
      const sinceMs = Date.parse(since);
      // HTTP dates have 1 s granularity: compare whole seconds.
      if (!Number.isNaN(sinceMs) && Math.floor(environment.updatedAt.getTime() / 1000) * 1000 <= sinceMs) {
        return reply.code(304).send();
      }
    }
    return sendEncoded(request, reply.header('content-type', 'application/json'), environment.documentBody);
  });
}
