import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { ApiError } from '../api/client.ts';
import { LoginPage } from '../features/auth/LoginPage.tsx';
import { SignUpPage } from '../features/auth/SignUpPage.tsx';
import { NewEnvironmentPage } from '../features/environments/NewEnvironmentPage.tsx';
import { ProjectIndex } from '../features/environments/ProjectIndex.tsx';
import { FeaturesPage } from '../features/features/FeaturesPage.tsx';
import { NewOrganisationPage } from '../features/projects/NewOrganisationPage.tsx';
import { ProjectsPage } from '../features/projects/ProjectsPage.tsx';
import { EmptyState } from '../ui/Feedback.tsx';
import { ToastProvider } from '../ui/Toast.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { Home } from './Home.tsx';
import { Shell } from './Shell.tsx';
import { SessionProvider, useSession } from './session.tsx';

// Pages past the first screen load on demand, so the first paint needs only the features list.
const AuditPage = lazy(() =>
  import('../features/audit/AuditPage.tsx').then((m) => ({ default: m.AuditPage })),
);
const EnvironmentSettingsPage = lazy(() =>
  import('../features/environments/EnvironmentSettingsPage.tsx').then((m) => ({
    default: m.EnvironmentSettingsPage,
  })),
);
const FeaturePage = lazy(() =>
  import('../features/features/FeaturePage.tsx').then((m) => ({ default: m.FeaturePage })),
);
const IdentitiesPage = lazy(() =>
  import('../features/identities/IdentitiesPage.tsx').then((m) => ({ default: m.IdentitiesPage })),
);
const IdentityPage = lazy(() =>
  import('../features/identities/IdentityPage.tsx').then((m) => ({ default: m.IdentityPage })),
);
const ProjectSettingsPage = lazy(() =>
  import('../features/projects/ProjectSettingsPage.tsx').then((m) => ({ default: m.ProjectSettingsPage })),
);
const SegmentPage = lazy(() =>
  import('../features/segments/SegmentPage.tsx').then((m) => ({ default: m.SegmentPage })),
);
const SegmentsPage = lazy(() =>
  import('../features/segments/SegmentsPage.tsx').then((m) => ({ default: m.SegmentsPage })),
);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A 4xx will not get better by asking again.
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

function RequireSession({ children }: { children: ReactNode }) {
  const { token } = useSession();
  const location = useLocation();
  if (!token)
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return children;
}

const ENV = '/projects/:projectId/environments/:envKey';

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <SessionProvider>
          <ToastProvider>
            <ErrorBoundary>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route path="/signup" element={<SignUpPage />} />
                <Route
                  element={
                    <RequireSession>
                      <Shell />
                    </RequireSession>
                  }
                >
                  <Route index element={<Home />} />
                  <Route path="/organisations/new" element={<NewOrganisationPage />} />
                  <Route path="/organisations/:orgId/projects" element={<ProjectsPage />} />
                  <Route path="/projects/:projectId" element={<ProjectIndex />} />
                  <Route path="/projects/:projectId/environments/new" element={<NewEnvironmentPage />} />
                  <Route path={`${ENV}/features`} element={<FeaturesPage />} />
                  <Route path={`${ENV}/features/:featureId`} element={<FeaturePage />} />
                  <Route path={`${ENV}/segments`} element={<SegmentsPage />} />
                  <Route path={`${ENV}/segments/:segmentId`} element={<SegmentPage />} />
                  <Route path={`${ENV}/identities`} element={<IdentitiesPage />} />
                  <Route path={`${ENV}/identities/:identityId`} element={<IdentityPage />} />
                  <Route path={`${ENV}/audit`} element={<AuditPage />} />
                  <Route path={`${ENV}/settings`} element={<EnvironmentSettingsPage />} />
                  <Route path={`${ENV}/project`} element={<ProjectSettingsPage />} />
                  <Route path={ENV} element={<ProjectIndex />} />
                  <Route
                    path="*"
                    element={
                      <EmptyState title="Page not found">
                        <a href="/">Go to the start page</a>
                      </EmptyState>
                    }
                  />
                </Route>
              </Routes>
            </ErrorBoundary>
          </ToastProvider>
        </SessionProvider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
