import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { authApi } from '../../api/endpoints.ts';
import { keys } from '../../api/queries.ts';
import { useSession } from '../../app/session.tsx';
import { Button } from '../../ui/Button.tsx';
import { FormError, fieldError, Loading } from '../../ui/Feedback.tsx';
import { TextField } from '../../ui/Field.tsx';
import { AuthFrame } from './AuthFrame.tsx';
import { safeNext } from './safe-next.ts';

export function LoginPage() {
  const { token, signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const setup = useQuery({ queryKey: keys.setup, queryFn: authApi.setup, enabled: !token });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => authApi.login(email, password),
    onSuccess: ({ key }) => {
      signIn(key);
      navigate(next, { replace: true });
    },
  });

  if (token) return <Navigate to={next} replace />;
  if (setup.isPending) return <Loading />;
  if (setup.data?.first_user_needed) return <Navigate to="/signup" replace />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };
  return (
    <AuthFrame title="Log in to Vexil">
      <form className="stack" onSubmit={submit} noValidate>
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError(login.error, 'email')}
          autoFocus
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(login.error, 'password')}
        />
        <FormError error={login.error} shownFields={['email', 'password']} />
        <Button type="submit" variant="primary" busy={login.isPending}>
          Log in
        </Button>
        <p className="muted">
          New here? Ask an organisation admin for an invite link, or{' '}
          <Link to="/signup">sign up with one</Link>.
        </p>
      </form>
    </AuthFrame>
  );
}
