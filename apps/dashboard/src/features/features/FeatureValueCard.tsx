import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { featureStateApi } from '../../api/endpoints.ts';
import type { Environment, Feature } from '../../api/types.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError, fieldError } from '../../ui/Feedback.tsx';
import { Switch } from '../../ui/Switch.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { draftOf, type ValueDraft, ValueEditor } from './ValueEditor.tsx';
import { parseValue } from './value-format.ts';

/** The environment default: on/off and value, saved together. */
export function FeatureValueCard({
  feature,
  environment,
  projectId,
}: {
  feature: Feature;
  environment: Environment;
  projectId: number;
}) {
  const state = feature.environment_feature_state;
  const queryClient = useQueryClient();
  const notify = useToast();
  const [enabled, setEnabled] = useState(state?.enabled ?? false);
  const [draft, setDraft] = useState<ValueDraft>(draftOf(state?.feature_state_value ?? null));
  const [valueError, setValueError] = useState<string>();
  useEffect(() => {
    setEnabled(state?.enabled ?? false);
    setDraft(draftOf(state?.feature_state_value ?? null));
  }, [state?.enabled, state?.feature_state_value]);
  const save = useMutation({
    mutationFn: (value: ReturnType<typeof parseValue> & { ok: true }) => {
      if (!state) throw new Error('This feature has no state in this environment.');
      return featureStateApi.updateDefault(environment.api_key, state.id, {
        enabled,
        feature_state_value: value.value,
      });
    },
    onSuccess: () => {
      notify(`Saved ${feature.name} in ${environment.name}`);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: ['feature', projectId, feature.id] }),
        queryClient.invalidateQueries({ queryKey: ['features', projectId] }),
      ]);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseValue(draft.kind, draft.text);
    if (!parsed.ok) return setValueError(parsed.error);
    setValueError(undefined);
    save.mutate(parsed);
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="value-title" noValidate>
      <h2 id="value-title">Value in {environment.name}</h2>
      <div className="row">
        <Switch
          checked={enabled}
          onChange={setEnabled}
          label={`${feature.name} enabled in ${environment.name}`}
          id="feature-enabled"
        />
        <label htmlFor="feature-enabled">{enabled ? 'Enabled' : 'Disabled'}</label>
      </div>
      <ValueEditor
        label="Value"
        draft={draft}
        onChange={setDraft}
        error={valueError ?? fieldError(save.error, 'feature_state_value')}
      />
      <FormError error={save.error} shownFields={['feature_state_value']} />
      <div>
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save
        </Button>
      </div>
    </form>
  );
}
