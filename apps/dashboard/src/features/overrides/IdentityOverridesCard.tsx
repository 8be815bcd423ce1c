import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { featureStateApi, identityApi } from '../../api/endpoints.ts';
import { keys } from '../../api/queries.ts';
import type { Environment, Feature } from '../../api/types.ts';
import { envPath } from '../../app/last-location.ts';
import { Loading, QueryError } from '../../ui/Feedback.tsx';
import { previewValue } from '../features/value-format.ts';
import { plainValue } from './nested-value.ts';

/** Identities with their own value of this feature in this environment (edited on the identity's page). */
export function IdentityOverridesCard({
  feature,
  environment,
  projectId,
}: {
  feature: Feature;
  environment: Environment;
  projectId: number;
}) {
  const states = useQuery({
    queryKey: keys.featureStates(environment.id, feature.id),
    queryFn: async () =>
      (await featureStateApi.listForFeature(environment.id, feature.id)).map((s) => ({
        ...s,
        feature_state_value: plainValue(s.feature_state_value),
      })),
  });
  const identityStates = (states.data ?? []).filter((s) => s.identity !== null);
  const identities = useQuery({
    queryKey: ['identity-names', environment.api_key, identityStates.map((s) => s.identity)],
    enabled: identityStates.length > 0,
    queryFn: async () => {
      const out = new Map<number, string>();
      await Promise.all(
        identityStates.slice(0, 50).map(async (s) => {
          if (s.identity === null) return;
          const identity = await identityApi.get(environment.api_key, s.identity);
          out.set(identity.id, identity.identifier);
        }),
      );
      return out;
    },
  });
  return (
    <section className="card stack" aria-labelledby="identity-overrides-title">
      <h2 id="identity-overrides-title">Identity overrides in {environment.name}</h2>
      {states.isError ? <QueryError error={states.error} what="identity overrides" /> : null}
      {states.isPending ? <Loading /> : null}
      {states.isSuccess && identityStates.length === 0 ? (
        <p className="muted">
          No identity has its own value. Add one from an identity's page under{' '}
          <Link to={envPath(projectId, environment.api_key, 'identities')}>Identities</Link>.
        </p>
      ) : null}
      {identityStates.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Identity</th>
              <th scope="col">Enabled</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {identityStates.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={envPath(projectId, environment.api_key, `identities/${s.identity}`)}>
                    {identities.data?.get(s.identity ?? 0) ?? `#${s.identity}`}
                  </Link>
                </td>
                <td>
                  {s.enabled ? (
                    <span className="badge badge-on">on</span>
                  ) : (
                    <span className="badge">off</span>
                  )}
                </td>
                <td className="mono">{previewValue(s.feature_state_value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
