import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api } from '../api/client.ts';
import { authApi } from '../api/endpoints.ts';

interface Session {
  token: string | null;
  /** Stores a token from login or sign-up. */
  signIn: (token: string) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** The signed-in state: a token kept in localStorage, dropped on logout or when the API answers 401. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState(api.token);

  useEffect(
    () =>
      api.onUnauthorised(() => {
        setToken(null);
        queryClient.clear();
      }),
    [queryClient],
  );

  const signIn = useCallback(
    (key: string) => {
      queryClient.clear();
      api.setToken(key);
      setToken(key);
    },
    [queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } catch {
      // The session may already be gone; signing out locally is what matters.
    }
    api.setToken(null);
    setToken(null);
    queryClient.clear();
  }, [queryClient]);

  const value = useMemo(() => ({ token, signIn, signOut }), [token, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
