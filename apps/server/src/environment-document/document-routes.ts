import { Type } from 'typebox';
import type { HttpServer } from '../http/server.ts';
import { ErrorResponses } from '../http/wire.ts';
import type { RequireAuth } from '../modules/auth/index.ts';
import type { EnvironmentResolver } from '../modules/environments/index.ts';
import { NotFoundError } from '../platform/errors.ts';
import type { EnvironmentDocumentStore } from './document-store.ts';

/**
 * `GET /api/v1/environments/{api_key}/document/`: Flagsmith Core's admin view of an environment's SDK document
 * (needs VIEW_ENVIRONMENT). Vexil answers with the stored document, byte for byte what the SDK API serves, plus
 * the version it was built from; Core builds it on request instead.
 */
export function registerDocumentRoutes(
  app: HttpServer,
  deps: { resolver: EnvironmentResolver; documents: EnvironmentDocumentStore; requireAuth: RequireAuth },
) {
  app.get(
    '/api/v1/environments/:apiKey/document/',
    {
      schema: {
        tags: ['environments'],
        summary:
          'The SDK environment document as stored (Vexil: X-Vexil-Document-Version names its data version)',
        params: Type.Object({ apiKey: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: {
          200: Type.Object({}, { additionalProperties: true, description: 'spec §2.1 environment document' }),
          ...ErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const principal = await deps.requireAuth(request);
      const { environment } = await deps.resolver.byKey(principal, request.params.apiKey);
      const stored = await deps.documents.read(environment.id);
      if (!stored) throw new NotFoundError('The environment document has not been built yet; retry shortly.');
      // The stored text is sent as is: serialized once by the builder, never parsed here.
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('x-vexil-document-version', String(stored.dataVersion))
        .header('last-modified', stored.dataUpdatedAt.toUTCString())
        .send(stored.document as unknown as Record<string, unknown>);
    },
  );
}
