import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { projectApi, tagApi } from '../../api/endpoints.ts';
import { keys, useEnvironments, useProject, useProjectLimits, useTags } from '../../api/queries.ts';
import { envPath } from '../../app/last-location.ts';
import { Button } from '../../ui/Button.tsx';
import { DeleteSection } from '../../ui/DeleteSection.tsx';
import { FormError, fieldError, Loading, PageHeader, QueryError } from '../../ui/Feedback.tsx';
import { TextField } from '../../ui/Field.tsx';
import { LimitMeter } from '../../ui/LimitMeter.tsx';
import { useCurrentEnvironment } from '../environments/use-current-environment.ts';

/** Project-wide: limits and their usage, tags, environments, deleting the project. */
export function ProjectSettingsPage() {
  const { projectId } = useCurrentEnvironment();
  const project = useProject(projectId);
  const limits = useProjectLimits(projectId);
  const tags = useTags(projectId);
  const envs = useEnvironments(projectId);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [label, setLabel] = useState('');
  const [color, setColor] = useState('#3730a3');
  const createTag = useMutation({
    mutationFn: () => tagApi.create(projectId, label.trim(), color),
    onSuccess: () => {
      setLabel('');
      return queryClient.invalidateQueries({ queryKey: keys.tags(projectId) });
    },
  });
  const remove = useMutation({
    mutationFn: () => projectApi.remove(projectId),
    onSuccess: async () => {
      const org = project.data?.organisation;
      await queryClient.invalidateQueries({ queryKey: ['projects'] });
      navigate(org !== undefined ? `/organisations/${org}/projects` : '/');
    },
  });
  if (project.isError)
    return <QueryError error={project.error} retry={() => project.refetch()} what="the project" />;
  if (!project.data) return <Loading />;
  const submitTag = (e: FormEvent) => {
    e.preventDefault();
    createTag.mutate();
  };
  return (
    <>
      <PageHeader title={`Project: ${project.data.name}`} />
      <section className="card stack" aria-labelledby="limits-title">
        <h2 id="limits-title">Limits</h2>
        <p className="muted">Writes past a limit are refused; you are warned from 80 %.</p>
        {limits.isError ? <QueryError error={limits.error} what="limits" /> : null}
        {(limits.data ?? []).map((l) => (
          <LimitMeter key={l.name} limit={l} />
        ))}
      </section>
      <section className="card stack" aria-labelledby="tags-title">
        <h2 id="tags-title">Tags</h2>
        <div className="row">
          {(tags.data ?? []).map((t) => (
            <span key={t.id} className="badge tag" style={{ borderLeftColor: t.color }}>
              {t.label}
            </span>
          ))}
          {tags.data?.length === 0 ? <span className="muted">No tags yet.</span> : null}
        </div>
        <form className="row" style={{ alignItems: 'flex-end' }} onSubmit={submitTag} noValidate>
          <TextField
            label="New tag"
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            error={fieldError(createTag.error, 'label')}
          />
          <div className="field">
            <label htmlFor="tag-color">Colour</label>
            <input
              id="tag-color"
              type="color"
              className="input"
              style={{ width: '4rem', padding: 2 }}
              value={color}
              onChange={(e) => setColor(e.target.value)}
            />
          </div>
          <Button type="submit" busy={createTag.isPending}>
            Add tag
          </Button>
        </form>
        <FormError error={createTag.error} shownFields={['label']} />
      </section>
      <section className="card stack" aria-labelledby="envs-title">
        <h2 id="envs-title">Environments</h2>
        <ul>
          {(envs.data ?? []).map((e) => (
            <li key={e.id}>
              <Link to={envPath(projectId, e.api_key, 'settings')}>{e.name}</Link>
            </li>
          ))}
        </ul>
        <div>
          <Link className="btn" to={`/projects/${projectId}/environments/new`}>
            New environment
          </Link>
        </div>
      </section>
      <DeleteSection
        what="project"
        name={project.data.name}
        consequences="Every environment, feature, segment and identity in it is deleted."
        busy={remove.isPending}
        error={remove.error}
        onDelete={() => remove.mutate()}
      />
    </>
  );
}
