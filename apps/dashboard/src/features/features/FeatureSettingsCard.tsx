import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { featureApi } from '../../api/endpoints.ts';
import type { Feature, Tag } from '../../api/types.ts';
import { envPath } from '../../app/last-location.ts';
import { Button } from '../../ui/Button.tsx';
import { ConfirmDialog } from '../../ui/Dialog.tsx';
import { errorMessage, FormError, fieldError } from '../../ui/Feedback.tsx';
import { Checkbox, TextField } from '../../ui/Field.tsx';
import { useToast } from '../../ui/Toast.tsx';

/** Project-wide settings of a feature (every environment): description, tags, archive and delete. */
import { TagPicker } from './TagPicker.tsx';

export function FeatureSettingsCard({
  feature,
  projectId,
  envKey,
  tags,
}: {
  feature: Feature;
  projectId: number;
  envKey: string;
  tags: readonly Tag[];
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const notify = useToast();
  const [description, setDescription] = useState(feature.description ?? '');
  const [tagIds, setTagIds] = useState(feature.tags);
  const [serverOnly, setServerOnly] = useState(feature.is_server_key_only);
  const [confirm, setConfirm] = useState<'archive' | 'delete' | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['features', projectId] });
  const save = useMutation({
    mutationFn: () =>
      featureApi.update(projectId, feature.id, {
        description: description || null,
        tags: tagIds,
        is_server_key_only: serverOnly,
      }),
    onSuccess: async () => {
      notify('Feature settings saved');
      await queryClient.invalidateQueries({ queryKey: ['feature', projectId, feature.id] });
      return refresh();
    },
  });
  const archive = useMutation({
    mutationFn: () => featureApi.update(projectId, feature.id, { is_archived: !feature.is_archived }),
    onSuccess: async () => {
      setConfirm(null);
      notify(feature.is_archived ? `Restored ${feature.name}` : `Archived ${feature.name}`);
      await queryClient.invalidateQueries({ queryKey: ['feature', projectId, feature.id] });
      return refresh();
    },
  });
  const remove = useMutation({
    mutationFn: () => featureApi.remove(projectId, feature.id),
    onSuccess: async () => {
      notify(`Deleted ${feature.name}`);
      await refresh();
      void queryClient.invalidateQueries({ queryKey: ['limits'] });
      navigate(envPath(projectId, envKey, 'features'));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <section className="card stack" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings (all environments)</h2>
      <form className="stack" onSubmit={submit} noValidate>
        <TextField
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={fieldError(save.error, 'description')}
        />
        <TagPicker tags={tags} value={tagIds} onChange={setTagIds} />
        <Checkbox
          label="Server-side only (hidden from client-side keys)"
          checked={serverOnly}
          onChange={(e) => setServerOnly(e.target.checked)}
        />
        <FormError error={save.error} shownFields={['description']} />
        <div className="row">
          <Button type="submit" variant="primary" busy={save.isPending}>
            Save settings
          </Button>
          <span className="spacer" style={{ flex: 1 }} />
          <Button onClick={() => setConfirm('archive')}>{feature.is_archived ? 'Restore' : 'Archive'}</Button>
          <Button variant="danger" onClick={() => setConfirm('delete')}>
            Delete feature
          </Button>
        </div>
      </form>
      <ConfirmDialog
        open={confirm === 'archive'}
        title={feature.is_archived ? `Restore ${feature.name}?` : `Archive ${feature.name}?`}
        confirmLabel={feature.is_archived ? 'Restore' : 'Archive'}
        busy={archive.isPending}
        error={archive.error ? errorMessage(archive.error) : undefined}
        onConfirm={() => archive.mutate()}
        onCancel={() => setConfirm(null)}
      >
        <p>
          {feature.is_archived
            ? 'It comes back to the features list.'
            : 'It leaves the features list but keeps serving its current values. You can restore it later.'}
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'delete'}
        title={`Delete ${feature.name}?`}
        confirmLabel="Delete feature"
        danger
        busy={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : undefined}
        onConfirm={() => remove.mutate()}
        onCancel={() => setConfirm(null)}
      >
        <p>
          It is removed from every environment with all its overrides. SDKs stop receiving it. This cannot be
          undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
