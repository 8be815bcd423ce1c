import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { identityApi } from '../../api/endpoints.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError, fieldError, Loading, QueryError } from '../../ui/Feedback.tsx';
import { TextField } from '../../ui/Field.tsx';
import { inferTraitValue } from '../segments/segment-context.ts';

export const traitsKey = (envKey: string, id: number) => ['traits', envKey, id] as const;

export function TraitsCard({ envKey, identityId }: { envKey: string; identityId: number }) {
  const queryClient = useQueryClient();
  const traits = useQuery({
    queryKey: traitsKey(envKey, identityId),
    queryFn: () => identityApi.traits(envKey, identityId),
  });
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: traitsKey(envKey, identityId) }),
      queryClient.invalidateQueries({ queryKey: ['identity-flags', envKey, identityId] }),
    ]);
  const add = useMutation({
    mutationFn: () => identityApi.setTrait(envKey, identityId, key.trim(), inferTraitValue(value)),
    onSuccess: () => {
      setKey('');
      setValue('');
      return refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (traitId: number) => identityApi.removeTrait(envKey, identityId, traitId),
    onSuccess: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <section className="card stack" aria-labelledby="traits-title">
      <h2 id="traits-title">Traits</h2>
      {traits.isError ? <QueryError error={traits.error} what="traits" /> : null}
      {traits.isPending ? <Loading /> : null}
      {traits.data?.length === 0 ? <p className="muted">No traits.</p> : null}
      {traits.data && traits.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
              <th scope="col">Type</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {traits.data.map((t) => (
              <tr key={t.id}>
                <td className="mono">{t.trait_key}</td>
                <td className="mono">{JSON.stringify(t.trait_value)}</td>
                <td className="muted">{t.value_type}</td>
                <td>
                  <Button
                    small
                    variant="ghost"
                    onClick={() => remove.mutate(t.id)}
                    aria-label={`Delete trait ${t.trait_key}`}
                  >
                    Delete
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form className="row" style={{ alignItems: 'flex-end' }} onSubmit={submit} noValidate>
        <TextField
          label="Trait key"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          error={fieldError(add.error, 'trait_key')}
        />
        <TextField
          label="Trait value"
          hint="Numbers and true/false keep their type."
          value={value}
          onChange={(e) => setValue(e.target.value)}
          error={fieldError(add.error, 'trait_value')}
        />
        <Button type="submit" busy={add.isPending}>
          Set trait
        </Button>
      </form>
      <FormError error={add.error ?? remove.error} shownFields={['trait_key', 'trait_value']} />
    </section>
  );
}
