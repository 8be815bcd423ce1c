import { useEffect } from 'react';
import { useParams } from 'react-router';
import { useEnvironments, useProject } from '../../api/queries.ts';
import type { Environment } from '../../api/types.ts';
import { rememberLast } from '../../app/last-location.ts';

export interface CurrentEnvironment {
  projectId: number;
  envKey: string;
  /** Undefined while loading, or when the key is not one of the project's environments. */
  environment: Environment | undefined;
  loading: boolean;
  error: unknown;
}

/** The project and environment in the URL (`/projects/:projectId/environments/:envKey/…`), remembered for `/`. */
export function useCurrentEnvironment(): CurrentEnvironment {
  const params = useParams();
  const projectId = Number(params.projectId);
  const envKey = params.envKey ?? '';
  const envs = useEnvironments(projectId);
  const project = useProject(projectId);
  const environment = envs.data?.find((e) => e.api_key === envKey);
  const organisation = project.data?.organisation;
  useEffect(() => {
    if (environment && organisation !== undefined) {
      rememberLast({ organisation, project: projectId, environment: envKey });
    }
  }, [environment, organisation, projectId, envKey]);
  const notFound =
    envs.isSuccess && !environment ? new Error(`This project has no environment with key ${envKey}.`) : null;
  return {
    projectId,
    envKey,
    environment,
    loading: envs.isPending,
    error: envs.error ?? notFound,
  };
}
