import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from '../platform/logger.ts';
import type { Metrics } from '../platform/metrics.ts';
import { handleError } from './error-handler.ts';

/** The Fastify instance every module registers routes on, typed by TypeBox schemas. */
export type HttpServer = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  Logger,
  TypeBoxTypeProvider
>;

export interface HttpServerDeps {
  logger: Logger;
  metrics: Metrics;
}

/**
 * Core sends `Flagsmith-Version` on every response (spec §1.2). We send the Flagsmith release whose API we match
 * (the spec's reference, 2.265.0), so tooling that reads it sees the API generation it can expect.
 */
export const FLAGSMITH_API_VERSION = '2.265.0';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function createHttpServer({ logger, metrics }: HttpServerDeps): HttpServer {
  const app = Fastify({
    loggerInstance: logger,
    // Flagsmith's routes end with '/', SDKs always send it, people often don't: accept both.
    // maxParamLength: the deprecated SDK path /identities/<identifier>/ carries identifiers of up to 2000
    // characters, percent-encoded up to three times as long (the router's default, 100, answers 414).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 6000 },
    // Keep a caller's X-Request-Id when it is sane so logs join up across services; otherwise make one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Our onResponse hook logs what matters (errors, slow requests); a line per flag request would drown the logs.
    logController: new LogController({ requestIdLogLabel: 'reqId', disableRequestLogging: true }),
    return503OnClosing: true,
    // allowUnionTypes: flag values are JSON Schema type arrays (string|number|boolean|null), see http/wire.ts.
    ajv: {
      customOptions: {
        allErrors: true,
        coerceTypes: 'array',
        removeAdditional: false,
        allowUnionTypes: true,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // A keep-alive connection whose request was in flight when close() began would otherwise stay open after its
  // response and hold the shutdown forever: while closing, every response tells the client to hang up.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Hooks on every request take Fastify's callback form: an async hook costs a promise per request per hook, which
  // shows at tens of thousands of flag requests a second.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id).header('flagsmith-version', FLAGSMITH_API_VERSION);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      seconds,
    );
    // One line per request at info level would drown flag serving; errors and slow requests are what matter.
    if (reply.statusCode >= 500 || seconds > 1) {
      request.log.warn(
        { method: request.method, url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime },
        'request',
      );
    } else if (logger.isLevelEnabled('debug')) {
      request.log.debug(
        { method: request.method, url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime },
        'request',
      );
    }
    done();
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ detail: 'Not found.' }));
  return app as unknown as HttpServer;
}
