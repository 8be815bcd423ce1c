import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Fragment, useDeferredValue, useState } from 'react';
import { auditApi } from '../../api/endpoints.ts';
import { keys, useEnvironments } from '../../api/queries.ts';
import { Button } from '../../ui/Button.tsx';
import { EmptyState, Loading, PageHeader, QueryError } from '../../ui/Feedback.tsx';
import { SelectField, TextField } from '../../ui/Field.tsx';
import { useCurrentEnvironment } from '../environments/use-current-environment.ts';
import { AuditEntryDetail } from './AuditEntryDetail.tsx';

/** Who changed what in the project: filter by environment and text, open an entry for its before/after. */
export function AuditPage() {
  const { projectId } = useCurrentEnvironment();
  const envs = useEnvironments(projectId);
  const [environment, setEnvironment] = useState<number | undefined>();
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search.trim());
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<number | null>(null);
  const log = useQuery({
    queryKey: [...keys.audit(projectId), environment, deferredSearch, page],
    queryFn: () =>
      auditApi.list({ project: projectId, environment, search: deferredSearch || undefined, page }),
    placeholderData: keepPreviousData,
  });
  const pages = log.data ? Math.max(1, Math.ceil(log.data.count / 50)) : 1;
  return (
    <>
      <PageHeader title="Audit log" description="Every change in this project, newest first." />
      <search className="filters" aria-label="Filter the audit log">
        <SelectField
          label="Environment"
          value={environment ?? ''}
          onChange={(e) => {
            setEnvironment(e.target.value === '' ? undefined : Number(e.target.value));
            setPage(1);
          }}
        >
          <option value="">All environments</option>
          {(envs.data ?? []).map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
            </option>
          ))}
        </SelectField>
        <div className="grow">
          <TextField
            label="Search"
            type="search"
            placeholder="e.g. a feature name"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setPage(1);
            }}
          />
        </div>
      </search>
      {log.isError ? <QueryError error={log.error} retry={() => log.refetch()} what="the audit log" /> : null}
      {log.isPending ? <Loading /> : null}
      {log.data?.count === 0 ? <EmptyState title="No changes match" /> : null}
      {log.data && log.data.results.length > 0 ? (
        <table className="table card" style={{ padding: 0 }}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Change</th>
              <th scope="col">By</th>
              <th scope="col">Environment</th>
            </tr>
          </thead>
          <tbody>
            {log.data.results.map((entry) => (
              <Fragment key={entry.id}>
                <tr>
                  <td className="muted" style={{ whiteSpace: 'nowrap' }}>
                    {new Date(entry.created_date).toLocaleString()}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-ghost btn-small"
                      style={{ textAlign: 'left', whiteSpace: 'normal' }}
                      aria-expanded={open === entry.id}
                      onClick={() => setOpen(open === entry.id ? null : entry.id)}
                    >
                      {open === entry.id ? '▾' : '▸'} {entry.log}
                    </button>
                  </td>
                  <td>
                    {entry.author?.email ??
                      (entry.master_api_key ? `API key ${entry.master_api_key.name}` : 'system')}
                  </td>
                  <td className="muted">{entry.environment?.name ?? '—'}</td>
                </tr>
                {open === entry.id ? (
                  <tr>
                    <td colSpan={4}>
                      <AuditEntryDetail id={entry.id} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      ) : null}
      {log.data && pages > 1 ? (
        <nav className="row" aria-label="Pages">
          <Button small disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Newer
          </Button>
          <span className="muted">
            Page {page} of {pages}
          </span>
          <Button small disabled={page >= pages} onClick={() => setPage(page + 1)}>
            Older
          </Button>
        </nav>
      ) : null}
    </>
  );
}
