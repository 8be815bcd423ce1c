import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { environmentApi } from '../../api/endpoints.ts';
import { keys, useEnvironmentLimits } from '../../api/queries.ts';
import { Button } from '../../ui/Button.tsx';
import { CopyButton } from '../../ui/CopyButton.tsx';
import { DeleteSection } from '../../ui/DeleteSection.tsx';
import { FormError, fieldError, Loading, PageHeader, QueryError } from '../../ui/Feedback.tsx';
import { TextField } from '../../ui/Field.tsx';
import { LimitMeter } from '../../ui/LimitMeter.tsx';
import { sdkSnippets } from './sdk-snippets.ts';
import { useCurrentEnvironment } from './use-current-environment.ts';

/** Environment keys with copy buttons, a "use it from your code" snippet, limits, and deleting the environment. */
export function EnvironmentSettingsPage() {
  const { projectId, envKey, environment, loading, error } = useCurrentEnvironment();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const serverKeys = useQuery({
    queryKey: keys.serverKeys(envKey),
    queryFn: () => environmentApi.serverKeys(envKey),
  });
  const limits = useEnvironmentLimits(envKey);
  const [keyName, setKeyName] = useState('');
  const [tab, setTab] = useState('js');
  const createKey = useMutation({
    mutationFn: () => environmentApi.createServerKey(envKey, keyName || 'Server-side key'),
    onSuccess: () => {
      setKeyName('');
      return queryClient.invalidateQueries({ queryKey: keys.serverKeys(envKey) });
    },
  });
  const deleteKey = useMutation({
    mutationFn: (id: number) => environmentApi.deleteServerKey(envKey, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.serverKeys(envKey) }),
  });
  const remove = useMutation({
    mutationFn: () => environmentApi.remove(envKey),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.environments(projectId) });
      navigate(`/projects/${projectId}`);
    },
  });

  if (error) return <QueryError error={error} what="the environment" />;
  if (loading || !environment) return <Loading />;
  const apiUrl = `${window.location.origin}/api/v1/`;
  const firstServerKey = serverKeys.data?.find((k) => k.active)?.key;
  const snippets = sdkSnippets(apiUrl, environment.api_key, firstServerKey);
  const current = snippets.find((s) => s.id === tab) ?? snippets[0];
  const submitKey = (e: FormEvent) => {
    e.preventDefault();
    createKey.mutate();
  };

  return (
    <>
      <PageHeader
        title={`${environment.name}: keys and SDK setup`}
        description={environment.description ?? undefined}
      />
      <section className="card stack" aria-labelledby="keys-title">
        <h2 id="keys-title">Environment keys</h2>
        <div className="field">
          <label className="label" htmlFor="client-key">
            Client-side key
          </label>
          <span className="hint">For browsers and mobile apps: it can only read flags.</span>
          <div className="keybox">
            <input
              id="client-key"
              className="input mono"
              readOnly
              value={environment.api_key}
              onFocus={(e) => e.target.select()}
            />
            <CopyButton text={environment.api_key} label="Copy client-side key" />
          </div>
        </div>
        <div className="field">
          <span className="label">Server-side keys</span>
          <span className="hint">For servers and local evaluation. Keep them secret.</span>
          {serverKeys.isError ? <QueryError error={serverKeys.error} what="server-side keys" /> : null}
          {(serverKeys.data ?? []).map((k) => (
            <div className="keybox" key={k.id}>
              <input
                className="input mono"
                readOnly
                aria-label={`Server-side key ${k.name}`}
                value={k.key}
                onFocus={(e) => e.target.select()}
              />
              <span className="muted">{k.name}</span>
              <CopyButton text={k.key} label={`Copy server-side key ${k.name}`} />
              <Button
                small
                variant="ghost"
                onClick={() => deleteKey.mutate(k.id)}
                aria-label={`Delete server-side key ${k.name}`}
              >
                Delete
              </Button>
            </div>
          ))}
          <form className="row" onSubmit={submitKey} style={{ alignItems: 'flex-end' }}>
            <TextField
              label="New key name"
              value={keyName}
              onChange={(e) => setKeyName(e.target.value)}
              placeholder="Backend"
              error={fieldError(createKey.error, 'name')}
            />
            <Button type="submit" busy={createKey.isPending}>
              Create server-side key
            </Button>
          </form>
          <FormError error={createKey.error ?? deleteKey.error} shownFields={['name']} />
        </div>
      </section>

      <section className="card" aria-labelledby="sdk-title">
        <h2 id="sdk-title">Use it from your code</h2>
        <p className="muted">Any Flagsmith SDK works: point its API URL at this server.</p>
        <fieldset className="tabs" style={{ border: 'none', padding: 0 }}>
          <legend className="visually-hidden">SDK</legend>
          {snippets.map((s) => (
            <button
              key={s.id}
              type="button"
              className="btn btn-ghost"
              aria-pressed={s.id === current?.id}
              style={s.id === current?.id ? { color: 'var(--primary)', fontWeight: 700 } : undefined}
              onClick={() => setTab(s.id)}
            >
              {s.label}
            </button>
          ))}
        </fieldset>
        {current ? (
          <div className="stack">
            <pre className="code">{current.code}</pre>
            <div>
              <CopyButton text={current.code} label={`Copy the ${current.label} snippet`} />
            </div>
          </div>
        ) : null}
      </section>

      <section className="card stack" aria-labelledby="limits-title">
        <h2 id="limits-title">Limits</h2>
        {limits.isError ? <QueryError error={limits.error} what="limits" /> : null}
        {(limits.data ?? []).map((l) => (
          <LimitMeter key={l.name} limit={l} />
        ))}
      </section>

      <DeleteSection
        what="environment"
        name={environment.name}
        consequences="Its flag values, overrides, identities and keys are deleted. SDKs using its keys stop working."
        busy={remove.isPending}
        error={remove.error}
        onDelete={() => remove.mutate()}
      />
    </>
  );
}
