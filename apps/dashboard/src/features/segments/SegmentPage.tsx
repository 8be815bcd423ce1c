import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { segmentApi } from '../../api/endpoints.ts';
import { keys, useProjectLimits } from '../../api/queries.ts';
import type { Rule } from '../../api/types.ts';
import { envPath } from '../../app/last-location.ts';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { errorMessage, FormError, fieldError, Loading, PageHeader, QueryError } from '../../ui/Feedback.tsx';
import { TextField } from '../../ui/Field.tsx';
import { LimitWarning } from '../../ui/LimitMeter.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { useCurrentEnvironment } from '../environments/use-current-environment.ts';
import { RulesEditor } from './RulesEditor.tsx';
import { countConditions, fromWireRules, newSegmentRules, toWireRules } from './rules-model.ts';
import { TestSegmentBox } from './TestSegmentBox.tsx';

/** Create or edit a segment (`segments/new` or `segments/:id`), with the "test this segment" box beside it. */
export function SegmentPage() {
  const param = useParams().segmentId ?? 'new';
  const isNew = param === 'new';
  const segmentId = isNew ? 0 : Number(param);
  const { projectId, envKey, environment } = useCurrentEnvironment();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const notify = useToast();
  const segment = useQuery({
    queryKey: keys.segment(projectId, segmentId),
    queryFn: () => segmentApi.get(projectId, segmentId),
    enabled: !isNew,
  });
  const limits = useProjectLimits(projectId);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [rules, setRules] = useState<Rule[]>(newSegmentRules);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => {
    if (segment.data) {
      setName(segment.data.name);
      setDescription(segment.data.description ?? '');
      setRules(fromWireRules(segment.data.rules));
    }
  }, [segment.data]);
  const save = useMutation({
    mutationFn: () => {
      const body = { name: name.trim(), description: description.trim() || null, rules: toWireRules(rules) };
      return isNew ? segmentApi.create(projectId, body) : segmentApi.update(projectId, segmentId, body);
    },
    onSuccess: async (saved) => {
      notify(isNew ? `Created segment ${saved.name}` : `Saved segment ${saved.name}`);
      queryClient.setQueryData(keys.segment(projectId, saved.id), saved);
      await queryClient.invalidateQueries({ queryKey: keys.segments(projectId) });
      void queryClient.invalidateQueries({ queryKey: ['limits'] });
      if (isNew) navigate(envPath(projectId, envKey, `segments/${saved.id}`), { replace: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => segmentApi.remove(projectId, segmentId),
    onSuccess: async () => {
      notify(`Deleted segment ${name}`);
      await queryClient.invalidateQueries({ queryKey: keys.segments(projectId) });
      navigate(envPath(projectId, envKey, 'segments'));
    },
  });
  if (segment.isError)
    return <QueryError error={segment.error} retry={() => segment.refetch()} what="the segment" />;
  if (!isNew && !segment.data) return <Loading />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const rulesError = [fieldError(save.error, 'rules'), fieldError(save.error, 'segment')]
    .filter(Boolean)
    .join(' ');
  return (
    <>
      <p>
        <Link to={envPath(projectId, envKey, 'segments')}>← All segments</Link>
      </p>
      <PageHeader title={isNew ? 'New segment' : `Segment: ${segment.data?.name ?? ''}`} />
      {isNew ? <LimitWarning limit={limits.data?.find((l) => l.name === 'max_segments_allowed')} /> : null}
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: 'minmax(0, 2fr) minmax(280px, 1fr)',
          gap: '1rem',
          alignItems: 'start',
        }}
      >
        <form className="card stack" onSubmit={submit} noValidate aria-label="Segment">
          <TextField
            label="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={fieldError(save.error, 'name')}
            autoFocus={isNew}
          />
          <TextField
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            error={fieldError(save.error, 'description')}
          />
          <div className="row" style={{ justifyContent: 'space-between' }}>
            <h2 style={{ margin: 0 }}>Rules</h2>
            <span className="muted">
              {countConditions(rules)} condition{countConditions(rules) === 1 ? '' : 's'} · every top-level
              rule must hold
            </span>
          </div>
          {rulesError ? (
            <p className="form-error" role="alert">
              {rulesError}
            </p>
          ) : null}
          <RulesEditor rules={rules} onChange={setRules} />
          <FormError error={save.error} shownFields={['name', 'description', 'rules', 'segment']} />
          <div className="row">
            <Button type="submit" variant="primary" busy={save.isPending}>
              {isNew ? 'Create segment' : 'Save segment'}
            </Button>
            {!isNew ? (
              <Button variant="danger" onClick={() => setConfirmDelete(true)}>
                Delete segment
              </Button>
            ) : null}
          </div>
        </form>
        <TestSegmentBox
          segment={{ id: isNew ? undefined : segmentId, name: name || 'this segment', rules }}
          environment={environment}
        />
      </div>
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete segment ${name}?`}
        confirmLabel="Delete segment"
        danger
        busy={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : undefined}
        onConfirm={() => remove.mutate()}
        onCancel={() => setConfirmDelete(false)}
      >
        <p>Its overrides in every environment are deleted too. This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}
