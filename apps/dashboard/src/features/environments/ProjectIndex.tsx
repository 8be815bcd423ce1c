import { Navigate, useParams } from 'react-router';
import { useEnvironments } from '../../api/queries.ts';
import { envPath, readLast } from '../../app/last-location.ts';
import { Loading, QueryError } from '../../ui/Feedback.tsx';

/** `/projects/:id`: the last environment used in it, else its first, else the form that creates one. */
export function ProjectIndex() {
  const projectId = Number(useParams().projectId);
  const envs = useEnvironments(projectId);
  if (envs.isError) return <QueryError error={envs.error} retry={() => envs.refetch()} what="environments" />;
  if (!envs.data) return <Loading />;
  const last = readLast().environment;
  const env = envs.data.find((e) => e.api_key === last) ?? envs.data[0];
  if (!env) return <Navigate to={`/projects/${projectId}/environments/new`} replace />;
  return <Navigate to={envPath(projectId, env.api_key)} replace />;
}
