export {
  Access,
  type EnvironmentAccess,
  type OrganisationAccess,
  type ProjectAccess,
} from './access.ts';
export { grantStore } from './grant-store.ts';
export { registerGroupRoutes } from './group-routes.ts';
export { GroupService } from './group-service.ts';
export {
  ENVIRONMENT_PERMISSIONS,
  type EnvironmentPermission,
  ORGANISATION_PERMISSIONS,
  type OrganisationPermission,
  PROJECT_PERMISSIONS,
  type ProjectPermission,
} from './permission-keys.ts';
export { registerPermissionRoutes } from './permission-routes.ts';
export { PermissionService } from './permission-service.ts';
