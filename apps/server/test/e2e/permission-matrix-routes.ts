/** Marks every fixture of the organisation under attack: no response to anyone else may contain it. */
export const SECRET = 'zz-secret';

type Fx = Record<string, string | number>;

export interface RouteCase {
  /** Path parameter name to fixture name (default: the fixture named like the parameter). */
  params?: Record<string, string>;
  query?: (fx: Fx) => string;
  /** A valid body, so that a refusal is about permission and not about validation. */
  body?: unknown | ((fx: Fx) => unknown);
  /** The caller may get a 2xx here (its own data, or a list without the organisation's objects). */
  outsider?: 'allow';
  member?: 'allow';
  /** Works without credentials. */
  public?: true;
  /** Not called, with the reason. */
  skip?: string;
}

const own = { outsider: 'allow', member: 'allow' } as const;
const memberOnly = { member: 'allow' } as const;
const userGrant = (fx: Fx) => ({ user: fx.memberId, permissions: [] });
const groupGrant = (fx: Fx) => ({ group: fx.groupId, permissions: [] });
const mv = { type: 'unicode', string_value: 'x', default_percentage_allocation: 0 };

/** Grant routes exist at three scopes with the same shape. */
function grants(base: string, user: string, group: string): Record<string, RouteCase> {
  return {
    [`GET ${base}/user-permissions/`]: {},
    [`POST ${base}/user-permissions/`]: { body: userGrant },
    [`PUT ${base}/user-permissions/{id}/`]: { params: { id: user }, body: userGrant },
    [`PATCH ${base}/user-permissions/{id}/`]: { params: { id: user }, body: userGrant },
    [`DELETE ${base}/user-permissions/{id}/`]: { params: { id: user } },
    [`GET ${base}/user-group-permissions/`]: {},
    [`POST ${base}/user-group-permissions/`]: { body: groupGrant },
    [`PUT ${base}/user-group-permissions/{id}/`]: { params: { id: group }, body: groupGrant },
    [`PATCH ${base}/user-group-permissions/{id}/`]: { params: { id: group }, body: groupGrant },
    [`DELETE ${base}/user-group-permissions/{id}/`]: { params: { id: group } },
  };
}

const ORG = '/api/v1/organisations/{organisationId}';
const PROJECT = '/api/v1/projects/{projectId}';
const ENV = '/api/v1/environments/{apiKey}';
const FEATURE = `${PROJECT}/features/{featureId}`;
const IDENTITY = `${ENV}/identities/{identityId}`;

/** Every admin route, with what each kind of caller may get. The matrix test fails when a route is missing. */
export const ROUTES: Record<string, RouteCase> = {
  // Sessions and the caller's own objects.
  'POST /api/v1/auth/login/': { public: true },
  'POST /api/v1/auth/users/': { public: true },
  'GET /api/v1/auth/setup/': { public: true },
  'POST /api/v1/auth/logout/': { skip: 'logs the caller out; covered by the auth tests' },
  'GET /api/v1/auth/users/me/': own,
  'PUT /api/v1/auth/users/me/': { ...own, body: {} },
  'PATCH /api/v1/auth/users/me/': { ...own, body: {} },
  'POST /api/v1/auth/users/set_password/': {
    ...own,
    body: { current_password: 'wrong', new_password: 'whatever-123' },
  },
  'POST /api/v1/users/join/link/{hash}/': { ...own, params: { hash: 'bogusHash' } },
  'GET /api/v1/organisations/': own,
  'POST /api/v1/organisations/': { ...own, body: { name: 'Mine' } },
  'GET /api/v1/projects/': own,
  'GET /api/v1/environments/': own,
  'GET /api/v1/audit/': own,
  'GET /api/v1/features/feature-segments/': own,
  'GET /api/v1/organisations/permissions/': own,
  'GET /api/v1/projects/permissions/': own,
  'GET /api/v1/environments/permissions/': own,

  // Organisation.
  [`GET ${ORG}/`]: memberOnly,
  [`PUT ${ORG}/`]: { body: { name: 'taken' } },
  [`PATCH ${ORG}/`]: { body: {} },
  [`DELETE ${ORG}/`]: {},
  [`GET ${ORG}/users/`]: memberOnly,
  [`POST ${ORG}/users/{userId}/update-role/`]: { params: { userId: 'memberId' }, body: { role: 'ADMIN' } },
  [`POST ${ORG}/remove-users/`]: { body: (fx: Fx) => [{ id: fx.memberId }] },
  [`GET ${ORG}/my-permissions/`]: memberOnly,
  [`GET ${ORG}/audit/`]: {},
  [`GET ${ORG}/invite-links/`]: {},
  [`POST ${ORG}/invite-links/`]: { body: { role: 'ADMIN' } },
  [`DELETE ${ORG}/invite-links/{id}/`]: { params: { id: 'inviteLinkId' } },
  [`GET ${ORG}/master-api-keys/`]: {},
  [`POST ${ORG}/master-api-keys/`]: { body: { name: 'stolen' } },
  [`GET ${ORG}/master-api-keys/{prefix}/`]: {},
  [`PUT ${ORG}/master-api-keys/{prefix}/`]: { body: { name: 'x', revoked: true } },
  [`PATCH ${ORG}/master-api-keys/{prefix}/`]: { body: { revoked: true } },
  [`DELETE ${ORG}/master-api-keys/{prefix}/`]: {},
  [`GET ${ORG}/groups/`]: {},
  [`POST ${ORG}/groups/`]: { body: { name: 'g' } },
  [`GET ${ORG}/groups/{id}/`]: { params: { id: 'groupId' } },
  [`PUT ${ORG}/groups/{id}/`]: { params: { id: 'groupId' }, body: { name: 'g' } },
  [`PATCH ${ORG}/groups/{id}/`]: { params: { id: 'groupId' }, body: {} },
  [`DELETE ${ORG}/groups/{id}/`]: { params: { id: 'groupId' } },
  [`POST ${ORG}/groups/{id}/add-users/`]: {
    params: { id: 'groupId' },
    body: (fx: Fx) => ({ user_ids: [fx.memberId] }),
  },
  [`POST ${ORG}/groups/{id}/remove-users/`]: {
    params: { id: 'groupId' },
    body: (fx: Fx) => ({ user_ids: [fx.memberId] }),
  },
  ...grants(ORG, 'orgUserGrant', 'orgGroupGrant'),

  // Projects.
  'POST /api/v1/projects/': { body: (fx: Fx) => ({ name: 'intruder', organisation: fx.organisationId }) },
  'GET /api/v1/projects/get-by-uuid/{uuid}/': { params: { uuid: 'projectUuid' } },
  [`GET ${PROJECT}/`]: {},
  [`PUT ${PROJECT}/`]: { body: (fx: Fx) => ({ name: 'mine', organisation: fx.organisationId }) },
  [`PATCH ${PROJECT}/`]: { body: { hide_disabled_flags: true } },
  [`DELETE ${PROJECT}/`]: {},
  [`GET ${PROJECT}/limits/`]: {},
  [`GET ${PROJECT}/my-permissions/`]: {},
  [`GET ${PROJECT}/audit/`]: {},
  ...grants(PROJECT, 'projectUserGrant', 'projectGroupGrant'),

  // Features, options, tags, segments.
  [`GET ${PROJECT}/features/`]: {},
  [`POST ${PROJECT}/features/`]: { body: { name: 'intruder' } },
  [`GET ${FEATURE}/`]: {},
  [`PUT ${FEATURE}/`]: { body: { name: 'renamed' } },
  [`PATCH ${FEATURE}/`]: { body: { description: 'x' } },
  [`DELETE ${FEATURE}/`]: {},
  [`POST ${FEATURE}/add-owners/`]: { body: (fx: Fx) => ({ user_ids: [fx.memberId] }) },
  [`POST ${FEATURE}/remove-owners/`]: { body: (fx: Fx) => ({ user_ids: [fx.memberId] }) },
  'GET /api/v1/features/get-by-uuid/{uuid}/': { params: { uuid: 'featureUuid' } },
  [`GET ${FEATURE}/evaluation-data/`]: { query: (fx: Fx) => `environment_id=${fx.environmentId}` },
  [`GET ${FEATURE}/mv-options/`]: {},
  [`POST ${FEATURE}/mv-options/`]: { body: mv },
  [`GET ${FEATURE}/mv-options/{optionId}/`]: {},
  [`PUT ${FEATURE}/mv-options/{optionId}/`]: { body: mv },
  [`PATCH ${FEATURE}/mv-options/{optionId}/`]: { body: mv },
  [`DELETE ${FEATURE}/mv-options/{optionId}/`]: {},
  'GET /api/v1/multivariate/options/get-by-uuid/{uuid}/': { params: { uuid: 'optionUuid' } },
  [`GET ${PROJECT}/tags/`]: {},
  [`POST ${PROJECT}/tags/`]: { body: { label: 'x' } },
  [`GET ${PROJECT}/tags/{tagId}/`]: {},
  [`PUT ${PROJECT}/tags/{tagId}/`]: { body: { label: 'x' } },
  [`PATCH ${PROJECT}/tags/{tagId}/`]: { body: {} },
  [`DELETE ${PROJECT}/tags/{tagId}/`]: {},
  'GET /api/v1/tags/get-by-uuid/{uuid}/': { params: { uuid: 'tagUuid' } },
  [`GET ${PROJECT}/segments/`]: {},
  [`POST ${PROJECT}/segments/`]: { body: { name: 'x', rules: [] } },
  [`GET ${PROJECT}/segments/{segmentId}/`]: {},
  [`PUT ${PROJECT}/segments/{segmentId}/`]: { body: { name: 'x', rules: [] } },
  [`PATCH ${PROJECT}/segments/{segmentId}/`]: { body: { rules: [] } },
  [`DELETE ${PROJECT}/segments/{segmentId}/`]: {},
  'GET /api/v1/segments/get-by-uuid/{uuid}/': { params: { uuid: 'segmentUuid' } },

  // Environments.
  'POST /api/v1/environments/': { body: (fx: Fx) => ({ name: 'x', project: fx.projectId }) },
  'GET /api/v1/environments/get-by-uuid/{uuid}/': { params: { uuid: 'environmentUuid' } },
  [`GET ${ENV}/`]: {},
  [`PUT ${ENV}/`]: { body: (fx: Fx) => ({ name: 'x', project: fx.projectId }) },
  [`PATCH ${ENV}/`]: { body: { allow_client_traits: false } },
  [`DELETE ${ENV}/`]: {},
  [`POST ${ENV}/clone/`]: { body: { name: 'copy' } },
  [`GET ${ENV}/limits/`]: {},
  [`GET ${ENV}/my-permissions/`]: {},
  [`GET ${ENV}/audit/`]: {},
  [`POST ${ENV}/import-document/`]: { body: { feature_states: [] } },
  [`GET ${ENV}/document/`]: {},
  [`GET ${ENV}/api-keys/`]: {},
  [`POST ${ENV}/api-keys/`]: { body: { name: 'x' } },
  [`GET ${ENV}/api-keys/{id}/`]: { params: { id: 'serverKeyId' } },
  [`PUT ${ENV}/api-keys/{id}/`]: { params: { id: 'serverKeyId' }, body: { name: 'x' } },
  [`PATCH ${ENV}/api-keys/{id}/`]: { params: { id: 'serverKeyId' }, body: { active: false } },
  [`DELETE ${ENV}/api-keys/{id}/`]: { params: { id: 'serverKeyId' } },
  ...grants(ENV, 'envUserGrant', 'envGroupGrant'),

  // Feature states and segment overrides.
  [`GET ${ENV}/featurestates/`]: {},
  [`GET ${ENV}/featurestates/{stateId}/`]: {},
  [`PUT ${ENV}/featurestates/{stateId}/`]: { body: { enabled: true } },
  [`PATCH ${ENV}/featurestates/{stateId}/`]: { body: { enabled: true } },
  [`DELETE ${ENV}/featurestates/{stateId}/`]: { params: { stateId: 'overrideStateId' } },
  'GET /api/v1/features/featurestates/': { query: (fx: Fx) => `environment=${fx.environmentId}` },
  'POST /api/v1/features/featurestates/': {
    body: (fx: Fx) => ({
      feature: fx.featureId,
      environment: fx.environmentId,
      feature_segment: fx.featureSegmentId,
      enabled: false,
    }),
  },
  'GET /api/v1/features/featurestates/get-by-uuid/{uuid}/': { params: { uuid: 'stateUuid' } },
  'GET /api/v1/features/featurestates/{stateId}/': {},
  'PUT /api/v1/features/featurestates/{stateId}/': { body: { enabled: true } },
  'PATCH /api/v1/features/featurestates/{stateId}/': { body: { enabled: true } },
  'DELETE /api/v1/features/featurestates/{stateId}/': { params: { stateId: 'overrideStateId' } },
  [`POST ${ENV}/features/{featureId}/create-segment-override/`]: {
    body: (fx: Fx) => ({ feature_segment: { segment: fx.spareSegmentId }, enabled: true }),
  },
  'POST /api/v1/features/feature-segments/': {
    body: (fx: Fx) => ({ feature: fx.featureId, segment: fx.spareSegmentId, environment: fx.environmentId }),
  },
  'POST /api/v1/features/feature-segments/update-priorities/': {
    body: (fx: Fx) => [{ id: fx.featureSegmentId, priority: 0 }],
  },
  'GET /api/v1/features/feature-segments/{id}/': { params: { id: 'featureSegmentId' } },
  'PUT /api/v1/features/feature-segments/{id}/': {
    params: { id: 'featureSegmentId' },
    body: { priority: 0 },
  },
  'PATCH /api/v1/features/feature-segments/{id}/': {
    params: { id: 'featureSegmentId' },
    body: { priority: 0 },
  },
  'DELETE /api/v1/features/feature-segments/{id}/': { params: { id: 'featureSegmentId' } },

  // Identities, traits, identity overrides.
  [`GET ${ENV}/identities/`]: {},
  [`POST ${ENV}/identities/`]: { body: { identifier: 'intruder' } },
  [`GET ${IDENTITY}/`]: {},
  [`PUT ${IDENTITY}/`]: { body: { dashboard_alias: 'x' } },
  [`PATCH ${IDENTITY}/`]: { body: { dashboard_alias: 'x' } },
  [`DELETE ${IDENTITY}/`]: {},
  [`GET ${IDENTITY}/traits/`]: {},
  [`POST ${IDENTITY}/traits/`]: { body: { trait_key: 'k', trait_value: 'v' } },
  [`GET ${IDENTITY}/traits/{traitId}/`]: {},
  [`PUT ${IDENTITY}/traits/{traitId}/`]: { body: { trait_key: 'k', trait_value: 'v' } },
  [`PATCH ${IDENTITY}/traits/{traitId}/`]: { body: { trait_value: 'v' } },
  [`DELETE ${IDENTITY}/traits/{traitId}/`]: {},
  [`GET ${ENV}/trait-keys/`]: {},
  [`POST ${ENV}/delete-traits/`]: { body: { key: 'zz-secret_trait' } },
  [`GET ${IDENTITY}/featurestates/`]: {},
  [`POST ${IDENTITY}/featurestates/`]: { body: (fx: Fx) => ({ feature: fx.featureId, enabled: true }) },
  [`GET ${IDENTITY}/featurestates/all/`]: {},
  [`POST ${IDENTITY}/featurestates/clone-from-given-identity/`]: {
    params: { identityId: 'otherIdentityId' },
    body: (fx: Fx) => ({ source_identity_id: fx.identityId }),
  },
  [`GET ${IDENTITY}/featurestates/{stateId}/`]: { params: { stateId: 'identityStateId' } },
  [`PUT ${IDENTITY}/featurestates/{stateId}/`]: {
    params: { stateId: 'identityStateId' },
    body: { enabled: false },
  },
  [`PATCH ${IDENTITY}/featurestates/{stateId}/`]: {
    params: { stateId: 'identityStateId' },
    body: { enabled: false },
  },
  [`DELETE ${IDENTITY}/featurestates/{stateId}/`]: { params: { stateId: 'identityStateId' } },

  // Audit.
  'GET /api/v1/audit/{id}/': { params: { id: 'auditId' } },

  // Vexil's task queue is instance-wide: admin master API keys only, every user is refused whatever their role.
  // The routes refuse before looking anything up, so any id will do.
  'GET /api/v1/vexil/tasks/': {},
  'GET /api/v1/vexil/tasks/{id}/': { params: { id: 'auditId' } },
  'POST /api/v1/vexil/tasks/{id}/rerun/': { params: { id: 'auditId' } },
  'POST /api/v1/vexil/tasks/{id}/cancel/': { params: { id: 'auditId' } },
};
