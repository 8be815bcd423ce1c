import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { identityApi } from '../../api/endpoints.ts';
import { keys } from '../../api/queries.ts';
import { envPath } from '../../app/last-location.ts';
import { Loading, PageHeader, QueryError } from '../../ui/Feedback.tsx';
import { useCurrentEnvironment } from '../environments/use-current-environment.ts';
import { IdentityFlagsCard } from './IdentityFlagsCard.tsx';
import { IdentityOverridesEditor } from './IdentityOverridesEditor.tsx';
import { TraitsCard } from './TraitsCard.tsx';

/** One identity: its traits, its own overrides, and every flag as the SDK would give it. */
export function IdentityPage() {
  const identityId = Number(useParams().identityId);
  const { projectId, envKey, environment } = useCurrentEnvironment();
  const identity = useQuery({
    queryKey: keys.identity(envKey, identityId),
    queryFn: () => identityApi.get(envKey, identityId),
  });
  if (identity.isError)
    return <QueryError error={identity.error} retry={() => identity.refetch()} what="the identity" />;
  if (!identity.data || !environment) return <Loading />;
  return (
    <>
      <p>
        <Link to={envPath(projectId, envKey, 'identities')}>← All identities</Link>
      </p>
      <PageHeader title={`Identity: ${identity.data.identifier}`} description={`In ${environment.name}`} />
      <TraitsCard envKey={envKey} identityId={identityId} />
      <IdentityOverridesEditor
        envKey={envKey}
        environment={environment}
        identityId={identityId}
        projectId={projectId}
      />
      <IdentityFlagsCard envKey={envKey} identity={identity.data} />
    </>
  );
}
