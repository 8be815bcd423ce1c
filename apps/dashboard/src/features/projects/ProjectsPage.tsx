import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { environmentApi, projectApi } from '../../api/endpoints.ts';
import { keys, useOrganisations, useProjects } from '../../api/queries.ts';
import { rememberLast } from '../../app/last-location.ts';
import { Button } from '../../ui/Button.tsx';
import { EmptyState, FormError, fieldError, Loading, PageHeader, QueryError } from '../../ui/Feedback.tsx';
import { Checkbox, TextField } from '../../ui/Field.tsx';
import { MembersCard } from './MembersCard.tsx';

/** The projects of an organisation, and the form that creates one (optionally with its usual environments). */
export function ProjectsPage() {
  const orgId = Number(useParams().orgId);
  const orgs = useOrganisations();
  const projects = useProjects(orgId);
  const org = orgs.data?.find((o) => o.id === orgId);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [withEnvironments, setWithEnvironments] = useState(false);
  const create = useMutation({
    mutationFn: async () => {
      const project = await projectApi.create(orgId, name);
      if (withEnvironments) {
        for (const env of ['Development', 'Production']) await environmentApi.create(project.id, env);
      }
      return project;
    },
    onSuccess: async (project) => {
      rememberLast({ organisation: orgId, project: project.id });
      await queryClient.invalidateQueries({ queryKey: keys.projects(orgId) });
      navigate(`/projects/${project.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <>
      <PageHeader
        title={org ? `Projects in ${org.name}` : 'Projects'}
        description="A project holds features and segments shared by its environments."
      />
      {projects.isError ? (
        <QueryError error={projects.error} retry={() => projects.refetch()} what="projects" />
      ) : null}
      {projects.isPending ? <Loading /> : null}
      {projects.data && projects.data.length === 0 ? (
        <EmptyState title="No projects yet">Create the first one below.</EmptyState>
      ) : null}
      {projects.data && projects.data.length > 0 ? (
        <ul className="card" style={{ listStyle: 'none', paddingLeft: '1.25rem' }}>
          {projects.data.map((p) => (
            <li key={p.id} style={{ padding: '0.35rem 0' }}>
              <Link to={`/projects/${p.id}`}>{p.name}</Link>{' '}
              <span className="muted">
                {p.total_features} features, {p.total_segments} segments
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="card stack" style={{ maxWidth: 480 }} onSubmit={submit} noValidate>
        <h2>New project</h2>
        <TextField
          label="Project name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError(create.error, 'name')}
        />
        <Checkbox
          label="Also create Development and Production environments"
          checked={withEnvironments}
          onChange={(e) => setWithEnvironments(e.target.checked)}
        />
        <FormError error={create.error} shownFields={['name']} />
        <div>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create project
          </Button>
        </div>
      </form>
      {org ? <MembersCard orgId={orgId} isAdmin={org.role === 'ADMIN'} /> : null}
    </>
  );
}
