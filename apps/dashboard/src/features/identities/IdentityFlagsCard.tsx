import { useQuery } from '@tanstack/react-query';
import { identityApi } from '../../api/endpoints.ts';
import type { Identity } from '../../api/types.ts';
import { Button } from '../../ui/Button.tsx';
import { Loading, QueryError } from '../../ui/Feedback.tsx';
import { previewValue } from '../features/value-format.ts';
import { identityFlags } from './identity-flags.ts';

/** "See flags as this identity": every feature as this identity gets it right now. */
export function IdentityFlagsCard({ envKey, identity }: { envKey: string; identity: Identity }) {
  const flags = useQuery({
    queryKey: ['identity-flags', envKey, identity.id],
    queryFn: async () =>
      identityFlags(envKey, identity.id, identity.identifier, await identityApi.traits(envKey, identity.id)),
    // The SDK API serves a change once the environment's document is rebuilt, a moment after the admin API's 200:
    // keep polling while the page is open so an override just added shows up without a manual refresh.
    refetchInterval: 2000,
  });
  return (
    <section className="card stack" aria-labelledby="flags-title">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="flags-title" style={{ margin: 0 }}>
          Flags as {identity.identifier}
        </h2>
        <Button small onClick={() => flags.refetch()} busy={flags.isFetching}>
          Refresh
        </Button>
      </div>
      {flags.isError ? (
        <QueryError error={flags.error} retry={() => flags.refetch()} what="this identity's flags" />
      ) : null}
      {flags.isPending ? <Loading /> : null}
      {flags.data ? (
        <>
          <p className="muted">
            {flags.data.via === 'sdk'
              ? 'Evaluated by the SDK API with this identity’s traits, exactly as an SDK would get them (a change shows here within seconds, once the SDKs get it).'
              : 'Evaluated by the admin API.'}
          </p>
          <table className="table" data-testid="identity-flags">
            <thead>
              <tr>
                <th scope="col">Feature</th>
                <th scope="col">Enabled</th>
                <th scope="col">Value</th>
                {flags.data.via === 'admin' ? <th scope="col">Decided by</th> : null}
              </tr>
            </thead>
            <tbody>
              {flags.data.flags.map((f) => (
                <tr key={f.name} data-flag={f.name}>
                  <td className="mono">{f.name}</td>
                  <td>
                    {f.enabled ? (
                      <span className="badge badge-on">on</span>
                    ) : (
                      <span className="badge">off</span>
                    )}
                  </td>
                  <td className="mono">{previewValue(f.value)}</td>
                  {flags.data.via === 'admin' ? <td className="muted">{f.source}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
