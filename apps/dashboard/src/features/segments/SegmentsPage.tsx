import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useProjectLimits, useSegments } from '../../api/queries.ts';
import { envPath } from '../../app/last-location.ts';
import { EmptyState, Loading, PageHeader, QueryError } from '../../ui/Feedback.tsx';
import { TextField } from '../../ui/Field.tsx';
import { LimitMeter, LimitWarning } from '../../ui/LimitMeter.tsx';
import { useCurrentEnvironment } from '../environments/use-current-environment.ts';
import { countConditions } from './rules-model.ts';

/** The project's segments, searchable, with the segment limit in view. */
export function SegmentsPage() {
  const { projectId, envKey } = useCurrentEnvironment();
  const segments = useSegments(projectId);
  const limits = useProjectLimits(projectId);
  const [search, setSearch] = useState('');
  const visible = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (segments.data ?? []).filter(
      (s) =>
        needle === '' ||
        s.name.toLowerCase().includes(needle) ||
        (s.description ?? '').toLowerCase().includes(needle),
    );
  }, [segments.data, search]);
  const segmentLimit = limits.data?.find((l) => l.name === 'max_segments_allowed');
  return (
    <>
      <PageHeader
        title="Segments"
        description="Groups of identities defined by their traits, shared by every environment of the project."
        actions={
          <Link className="btn btn-primary" to={envPath(projectId, envKey, 'segments/new')}>
            New segment
          </Link>
        }
      />
      <LimitWarning limit={segmentLimit} />
      <div className="filters">
        <div className="grow">
          <TextField
            label="Search segments"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        {segmentLimit ? (
          <div style={{ minWidth: '16rem' }}>
            <LimitMeter limit={segmentLimit} />
          </div>
        ) : null}
      </div>
      {segments.isError ? (
        <QueryError error={segments.error} retry={() => segments.refetch()} what="segments" />
      ) : null}
      {segments.isPending ? <Loading /> : null}
      {segments.data?.length === 0 ? (
        <EmptyState title="No segments yet">
          <p>Segments let you turn features on for some identities only, e.g. beta users or one country.</p>
        </EmptyState>
      ) : null}
      {visible.length > 0 ? (
        <table className="table card" style={{ padding: 0 }}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Conditions</th>
            </tr>
          </thead>
          <tbody>
            {visible.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={envPath(projectId, envKey, `segments/${s.id}`)}>{s.name}</Link>
                  {s.feature !== null ? (
                    <span className="badge" style={{ marginLeft: 6 }}>
                      feature-specific
                    </span>
                  ) : null}
                </td>
                <td className="muted">{s.description}</td>
                <td>{countConditions(s.rules)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
