import { useQuery } from '@tanstack/react-query';
import { Navigate } from 'react-router';
import { environmentApi, projectApi } from '../api/endpoints.ts';
import { useOrganisations } from '../api/queries.ts';
import { Loading, QueryError } from '../ui/Feedback.tsx';
import { envPath, readLast } from './last-location.ts';

/** `/`: back to the last environment used, else the first one there is, else the next setup step. */
export function Home() {
  const orgs = useOrganisations();
  const target = useQuery({
    queryKey: ['home-target', orgs.data?.map((o) => o.id)],
    enabled: orgs.isSuccess,
    // Decided afresh on every visit: a project or environment may have been created or deleted since.
    staleTime: 0,
    gcTime: 0,
    queryFn: async () => {
      const list = orgs.data ?? [];
      if (list.length === 0) return '/organisations/new';
      const last = readLast();
      const org = list.find((o) => o.id === last.organisation) ?? list[0];
      if (!org) return '/organisations/new';
      const projects = await projectApi.list(org.id);
      const project = projects.find((p) => p.id === last.project) ?? projects[0];
      if (!project) return `/organisations/${org.id}/projects`;
      const envs = await environmentApi.list(project.id);
      const env = envs.find((e) => e.api_key === last.environment) ?? envs[0];
      if (!env) return `/projects/${project.id}/environments/new`;
      return envPath(project.id, env.api_key);
    },
  });
  if (orgs.isError)
    return <QueryError error={orgs.error} retry={() => orgs.refetch()} what="your organisations" />;
  if (target.isError)
    return <QueryError error={target.error} retry={() => target.refetch()} what="your projects" />;
  if (!target.data) return <Loading />;
  return <Navigate to={target.data} replace />;
}
