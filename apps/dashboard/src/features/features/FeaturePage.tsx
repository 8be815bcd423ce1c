import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { featureApi, featureStateApi } from '../../api/endpoints.ts';
import { keys, useTags } from '../../api/queries.ts';
import { envPath } from '../../app/last-location.ts';
import { Loading, PageHeader, QueryError } from '../../ui/Feedback.tsx';
import { useCurrentEnvironment } from '../environments/use-current-environment.ts';
import { IdentityOverridesCard } from '../overrides/IdentityOverridesCard.tsx';
import { SegmentOverridesCard } from '../overrides/SegmentOverridesCard.tsx';
import { FeatureSettingsCard } from './FeatureSettingsCard.tsx';
import { FeatureValueCard } from './FeatureValueCard.tsx';
import { VariationsCard } from './VariationsCard.tsx';

/** One feature in one environment: its value, variations, segment and identity overrides, and its settings. */
export function FeaturePage() {
  const featureId = Number(useParams().featureId);
  const { projectId, envKey, environment, error: envError } = useCurrentEnvironment();
  const envId = environment?.id ?? 0;
  const feature = useQuery({
    queryKey: keys.feature(projectId, featureId, envId),
    // The feature with its environment default, as the list shows it.
    queryFn: async () => {
      const [f, state] = await Promise.all([
        featureApi.get(projectId, featureId),
        featureStateApi.getDefault(envKey, featureId),
      ]);
      return { ...f, environment_feature_state: state ?? null };
    },
    enabled: environment !== undefined,
  });
  const tags = useTags(projectId);
  if (envError) return <QueryError error={envError} what="the environment" />;
  if (feature.isError)
    return <QueryError error={feature.error} retry={() => feature.refetch()} what="the feature" />;
  if (!feature.data || !environment) return <Loading />;
  const f = feature.data;
  return (
    <>
      <p>
        <Link to={envPath(projectId, envKey, 'features')}>← All features</Link>
      </p>
      <PageHeader
        title={f.name}
        description={
          <>
            {f.is_archived ? <span className="badge badge-warn">archived</span> : null} {f.description ?? ''}
          </>
        }
      />
      <FeatureValueCard feature={f} environment={environment} projectId={projectId} />
      <VariationsCard feature={f} environment={environment} projectId={projectId} />
      <SegmentOverridesCard feature={f} environment={environment} projectId={projectId} />
      <IdentityOverridesCard feature={f} environment={environment} projectId={projectId} />
      <FeatureSettingsCard feature={f} projectId={projectId} envKey={envKey} tags={tags.data ?? []} />
    </>
  );
}
