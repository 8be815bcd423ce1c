export { AuditLog } from './audit-log.ts';
export { type AuditReadAccess, registerAuditRoutes } from './audit-routes.ts';
export { type AuditEntry, AuditMessages, type RelatedObjectType } from './audit-types.ts';
