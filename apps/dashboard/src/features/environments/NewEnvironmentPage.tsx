import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { environmentApi } from '../../api/endpoints.ts';
import { keys, useEnvironments } from '../../api/queries.ts';
import { envPath } from '../../app/last-location.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError, fieldError, PageHeader } from '../../ui/Feedback.tsx';
import { TextField } from '../../ui/Field.tsx';

export function NewEnvironmentPage() {
  const projectId = Number(useParams().projectId);
  const envs = useEnvironments(projectId);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: () => environmentApi.create(projectId, name, description),
    onSuccess: async (env) => {
      await queryClient.invalidateQueries({ queryKey: keys.environments(projectId) });
      navigate(envPath(projectId, env.api_key, 'settings'));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const first = envs.data?.length === 0;
  return (
    <>
      <PageHeader
        title={first ? 'Create your first environment' : 'New environment'}
        description="Each environment (Development, Production, …) has its own flag values and its own SDK keys."
      />
      <form className="card stack" style={{ maxWidth: 480 }} onSubmit={submit} noValidate>
        <TextField
          label="Environment name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="Production"
          error={fieldError(create.error, 'name')}
          autoFocus
        />
        <TextField
          label="Description (optional)"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={fieldError(create.error, 'description')}
        />
        <FormError error={create.error} shownFields={['name', 'description']} />
        <div>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create environment
          </Button>
        </div>
      </form>
    </>
  );
}
