import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { authApi, organisationApi } from '../../api/endpoints.ts';
import { keys } from '../../api/queries.ts';
import { useSession } from '../../app/session.tsx';
import { Button } from '../../ui/Button.tsx';
import { FormError, fieldError, Loading } from '../../ui/Feedback.tsx';
import { TextField } from '../../ui/Field.tsx';
import { AuthFrame } from './AuthFrame.tsx';

/**
 * Sign-up: on a new installation the first user creates their account and their organisation (they become its
 * admin); afterwards people sign up with an invite link (`/signup?invite=<hash>`).
 */
export function SignUpPage() {
  const { token, signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const invite = params.get('invite') ?? undefined;
  const setup = useQuery({ queryKey: keys.setup, queryFn: authApi.setup, enabled: !token });
  const [form, setForm] = useState({
    first_name: '',
    last_name: '',
    email: '',
    password: '',
    organisation: '',
  });
  const first = setup.data?.first_user_needed === true && !invite;

  const signUp = useMutation({
    mutationFn: async () => {
      const { key } = await authApi.signUp({
        email: form.email,
        password: form.password,
        first_name: form.first_name,
        last_name: form.last_name,
        ...(invite ? { invite_hash: invite } : {}),
      });
      signIn(key);
      if (first) {
        // The first user becomes admin of every existing organisation (e.g. a bootstrap "Default"); with none,
        // theirs is created now.
        const existing = await organisationApi.list();
        if (existing.length === 0)
          await organisationApi.create(form.organisation.trim() || 'My organisation');
      }
    },
    onSuccess: () => navigate('/', { replace: true }),
  });

  if (token && invite && !signUp.isPending && !signUp.isSuccess) return <JoinWithInvite hash={invite} />;
  if (token && !signUp.isPending && !signUp.isSuccess) return <Navigate to="/" replace />;
  if (setup.isPending && !token) return <Loading />;
  if (!first && !invite) {
    return (
      <AuthFrame title="Sign up">
        <p>
          This Vexil installation already has users. To join, open the invite link an organisation admin gave
          you.
        </p>
        <Link to="/login">Log in instead</Link>
      </AuthFrame>
    );
  }

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signUp.mutate();
  };
  return (
    <AuthFrame title={first ? 'Welcome to Vexil' : 'Join your team on Vexil'}>
      {first ? (
        <p className="muted">Create the first account. You will be the administrator of your organisation.</p>
      ) : null}
      <form className="stack" onSubmit={submit} noValidate>
        <div className="grid-2" style={{ gap: '0.75rem' }}>
          <TextField
            label="First name"
            autoComplete="given-name"
            value={form.first_name}
            onChange={set('first_name')}
            error={fieldError(signUp.error, 'first_name')}
            autoFocus
          />
          <TextField
            label="Last name"
            autoComplete="family-name"
            value={form.last_name}
            onChange={set('last_name')}
            error={fieldError(signUp.error, 'last_name')}
          />
        </div>
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={set('email')}
          error={fieldError(signUp.error, 'email')}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 8 characters, not only digits."
          value={form.password}
          onChange={set('password')}
          error={fieldError(signUp.error, 'password')}
        />
        {first ? (
          <TextField
            label="Organisation name"
            value={form.organisation}
            onChange={set('organisation')}
            placeholder="Acme Inc."
            error={fieldError(signUp.error, 'name')}
          />
        ) : null}
        <FormError
          error={signUp.error}
          shownFields={['first_name', 'last_name', 'email', 'password', 'name']}
        />
        <Button type="submit" variant="primary" busy={signUp.isPending}>
          Create account
        </Button>
        {!first ? (
          <p className="muted">
            Already have an account? <Link to="/login">Log in</Link>
          </p>
        ) : null}
      </form>
    </AuthFrame>
  );
}

/** Someone already signed in who opens an invite link joins that organisation instead of signing up again. */
function JoinWithInvite({ hash }: { hash: string }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const join = useMutation({
    mutationFn: () => organisationApi.join(hash),
    onSuccess: async (org) => {
      await queryClient.invalidateQueries({ queryKey: keys.organisations });
      navigate(`/organisations/${org.id}/projects`, { replace: true });
    },
  });
  return (
    <AuthFrame title="Join an organisation">
      <p>You are signed in. Join the organisation this invite link is for?</p>
      <FormError error={join.error} />
      <div className="row">
        <Button variant="primary" busy={join.isPending} onClick={() => join.mutate()}>
          Join
        </Button>
        <Link to="/">Not now</Link>
      </div>
    </AuthFrame>
  );
}
