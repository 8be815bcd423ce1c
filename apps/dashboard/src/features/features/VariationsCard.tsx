import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { featureApi, featureStateApi } from '../../api/endpoints.ts';
import type { Environment, Feature } from '../../api/types.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError, fieldError } from '../../ui/Feedback.tsx';
import { SelectField, TextField } from '../../ui/Field.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { controlWeight, optionBody, optionValue, weightsOf } from './mv-weights.ts';

/** Multivariate options and their weights (percentage of identities) in this environment. */
export function VariationsCard({
  feature,
  environment,
  projectId,
}: {
  feature: Feature;
  environment: Environment;
  projectId: number;
}) {
  const state = feature.environment_feature_state;
  const options = feature.multivariate_options;
  const queryClient = useQueryClient();
  const notify = useToast();
  const [weights, setWeights] = useState(() =>
    weightsOf(options, state?.multivariate_feature_state_values ?? []),
  );
  const [newValue, setNewValue] = useState('');
  const [newKind, setNewKind] = useState<'text' | 'number' | 'boolean'>('text');
  // Reset the inputs only when the saved weights really change, not on every background refetch (a refetch
  // returns new objects with the same values, and must not wipe what the user is typing).
  const savedWeights = JSON.stringify(weightsOf(options, state?.multivariate_feature_state_values ?? []));
  useEffect(() => setWeights(JSON.parse(savedWeights)), [savedWeights]);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['feature', projectId, feature.id] }),
      queryClient.invalidateQueries({ queryKey: ['features', projectId] }),
    ]);
  const saveWeights = useMutation({
    mutationFn: () => {
      if (!state) throw new Error('This feature has no state in this environment.');
      return featureStateApi.updateDefault(environment.api_key, state.id, {
        multivariate_feature_state_values: options.map((o) => ({
          multivariate_feature_option: o.id,
          percentage_allocation: weights[o.id] ?? 0,
        })),
      });
    },
    onSuccess: async () => {
      await refresh();
      notify('Weights saved');
    },
  });
  const addOption = useMutation({
    mutationFn: () =>
      featureApi.createOption(projectId, feature.id, {
        ...optionBody(newValue, newKind),
        default_percentage_allocation: 0,
      }),
    onSuccess: () => {
      setNewValue('');
      return refresh();
    },
  });
  const removeOption = useMutation({
    mutationFn: (id: number) => featureApi.removeOption(projectId, feature.id, id),
    onSuccess: refresh,
  });
  const control = controlWeight(weights);
  const add = (e: FormEvent) => {
    e.preventDefault();
    addOption.mutate();
  };
  return (
    <section className="card stack" aria-labelledby="mv-title">
      <h2 id="mv-title">Variations</h2>
      <p className="muted">
        Identities are split between variations by weight; the rest get the value above (the control).
      </p>
      {options.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Value</th>
              <th scope="col">Weight in {environment.name} (%)</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {options.map((o) => (
              <tr key={o.id}>
                <td className="mono">{JSON.stringify(optionValue(o))}</td>
                <td>
                  <input
                    className="input"
                    style={{ maxWidth: '7rem' }}
                    type="number"
                    min={0}
                    max={100}
                    step="any"
                    aria-label={`Weight of ${JSON.stringify(optionValue(o))}`}
                    value={weights[o.id] ?? 0}
                    onChange={(e) => setWeights({ ...weights, [o.id]: Number(e.target.value) })}
                  />
                </td>
                <td>
                  <Button
                    small
                    variant="ghost"
                    onClick={() => removeOption.mutate(o.id)}
                    aria-label={`Remove variation ${JSON.stringify(optionValue(o))}`}
                  >
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
            <tr>
              <td className="muted">Control (the value above)</td>
              <td className={control < 0 ? 'error' : 'muted'}>{control}</td>
              <td />
            </tr>
          </tbody>
        </table>
      ) : null}
      {control < 0 ? (
        <p className="form-error" role="alert">
          The weights add up to more than 100 %.
        </p>
      ) : null}
      <FormError error={saveWeights.error ?? removeOption.error} />
      {options.length > 0 ? (
        <div>
          <Button
            variant="primary"
            onClick={() => saveWeights.mutate()}
            busy={saveWeights.isPending}
            disabled={control < 0}
          >
            Save weights
          </Button>
        </div>
      ) : null}
      <form className="row" style={{ alignItems: 'flex-end' }} onSubmit={add} noValidate>
        <SelectField
          label="New variation type"
          value={newKind}
          onChange={(e) => setNewKind(e.target.value as typeof newKind)}
        >
          <option value="text">Text</option>
          <option value="number">Number</option>
          <option value="boolean">Boolean</option>
        </SelectField>
        <TextField
          label="New variation value"
          value={newValue}
          onChange={(e) => setNewValue(e.target.value)}
          error={fieldError(addOption.error, 'string_value') ?? fieldError(addOption.error, 'integer_value')}
        />
        <Button type="submit" busy={addOption.isPending}>
          Add variation
        </Button>
      </form>
      <FormError error={addOption.error} shownFields={['string_value', 'integer_value']} />
    </section>
  );
}
