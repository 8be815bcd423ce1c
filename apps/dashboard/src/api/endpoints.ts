import { api, qs } from './client.ts';
import type {
  AuditDetail,
  AuditEntry,
  Environment,
  Feature,
  FeatureSegment,
  FeatureState,
  FlagValue,
  Identity,
  IdentityFlag,
  LimitUsage,
  MvOption,
  MvStateValue,
  Organisation,
  Paginated,
  Project,
  Rule,
  SdkIdentityResponse,
  Segment,
  ServerKey,
  Tag,
  Trait,
  User,
} from './types.ts';

// Typed calls over the admin API, one function per endpoint the dashboard uses. Paths keep Flagsmith's
// trailing slash. Lists that the API paginates are read whole with the largest page size (999).

const V1 = '/api/v1';
const ALL = 999;

/** Reads every page of a paginated list, the first page first and then the rest in parallel. */
export async function allPages<T>(
  path: string,
  params: Record<string, string | number | boolean | undefined>,
) {
  const first = await api.get<Paginated<T>>(`${path}${qs({ ...params, page_size: ALL, page: 1 })}`);
  const pages = Math.ceil(first.count / ALL);
  if (pages <= 1) return first.results;
  const rest = await Promise.all(
    Array.from({ length: pages - 1 }, (_, i) =>
      api.get<Paginated<T>>(`${path}${qs({ ...params, page_size: ALL, page: i + 2 })}`),
    ),
  );
  return [...first.results, ...rest.flatMap((p) => p.results)];
}

export const authApi = {
  setup: () => api.get<{ first_user_needed: boolean }>(`${V1}/auth/setup/`),
  login: (email: string, password: string) =>
    api.post<{ key: string }>(`${V1}/auth/login/`, { email, password }),
  signUp: (body: {
    email: string;
    password: string;
    first_name: string;
    last_name: string;
    invite_hash?: string;
  }) => api.post<{ key: string }>(`${V1}/auth/users/`, body),
  logout: () => api.post<void>(`${V1}/auth/logout/`),
  me: () => api.get<User>(`${V1}/auth/users/me/`),
};

export interface InviteLink {
  id: number;
  hash: string;
  role: string;
  date_created: string;
  expires_at: string | null;
}

export const organisationApi = {
  list: () => allPages<Organisation>(`${V1}/organisations/`, {}),
  create: (name: string) => api.post<Organisation>(`${V1}/organisations/`, { name }),
  members: (id: number) => api.get<(User & { role: string })[]>(`${V1}/organisations/${id}/users/`),
  inviteLinks: (id: number) => api.get<InviteLink[]>(`${V1}/organisations/${id}/invite-links/`),
  createInviteLink: (id: number, role: 'ADMIN' | 'USER') =>
    api.post<InviteLink>(`${V1}/organisations/${id}/invite-links/`, { role }),
  deleteInviteLink: (id: number, linkId: number) =>
    api.delete(`${V1}/organisations/${id}/invite-links/${linkId}/`),
  join: (hash: string) => api.post<Organisation>(`${V1}/users/join/link/${hash}/`),
};

export const projectApi = {
  list: (organisation: number) => api.get<Project[]>(`${V1}/projects/${qs({ organisation })}`),
  get: (id: number) => api.get<Project>(`${V1}/projects/${id}/`),
  create: (organisation: number, name: string) =>
    api.post<Project>(`${V1}/projects/`, { organisation, name }),
  remove: (id: number) => api.delete(`${V1}/projects/${id}/`),
  limits: (id: number) => api.get<LimitUsage[]>(`${V1}/projects/${id}/limits/`),
};

export const environmentApi = {
  list: (project: number) => allPages<Environment>(`${V1}/environments/`, { project }),
  create: (project: number, name: string, description?: string) =>
    api.post<Environment>(`${V1}/environments/`, { project, name, description: description || null }),
  update: (key: string, patch: Partial<Pick<Environment, 'name' | 'description' | 'allow_client_traits'>>) =>
    api.patch<Environment>(`${V1}/environments/${key}/`, patch),
  remove: (key: string) => api.delete(`${V1}/environments/${key}/`),
  limits: (key: string) => api.get<LimitUsage[]>(`${V1}/environments/${key}/limits/`),
  serverKeys: (key: string) => api.get<ServerKey[]>(`${V1}/environments/${key}/api-keys/`),
  createServerKey: (key: string, name: string) =>
    api.post<ServerKey>(`${V1}/environments/${key}/api-keys/`, { name }),
  deleteServerKey: (key: string, id: number) => api.delete(`${V1}/environments/${key}/api-keys/${id}/`),
};

export interface NewFeature {
  name: string;
  description?: string | null;
  initial_value?: FlagValue;
  default_enabled?: boolean;
  tags?: number[];
  is_server_key_only?: boolean;
}

export const featureApi = {
  /** Every feature of the project, each with its state in the environment. */
  list: (project: number, environment: number) =>
    allPages<Feature>(`${V1}/projects/${project}/features/`, {
      environment,
      sort_field: 'name',
      sort_direction: 'ASC',
    }),
  get: (project: number, id: number) => api.get<Feature>(`${V1}/projects/${project}/features/${id}/`),
  create: (project: number, body: NewFeature) =>
    api.post<Feature>(`${V1}/projects/${project}/features/`, body),
  update: (project: number, id: number, patch: Partial<NewFeature & { is_archived: boolean }>) =>
    api.patch<Feature>(`${V1}/projects/${project}/features/${id}/`, patch),
  remove: (project: number, id: number) => api.delete(`${V1}/projects/${project}/features/${id}/`),
  createOption: (project: number, feature: number, body: Partial<MvOption>) =>
    api.post<MvOption>(`${V1}/projects/${project}/features/${feature}/mv-options/`, body),
  updateOption: (project: number, feature: number, id: number, body: Partial<MvOption>) =>
    api.patch<MvOption>(`${V1}/projects/${project}/features/${feature}/mv-options/${id}/`, body),
  removeOption: (project: number, feature: number, id: number) =>
    api.delete(`${V1}/projects/${project}/features/${feature}/mv-options/${id}/`),
};

export interface StatePatch {
  enabled?: boolean;
  feature_state_value?: FlagValue;
  multivariate_feature_state_values?: MvStateValue[];
}

export const featureStateApi = {
  /** Environment default of one feature (plain values). */
  getDefault: async (envKey: string, feature: number) =>
    (await api.get<Paginated<FeatureState>>(`${V1}/environments/${envKey}/featurestates/${qs({ feature })}`))
      .results[0],
  updateDefault: (envKey: string, stateId: number, patch: StatePatch) =>
    api.patch<FeatureState>(`${V1}/environments/${envKey}/featurestates/${stateId}/`, patch),
  /** Every state of a feature in an environment: default, segment overrides and identity overrides. */
  listForFeature: (environment: number, feature: number) =>
    allPages<FeatureState & { feature_state_value: unknown }>(`${V1}/features/featurestates/`, {
      environment,
      feature,
    }),
  update: (stateId: number, patch: StatePatch) =>
    api.patch<FeatureState>(`${V1}/features/featurestates/${stateId}/`, patch),
  remove: (stateId: number) => api.delete(`${V1}/features/featurestates/${stateId}/`),
};

export const segmentOverrideApi = {
  list: (environment: number, feature: number) =>
    allPages<FeatureSegment>(`${V1}/features/feature-segments/`, { environment, feature }),
  create: (envKey: string, feature: number, segment: number, state: StatePatch) =>
    api.post<FeatureState>(`${V1}/environments/${envKey}/features/${feature}/create-segment-override/`, {
      ...state,
      feature_segment: { segment },
    }),
  reorder: (order: { id: number; priority: number }[]) =>
    api.post<FeatureSegment[]>(`${V1}/features/feature-segments/update-priorities/`, order),
  remove: (id: number) => api.delete(`${V1}/features/feature-segments/${id}/`),
};

export const tagApi = {
  list: (project: number) => api.get<Tag[]>(`${V1}/projects/${project}/tags/`),
  create: (project: number, label: string, color: string) =>
    api.post<Tag>(`${V1}/projects/${project}/tags/`, { label, color }),
};

export interface SegmentInput {
  name: string;
  description: string | null;
  rules: Rule[];
}

export const segmentApi = {
  list: (project: number) => allPages<Segment>(`${V1}/projects/${project}/segments/`, {}),
  get: (project: number, id: number) => api.get<Segment>(`${V1}/projects/${project}/segments/${id}/`),
  create: (project: number, body: SegmentInput) =>
    api.post<Segment>(`${V1}/projects/${project}/segments/`, { ...body, project }),
  update: (project: number, id: number, body: SegmentInput) =>
    api.put<Segment>(`${V1}/projects/${project}/segments/${id}/`, { ...body, project }),
  remove: (project: number, id: number) => api.delete(`${V1}/projects/${project}/segments/${id}/`),
};

export const identityApi = {
  search: (envKey: string, q: string, page: number) =>
    api.get<Paginated<Identity>>(`${V1}/environments/${envKey}/identities/${qs({ q, page, page_size: 50 })}`),
  get: (envKey: string, id: number) => api.get<Identity>(`${V1}/environments/${envKey}/identities/${id}/`),
  create: (envKey: string, identifier: string) =>
    api.post<Identity>(`${V1}/environments/${envKey}/identities/`, { identifier }),
  remove: (envKey: string, id: number) => api.delete(`${V1}/environments/${envKey}/identities/${id}/`),
  traits: (envKey: string, id: number) =>
    api.get<Trait[]>(`${V1}/environments/${envKey}/identities/${id}/traits/`),
  setTrait: (envKey: string, id: number, trait_key: string, trait_value: FlagValue) =>
    api.post<Trait>(`${V1}/environments/${envKey}/identities/${id}/traits/`, { trait_key, trait_value }),
  updateTrait: (envKey: string, id: number, traitId: number, trait_value: FlagValue) =>
    api.patch<Trait>(`${V1}/environments/${envKey}/identities/${id}/traits/${traitId}/`, { trait_value }),
  removeTrait: (envKey: string, id: number, traitId: number) =>
    api.delete(`${V1}/environments/${envKey}/identities/${id}/traits/${traitId}/`),
  overrides: (envKey: string, id: number) =>
    api.get<FeatureState[]>(`${V1}/environments/${envKey}/identities/${id}/featurestates/`),
  createOverride: (envKey: string, id: number, feature: number, state: StatePatch) =>
    api.post<FeatureState>(`${V1}/environments/${envKey}/identities/${id}/featurestates/`, {
      feature,
      ...state,
    }),
  updateOverride: (envKey: string, id: number, stateId: number, state: StatePatch) =>
    api.patch<FeatureState>(`${V1}/environments/${envKey}/identities/${id}/featurestates/${stateId}/`, state),
  removeOverride: (envKey: string, id: number, stateId: number) =>
    api.delete(`${V1}/environments/${envKey}/identities/${id}/featurestates/${stateId}/`),
  allFlags: (envKey: string, id: number) =>
    api.get<IdentityFlag[]>(`${V1}/environments/${envKey}/identities/${id}/featurestates/all/`),
};

export const sdkApi = {
  /** Flagsmith's SDK endpoint, authenticated by the environment's client key, not the session. */
  identify: (
    envKey: string,
    identifier: string,
    traits: { trait_key: string; trait_value: FlagValue }[],
    transient: boolean,
  ) =>
    api.request<SdkIdentityResponse>(
      'POST',
      `${V1}/identities/`,
      { identifier, traits, transient },
      { 'x-environment-key': envKey },
    ),
};

export interface AuditFilter {
  project: number;
  environment?: number | undefined;
  search?: string | undefined;
  page: number;
}

export const auditApi = {
  list: (f: AuditFilter) =>
    api.get<Paginated<AuditEntry>>(
      `${V1}/projects/${f.project}/audit/${qs({ environment: f.environment, search: f.search, page: f.page, page_size: 50 })}`,
    ),
  get: (id: number) => api.get<AuditDetail>(`${V1}/audit/${id}/`),
};
