import { useQuery } from '@tanstack/react-query';
import {
  authApi,
  environmentApi,
  featureApi,
  organisationApi,
  projectApi,
  segmentApi,
  tagApi,
} from './endpoints.ts';

/** Query keys in one place, so a mutation invalidates exactly what it changed. */
export const keys = {
  me: ['me'] as const,
  setup: ['setup'] as const,
  organisations: ['organisations'] as const,
  projects: (org: number) => ['projects', org] as const,
  project: (id: number) => ['project', id] as const,
  projectLimits: (id: number) => ['limits', 'project', id] as const,
  environments: (project: number) => ['environments', project] as const,
  environmentLimits: (key: string) => ['limits', 'environment', key] as const,
  serverKeys: (key: string) => ['server-keys', key] as const,
  features: (project: number, env: number) => ['features', project, env] as const,
  feature: (project: number, id: number, env: number) => ['feature', project, id, env] as const,
  featureStates: (env: number, feature: number) => ['feature-states', env, feature] as const,
  featureSegments: (env: number, feature: number) => ['feature-segments', env, feature] as const,
  tags: (project: number) => ['tags', project] as const,
  segments: (project: number) => ['segments', project] as const,
  segment: (project: number, id: number) => ['segment', project, id] as const,
  identities: (envKey: string) => ['identities', envKey] as const,
  identity: (envKey: string, id: number) => ['identity', envKey, id] as const,
  audit: (project: number) => ['audit', project] as const,
};

export const useMe = (enabled: boolean) =>
  useQuery({ queryKey: keys.me, queryFn: authApi.me, enabled, retry: false });

export const useOrganisations = () =>
  useQuery({ queryKey: keys.organisations, queryFn: organisationApi.list });

export const useProjects = (org: number | undefined) =>
  useQuery({
    queryKey: keys.projects(org ?? 0),
    queryFn: () => projectApi.list(org ?? 0),
    enabled: org !== undefined,
  });

export const useProject = (id: number) =>
  useQuery({ queryKey: keys.project(id), queryFn: () => projectApi.get(id) });

export const useEnvironments = (project: number) =>
  useQuery({ queryKey: keys.environments(project), queryFn: () => environmentApi.list(project) });

export const useProjectLimits = (project: number) =>
  useQuery({ queryKey: keys.projectLimits(project), queryFn: () => projectApi.limits(project) });

export const useEnvironmentLimits = (envKey: string) =>
  useQuery({ queryKey: keys.environmentLimits(envKey), queryFn: () => environmentApi.limits(envKey) });

export const useTags = (project: number) =>
  useQuery({ queryKey: keys.tags(project), queryFn: () => tagApi.list(project) });

export const useSegments = (project: number) =>
  useQuery({ queryKey: keys.segments(project), queryFn: () => segmentApi.list(project) });

export const useFeatures = (project: number, env: number | undefined) =>
  useQuery({
    queryKey: keys.features(project, env ?? 0),
    queryFn: () => featureApi.list(project, env ?? 0),
    enabled: env !== undefined,
  });
