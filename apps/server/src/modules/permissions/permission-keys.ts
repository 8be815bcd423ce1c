/** Flagsmith's permission keys, with the descriptions its permissions catalogue endpoints list. */
export const ORGANISATION_PERMISSIONS = {
  CREATE_PROJECT: 'Allows the user to create projects in this organisation.',
  MANAGE_USER_GROUPS: 'Allows the user to manage the groups in the organisation and their members.',
} as const;

export const PROJECT_PERMISSIONS = {
  VIEW_PROJECT: 'View permission for the given project.',
  CREATE_ENVIRONMENT: 'Ability to create an environment in the given project.',
  DELETE_FEATURE: 'Ability to delete features in the given project.',
  CREATE_FEATURE: 'Ability to create features in the given project.',
  EDIT_FEATURE: 'Ability to edit features in the given project.',
  MANAGE_SEGMENTS: 'Ability to create, delete and edit segments in the given project.',
  VIEW_AUDIT_LOG: 'Allows the user to view the audit logs for this project.',
  MANAGE_TAGS: 'Allows the user to manage tags in the given project.',
  CREATE_PROJECT_LEVEL_CHANGE_REQUESTS: 'Ability to create project level change requests.',
  APPROVE_PROJECT_LEVEL_CHANGE_REQUESTS: 'Ability to approve project level change requests.',
  MANAGE_PROJECT_LEVEL_CHANGE_REQUESTS: 'Ability to manage project level change requests.',
} as const;

export const ENVIRONMENT_PERMISSIONS = {
  VIEW_ENVIRONMENT: 'View permission for the given environment.',
  UPDATE_FEATURE_STATE: 'Update the state or value for a given feature state.',
  MANAGE_IDENTITIES: 'Manage identities in the given environment.',
  VIEW_IDENTITIES: 'View identities in the given environment.',
  CREATE_CHANGE_REQUEST: 'Permission to create change requests in the given environment.',
  APPROVE_CHANGE_REQUEST: 'Permission to approve change requests in the given environment.',
  MANAGE_SEGMENT_OVERRIDES: 'Permission to manage segment overrides in the given environment.',
} as const;

export type OrganisationPermission = keyof typeof ORGANISATION_PERMISSIONS;
export type ProjectPermission = keyof typeof PROJECT_PERMISSIONS;
export type EnvironmentPermission = keyof typeof ENVIRONMENT_PERMISSIONS;
export type PermissionScope = 'organisation' | 'project' | 'environment';

export const PERMISSIONS_BY_SCOPE: Record<PermissionScope, Readonly<Record<string, string>>> = {
  organisation: ORGANISATION_PERMISSIONS,
  project: PROJECT_PERMISSIONS,
  environment: ENVIRONMENT_PERMISSIONS,
};

/** Keys that are not defined for a scope, to reject them with a field error. */
export function unknownPermissions(scope: PermissionScope, keys: readonly string[]): string[] {
  return keys.filter((k) => !(k in PERMISSIONS_BY_SCOPE[scope]));
}
