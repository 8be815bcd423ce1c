import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { organisationApi } from '../../api/endpoints.ts';
import { Button } from '../../ui/Button.tsx';
import { CopyButton } from '../../ui/CopyButton.tsx';
import { FormError, QueryError } from '../../ui/Feedback.tsx';
import { SelectField } from '../../ui/Field.tsx';

/** The organisation's people, and invite links to bring more in (admins only: others see a 403 message). */
export function MembersCard({ orgId, isAdmin }: { orgId: number; isAdmin: boolean }) {
  const queryClient = useQueryClient();
  const members = useQuery({ queryKey: ['members', orgId], queryFn: () => organisationApi.members(orgId) });
  const links = useQuery({
    queryKey: ['invite-links', orgId],
    queryFn: () => organisationApi.inviteLinks(orgId),
    enabled: isAdmin,
  });
  const [role, setRole] = useState<'ADMIN' | 'USER'>('USER');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['invite-links', orgId] });
  const create = useMutation({
    mutationFn: () => organisationApi.createInviteLink(orgId, role),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: number) => organisationApi.deleteInviteLink(orgId, id),
    onSuccess: refresh,
  });
  const url = (hash: string) => `${window.location.origin}/signup?invite=${hash}`;
  return (
    <section className="card stack" aria-labelledby="members-title">
      <h2 id="members-title">People</h2>
      {members.isError ? <QueryError error={members.error} what="members" /> : null}
      <ul>
        {(members.data ?? []).map((m) => (
          <li key={m.id}>
            {m.email} <span className="badge">{m.role.toLowerCase()}</span>
          </li>
        ))}
      </ul>
      {isAdmin ? (
        <>
          <h3>Invite links</h3>
          <p className="muted">
            Anyone with a link can sign up (or join, if they have an account) with its role.
          </p>
          {(links.data ?? []).map((l) => (
            <div className="keybox" key={l.id}>
              <input
                className="input mono"
                readOnly
                aria-label={`Invite link (${l.role.toLowerCase()})`}
                value={url(l.hash)}
              />
              <span className="badge">{l.role.toLowerCase()}</span>
              <CopyButton text={url(l.hash)} label={`Copy the ${l.role.toLowerCase()} invite link`} />
              <Button
                small
                variant="ghost"
                onClick={() => remove.mutate(l.id)}
                aria-label={`Delete the ${l.role.toLowerCase()} invite link`}
              >
                Delete
              </Button>
            </div>
          ))}
          <div className="row" style={{ alignItems: 'flex-end' }}>
            <SelectField
              label="Role for new people"
              value={role}
              onChange={(e) => setRole(e.target.value as 'ADMIN' | 'USER')}
            >
              <option value="USER">User</option>
              <option value="ADMIN">Administrator</option>
            </SelectField>
            <Button onClick={() => create.mutate()} busy={create.isPending}>
              Create invite link
            </Button>
          </div>
          <FormError error={create.error ?? remove.error ?? links.error} />
        </>
      ) : null}
    </section>
  );
}
