import type { Principal } from '../auth/index.ts';

/** Flagsmith's RelatedObjectType names, plus the Vexil objects it does not audit. */
export type RelatedObjectType =
  | 'FEATURE'
  | 'FEATURE_STATE'
  | 'SEGMENT'
  | 'ENVIRONMENT'
  | 'PROJECT'
  | 'ORGANISATION'
  | 'IDENTITY'
  | 'TAG'
  | 'MASTER_API_KEY'
  | 'ENVIRONMENT_API_KEY'
  | 'PERMISSION'
  | 'GROUP'
  | 'USER'
  | 'IMPORT_REQUEST';

/** One audited change. `before`/`after` are the object's JSON (null for a create/delete side). */
export interface AuditEntry {
  principal: Principal | null;
  organisationId: number;
  projectId?: number | null;
  environmentId?: number | null;
  relatedObjectType: RelatedObjectType;
  relatedObjectId?: number | null;
  relatedObjectUuid?: string | null;
  /** Flagsmith-style message, e.g. "New Flag / Remote Config created: my_flag". */
  log: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditRecord {
  id: number;
  createdDate: Date;
  log: string;
  organisationId: number;
  author: { id: number; email: string; firstName: string; lastName: string } | null;
  masterApiKey: { id: number; prefix: string; name: string } | null;
  project: { id: number; name: string; organisationId: number } | null;
  projectId: number | null;
  environment: { id: number; name: string; apiKey: string } | null;
  environmentId: number | null;
  relatedObjectType: string;
  relatedObjectId: number | null;
  relatedObjectUuid: string | null;
  isSystemEvent: boolean;
  before: unknown;
  after: unknown;
}

export interface AuditQuery {
  organisationId?: number;
  /** Restricts to these projects (the ones the caller may read the audit log of). */
  projectIds?: readonly number[];
  environmentIds?: readonly number[];
  search?: string;
  isSystemEvent?: boolean;
  offset: number;
  limit: number;
}

/** Flagsmith's audit log messages (audit/constants.py), reused so logs read the same. */
export const AuditMessages = {
  featureCreated: (name: string) => `New Flag / Remote Config created: ${name}`,
  featureUpdated: (name: string) => `Flag / Remote Config updated: ${name}`,
  featureDeleted: (name: string) => `Flag / Remote Config Deleted: ${name}`,
  featureStateUpdated: (feature: string) =>
    `Flag state / Remote Config value updated for feature: ${feature}`,
  segmentOverrideUpdated: (feature: string, segment: string) =>
    `Flag state / Remote config value updated for feature '${feature}' and segment '${segment}'`,
  segmentOverrideDeleted: (feature: string, segment: string) =>
    `Flag state / Remote config value deleted for feature '${feature}' and segment '${segment}'`,
  identityOverrideUpdated: (feature: string, identity: string) =>
    `Flag state / Remote config value updated for feature '${feature}' and identity '${identity}'`,
  identityOverrideDeleted: (feature: string, identity: string) =>
    `Flag state / Remote config value deleted for feature '${feature}' and identity '${identity}'`,
  environmentCreated: (name: string) => `New Environment created: ${name}`,
  environmentUpdated: (name: string) => `Environment updated: ${name}`,
  environmentDeleted: (name: string) => `Environment deleted: ${name}`,
  segmentCreated: (name: string) => `New Segment created: ${name}`,
  segmentUpdated: (name: string) => `Segment updated: ${name}`,
  segmentDeleted: (name: string) => `Segment deleted: ${name}`,
  projectCreated: (name: string) => `New Project created: ${name}`,
  projectUpdated: (name: string) => `Project updated: ${name}`,
  projectDeleted: (name: string) => `Project deleted: ${name}`,
} as const;
