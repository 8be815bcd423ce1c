import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { HttpServer } from './server.ts';

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const DOCS_PATH = '/api/v1/docs';

/**
 * OpenAPI 3.1 generated from the TypeBox schemas every admin route declares (request and response), served at
 * /api/v1/openapi.json, with Swagger UI at /api/v1/docs. Must be registered before the routes it describes: it
 * collects them through an onRoute hook.
 */
export async function registerOpenApi(app: HttpServer, version: string) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vexil admin API',
        version,
        description:
          'Flagsmith-compatible admin (Core) API. Authenticate with `Authorization: Api-Key <organisation master API key>` or `Authorization: Token <key from POST /api/v1/auth/login/>`. See docs/compatibility.md for the differences from Flagsmith.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Api-Key <key>' },
          token: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Token <key>' },
        },
      },
      security: [{ apiKey: [] }, { token: [] }],
    },
    // Only the admin API: health and metrics are operational endpoints with their own docs.
    transform: ({ schema, url }) => ({
      schema: url.startsWith('/api/v1/') ? schema : { ...schema, hide: true },
      url,
    }),
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PATH, staticCSP: true });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}
