export { registerDocumentImportRoutes } from './document-import-routes.ts';
export { DocumentImportService } from './document-import-service.ts';
