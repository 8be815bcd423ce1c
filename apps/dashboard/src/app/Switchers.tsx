import { useLocation, useNavigate } from 'react-router';
import { useEnvironments, useOrganisations, useProjects } from '../api/queries.ts';
import { envPath } from './last-location.ts';

/** Organisation, project and environment pickers: native selects, so keyboards and screen readers just work. */
export function Switchers({
  orgId,
  projectId,
  envKey,
}: {
  orgId?: number;
  projectId?: number;
  envKey?: string;
}) {
  const navigate = useNavigate();
  const location = useLocation();
  const orgs = useOrganisations();
  const projects = useProjects(orgId);
  return (
    <div className="switchers">
      <label className="visually-hidden" htmlFor="switch-org">
        Organisation
      </label>
      <select
        id="switch-org"
        className="input"
        value={orgId ?? ''}
        onChange={(e) =>
          navigate(
            e.target.value === 'new' ? '/organisations/new' : `/organisations/${e.target.value}/projects`,
          )
        }
      >
        {orgId === undefined ? <option value="">Organisation…</option> : null}
        {(orgs.data ?? []).map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
        <option value="new">+ New organisation</option>
      </select>
      {orgId !== undefined ? (
        <>
          <label className="visually-hidden" htmlFor="switch-project">
            Project
          </label>
          <select
            id="switch-project"
            className="input"
            value={projectId ?? ''}
            onChange={(e) =>
              navigate(
                e.target.value === 'new' ? `/organisations/${orgId}/projects` : `/projects/${e.target.value}`,
              )
            }
          >
            {projectId === undefined ? <option value="">Project…</option> : null}
            {(projects.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            <option value="new">All projects…</option>
          </select>
        </>
      ) : null}
      {projectId !== undefined ? (
        <EnvironmentSwitcher
          projectId={projectId}
          envKey={envKey}
          onPick={(key) => {
            if (key === 'new') return navigate(`/projects/${projectId}/environments/new`);
            // Stay on the same kind of page in the other environment (a list, not one item of the old one).
            const page = /\/environments\/[^/]+\/([^/]+)/.exec(location.pathname)?.[1] ?? 'features';
            navigate(envPath(projectId, key, page));
          }}
        />
      ) : null}
    </div>
  );
}

function EnvironmentSwitcher({
  projectId,
  envKey,
  onPick,
}: {
  projectId: number;
  envKey: string | undefined;
  onPick: (key: string) => void;
}) {
  const envs = useEnvironments(projectId);
  return (
    <>
      <label className="visually-hidden" htmlFor="switch-env">
        Environment
      </label>
      <select id="switch-env" className="input" value={envKey ?? ''} onChange={(e) => onPick(e.target.value)}>
        {envKey === undefined ? <option value="">Environment…</option> : null}
        {(envs.data ?? []).map((e) => (
          <option key={e.id} value={e.api_key}>
            {e.name}
          </option>
        ))}
        <option value="new">+ New environment</option>
      </select>
    </>
  );
}
