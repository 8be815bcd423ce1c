import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { featureApi } from '../../api/endpoints.ts';
import type { Tag } from '../../api/types.ts';
import { envPath } from '../../app/last-location.ts';
import { Button } from '../../ui/Button.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { FormError, fieldError } from '../../ui/Feedback.tsx';
import { Checkbox, TextField } from '../../ui/Field.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { TagPicker } from './TagPicker.tsx';
import { type ValueDraft, ValueEditor } from './ValueEditor.tsx';
import { parseValue } from './value-format.ts';

export function CreateFeatureDialog({
  open,
  onClose,
  projectId,
  envKey,
  tags,
}: {
  open: boolean;
  onClose: () => void;
  projectId: number;
  envKey: string;
  tags: readonly Tag[];
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const notify = useToast();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [enabled, setEnabled] = useState(false);
  const [value, setValue] = useState<ValueDraft>({ kind: 'none', text: '' });
  const [tagIds, setTagIds] = useState<number[]>([]);
  const [valueError, setValueError] = useState<string>();
  const create = useMutation({
    mutationFn: (initial: ReturnType<typeof parseValue> & { ok: true }) =>
      featureApi.create(projectId, {
        name: name.trim(),
        description: description.trim() || null,
        default_enabled: enabled,
        ...(initial.value !== null ? { initial_value: initial.value } : {}),
        tags: tagIds,
      }),
    onSuccess: async (feature) => {
      notify(`Created ${feature.name}`);
      await queryClient.invalidateQueries({ queryKey: ['features', projectId] });
      void queryClient.invalidateQueries({ queryKey: ['limits'] });
      reset();
      onClose();
      navigate(envPath(projectId, envKey, 'features'));
    },
  });
  const reset = () => {
    setName('');
    setDescription('');
    setEnabled(false);
    setValue({ kind: 'none', text: '' });
    setTagIds([]);
    setValueError(undefined);
    create.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseValue(value.kind, value.text);
    if (!parsed.ok) return setValueError(parsed.error);
    setValueError(undefined);
    create.mutate(parsed);
  };
  return (
    <Dialog
      open={open}
      onClose={() => {
        reset();
        onClose();
      }}
      title="New feature"
    >
      <form className="stack" onSubmit={submit} noValidate>
        <TextField
          label="Name"
          hint="Used in code, e.g. new_checkout."
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError(create.error, 'name')}
          autoFocus
        />
        <TextField
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={fieldError(create.error, 'description')}
        />
        <Checkbox
          label="Enabled by default in every environment"
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
        />
        <ValueEditor
          label="Initial value"
          draft={value}
          onChange={setValue}
          error={valueError ?? fieldError(create.error, 'initial_value')}
        />
        <TagPicker tags={tags} value={tagIds} onChange={setTagIds} />
        <FormError error={create.error} shownFields={['name', 'description', 'initial_value']} />
        <div className="actions">
          <Button
            onClick={() => {
              reset();
              onClose();
            }}
          >
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create feature
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
