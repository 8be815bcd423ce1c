/**
 * Environment documents: built from SQL by the pipeline, stored one per environment, served by the SDK API.
 * Other code imports only this file.
 */

export { type BuiltDocument, buildEnvironmentDocument } from './document-builder.ts';
export { createDocumentMetrics } from './document-metrics.ts';
export { registerDocumentRoutes } from './document-routes.ts';
export { rebuildingEnvironmentChangeSink } from './document-sink.ts';
export {
  DOCUMENT_CHANNEL,
  type DocumentNotice,
  EnvironmentDocumentStore,
  type NewDocument,
  parseDocumentNotice,
  type StoredDocument,
} from './document-store.ts';
export {
  REBUILD_TASK,
  RECONCILE_TASK,
  rebuildEnvironmentDocumentTask,
  reconcileEnvironmentDocumentsTask,
} from './document-tasks.ts';
