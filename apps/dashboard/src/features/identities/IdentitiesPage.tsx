import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useDeferredValue, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { identityApi } from '../../api/endpoints.ts';
import { keys } from '../../api/queries.ts';
import { envPath } from '../../app/last-location.ts';
import { Button } from '../../ui/Button.tsx';
import { EmptyState, FormError, fieldError, Loading, PageHeader, QueryError } from '../../ui/Feedback.tsx';
import { TextField } from '../../ui/Field.tsx';
import { useCurrentEnvironment } from '../environments/use-current-environment.ts';

/** Identities of the environment: search by identifier (server-side, paged), open one, or add one by hand. */
export function IdentitiesPage() {
  const { projectId, envKey, environment } = useCurrentEnvironment();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const [page, setPage] = useState(1);
  const [identifier, setIdentifier] = useState('');
  const list = useQuery({
    queryKey: [...keys.identities(envKey), q, page],
    queryFn: () => identityApi.search(envKey, q, page),
    placeholderData: keepPreviousData,
  });
  const create = useMutation({
    mutationFn: () => identityApi.create(envKey, identifier.trim()),
    onSuccess: async (identity) => {
      await queryClient.invalidateQueries({ queryKey: keys.identities(envKey) });
      navigate(envPath(projectId, envKey, `identities/${identity.id}`));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const pages = list.data ? Math.max(1, Math.ceil(list.data.count / 50)) : 1;
  return (
    <>
      <PageHeader
        title="Identities"
        description={
          environment ? `Users and devices your SDKs identified in ${environment.name}.` : undefined
        }
      />
      <div className="filters">
        <div className="grow">
          <TextField
            label="Search by identifier"
            type="search"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setPage(1);
            }}
          />
        </div>
      </div>
      {list.isError ? <QueryError error={list.error} retry={() => list.refetch()} what="identities" /> : null}
      {list.isPending ? <Loading /> : null}
      {list.data && list.data.count === 0 ? (
        <EmptyState title={q ? 'No identity matches' : 'No identities yet'}>
          <p>Identities appear when an SDK identifies a user, or add one below.</p>
        </EmptyState>
      ) : null}
      {list.data && list.data.results.length > 0 ? (
        <>
          <table className="table card" style={{ padding: 0 }}>
            <thead>
              <tr>
                <th scope="col">Identifier</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.results.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link to={envPath(projectId, envKey, `identities/${i.id}`)}>{i.identifier}</Link>
                    {i.dashboard_alias ? <span className="muted"> ({i.dashboard_alias})</span> : null}
                  </td>
                  <td className="muted">{new Date(i.created_date).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="row" aria-label="Pages">
            <Button small disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Previous
            </Button>
            <span className="muted">
              Page {page} of {pages} · {list.data.count} identities
            </span>
            <Button small disabled={page >= pages} onClick={() => setPage(page + 1)}>
              Next
            </Button>
          </nav>
        </>
      ) : null}
      <form
        className="card row"
        style={{ alignItems: 'flex-end', marginTop: '1rem' }}
        onSubmit={submit}
        noValidate
      >
        <TextField
          label="New identity"
          placeholder="user-123"
          value={identifier}
          onChange={(e) => setIdentifier(e.target.value)}
          error={fieldError(create.error, 'identifier')}
        />
        <Button type="submit" busy={create.isPending}>
          Add identity
        </Button>
        <FormError error={create.error} shownFields={['identifier']} />
      </form>
    </>
  );
}
