import { Type } from 'typebox';
import type { HttpServer } from '../../http/server.ts';
import { Detail, ErrorResponses } from '../../http/wire.ts';
import type { RequireAuth } from '../auth/index.ts';
import type { DocumentImportService } from './document-import-service.ts';
import { EnvironmentDocument, ImportResult } from './document-schema.ts';

/** Vexil addition: `POST /api/v1/environments/{api_key}/import-document/` with a Flagsmith environment document. */
export function registerDocumentImportRoutes(
  app: HttpServer,
  deps: { imports: DocumentImportService; requireAuth: RequireAuth; maxBodyBytes: number },
) {
  app.post(
    '/api/v1/environments/:apiKey/import-document/',
    {
      // Documents of ten times the 2023 incident's size run to tens of megabytes.
      bodyLimit: deps.maxBodyBytes,
      schema: {
        tags: ['import'],
        summary:
          'Vexil: load a Flagsmith environment document (features, MV options, segments, segment and identity overrides) into this environment, in one transaction (project admin)',
        params: Type.Object({ apiKey: Type.String({ maxLength: 100 }) }),
        body: EnvironmentDocument,
        response: { 200: ImportResult, 413: Detail, ...ErrorResponses },
      },
    },
    async (request) =>
      deps.imports.import(await deps.requireAuth(request), request.params.apiKey, request.body),
  );
}
