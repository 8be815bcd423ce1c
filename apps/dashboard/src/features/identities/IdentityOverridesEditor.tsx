import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { identityApi, type StatePatch } from '../../api/endpoints.ts';
import { useEnvironmentLimits, useFeatures } from '../../api/queries.ts';
import type { Environment } from '../../api/types.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError, fieldError, Loading, QueryError } from '../../ui/Feedback.tsx';
import { Checkbox, SelectField } from '../../ui/Field.tsx';
import { LimitWarning } from '../../ui/LimitMeter.tsx';
import { Switch } from '../../ui/Switch.tsx';
import { type ValueDraft, ValueEditor } from '../features/ValueEditor.tsx';
import { parseValue, previewValue } from '../features/value-format.ts';

/** This identity's own values: they beat segment overrides and the environment default. */
export function IdentityOverridesEditor({
  envKey,
  environment,
  identityId,
  projectId,
}: {
  envKey: string;
  environment: Environment;
  identityId: number;
  projectId: number;
}) {
  const queryClient = useQueryClient();
  const overridesKey = ['identity-overrides', envKey, identityId];
  const overrides = useQuery({
    queryKey: overridesKey,
    queryFn: () => identityApi.overrides(envKey, identityId),
  });
  const features = useFeatures(projectId, environment.id);
  const limits = useEnvironmentLimits(envKey);
  const names = useMemo(() => new Map((features.data ?? []).map((f) => [f.id, f.name])), [features.data]);
  const [featureId, setFeatureId] = useState('');
  const [enabled, setEnabled] = useState(true);
  const [draft, setDraft] = useState<ValueDraft>({ kind: 'none', text: '' });
  const [valueError, setValueError] = useState<string>();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: overridesKey }),
      queryClient.invalidateQueries({ queryKey: ['identity-flags', envKey, identityId] }),
      queryClient.invalidateQueries({ queryKey: ['features', projectId] }),
      queryClient.invalidateQueries({ queryKey: ['limits'] }),
    ]);
  const create = useMutation({
    mutationFn: (state: StatePatch) =>
      identityApi.createOverride(envKey, identityId, Number(featureId), state),
    onSuccess: () => {
      setFeatureId('');
      setDraft({ kind: 'none', text: '' });
      return refresh();
    },
  });
  const update = useMutation({
    mutationFn: ({ id, patch }: { id: number; patch: StatePatch }) =>
      identityApi.updateOverride(envKey, identityId, id, patch),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: number) => identityApi.removeOverride(envKey, identityId, id),
    onSuccess: refresh,
  });
  const overridden = new Set((overrides.data ?? []).map((o) => o.feature));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseValue(draft.kind, draft.text);
    if (!parsed.ok) return setValueError(parsed.error);
    setValueError(undefined);
    create.mutate({ enabled, feature_state_value: parsed.value });
  };
  return (
    <section className="card stack" aria-labelledby="identity-overrides-title">
      <h2 id="identity-overrides-title">Identity overrides</h2>
      <LimitWarning limit={limits.data?.find((l) => l.name === 'max_identity_overrides_allowed')} />
      {overrides.isError ? <QueryError error={overrides.error} what="identity overrides" /> : null}
      {overrides.isPending ? <Loading /> : null}
      {overrides.data?.length === 0 ? (
        <p className="muted">This identity gets the same flags as everyone in its segments.</p>
      ) : null}
      {overrides.data && overrides.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Enabled</th>
              <th scope="col">Value</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {overrides.data.map((o) => {
              const name = names.get(o.feature) ?? `#${o.feature}`;
              return (
                <tr key={o.id}>
                  <td className="mono">{name}</td>
                  <td>
                    <Switch
                      checked={o.enabled}
                      label={`${name} enabled for this identity`}
                      onChange={(v) => update.mutate({ id: o.id, patch: { enabled: v } })}
                    />
                  </td>
                  <td className="mono">{previewValue(o.feature_state_value)}</td>
                  <td>
                    <Button
                      small
                      variant="ghost"
                      onClick={() => remove.mutate(o.id)}
                      aria-label={`Remove the override of ${name}`}
                    >
                      Remove
                    </Button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <FormError error={update.error ?? remove.error} />
      <form className="stack" onSubmit={submit} noValidate aria-label="Add an identity override">
        <h3>Override a feature for this identity</h3>
        <SelectField
          label="Feature"
          value={featureId}
          onChange={(e) => setFeatureId(e.target.value)}
          error={fieldError(create.error, 'feature')}
        >
          <option value="">Choose a feature…</option>
          {(features.data ?? [])
            .filter((f) => !overridden.has(f.id) && !f.is_archived)
            .map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
        </SelectField>
        <Checkbox
          label="Enabled for this identity"
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
        />
        <ValueEditor
          label="Value for this identity"
          draft={draft}
          onChange={setDraft}
          error={valueError ?? fieldError(create.error, 'feature_state_value')}
        />
        <FormError error={create.error} shownFields={['feature', 'feature_state_value']} />
        <div>
          <Button type="submit" variant="primary" disabled={featureId === ''} busy={create.isPending}>
            Add override
          </Button>
        </div>
      </form>
    </section>
  );
}
