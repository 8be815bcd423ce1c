import { useQuery } from '@tanstack/react-query';
import { Suspense } from 'react';
import { NavLink, Outlet, useLocation, useParams } from 'react-router';
import { projectApi } from '../api/endpoints.ts';
import { keys, useMe } from '../api/queries.ts';
import { Button } from '../ui/Button.tsx';
import { Loading } from '../ui/Feedback.tsx';
import { Logo } from '../ui/Logo.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { Switchers } from './Switchers.tsx';
import { useSession } from './session.tsx';

/** The signed-in frame: top bar with the switchers and the user, side navigation, and the page. */
export function Shell() {
  const params = useParams();
  const location = useLocation();
  const { signOut } = useSession();
  const me = useMe(true);
  const projectId = params.projectId ? Number(params.projectId) : undefined;
  const envKey = params.envKey;
  const project = useQuery({
    queryKey: keys.project(projectId ?? 0),
    queryFn: () => projectApi.get(projectId ?? 0),
    enabled: projectId !== undefined,
  });
  const orgId = params.orgId ? Number(params.orgId) : project.data?.organisation;
  const base =
    projectId !== undefined && envKey ? `/projects/${projectId}/environments/${envKey}` : undefined;

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href="/" aria-label="Vexil home">
          <Logo />
          Vexil
        </a>
        <Switchers
          {...(orgId !== undefined ? { orgId } : {})}
          {...(projectId !== undefined ? { projectId } : {})}
          {...(envKey ? { envKey } : {})}
        />
        <span className="spacer" />
        <span className="muted" title="Signed in as">
          {me.data?.email}
        </span>
        <Button small onClick={() => signOut()}>
          Log out
        </Button>
      </header>
      <nav className="sidenav" aria-label="Main">
        {base ? (
          <ul>
            <li className="group">Environment</li>
            <li>
              <NavLink to={`${base}/features`}>Features</NavLink>
            </li>
            <li>
              <NavLink to={`${base}/identities`}>Identities</NavLink>
            </li>
            <li>
              <NavLink to={`${base}/settings`}>Keys and SDK setup</NavLink>
            </li>
            <li className="group">Project</li>
            <li>
              <NavLink to={`${base}/segments`}>Segments</NavLink>
            </li>
            <li>
              <NavLink to={`${base}/audit`}>Audit log</NavLink>
            </li>
            <li>
              <NavLink to={`${base}/project`}>Project settings</NavLink>
            </li>
          </ul>
        ) : orgId !== undefined ? (
          <ul>
            <li>
              <NavLink to={`/organisations/${orgId}/projects`}>Projects</NavLink>
            </li>
          </ul>
        ) : null}
      </nav>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary resetKey={location.pathname}>
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
