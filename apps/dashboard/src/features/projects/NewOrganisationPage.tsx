import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { organisationApi } from '../../api/endpoints.ts';
import { keys } from '../../api/queries.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError, fieldError, PageHeader } from '../../ui/Feedback.tsx';
import { TextField } from '../../ui/Field.tsx';

export function NewOrganisationPage() {
  const [name, setName] = useState('');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => organisationApi.create(name),
    onSuccess: async (org) => {
      await queryClient.invalidateQueries({ queryKey: keys.organisations });
      navigate(`/organisations/${org.id}/projects`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <>
      <PageHeader
        title="New organisation"
        description="Organisations hold projects and the people who work on them."
      />
      <form className="card stack" style={{ maxWidth: 480 }} onSubmit={submit} noValidate>
        <TextField
          label="Organisation name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldError(create.error, 'name')}
          autoFocus
        />
        <FormError error={create.error} shownFields={['name']} />
        <div>
          <Button type="submit" variant="primary" busy={create.isPending}>
            Create organisation
          </Button>
        </div>
      </form>
    </>
  );
}
