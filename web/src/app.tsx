import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiClient, ApiError } from './api/client.js';
import type { Session, User } from './api/types.js';
import { ErrorMessage } from './components/ErrorMessage.js';
import { Loading } from './components/States.js';
import { SignInPage } from './features/auth/SignInPage.js';
import { applyLanguage, isLanguage, loadMessages } from './i18n/language.js';
import { RouterProvider } from '@tanstack/react-router';
import { setActiveRouter } from './lib/router.js';
import { createAppRouter } from './routes.js';
import { DirectoryProvider, SessionProvider, useSession, type SessionValue } from './session.js';
import { QueryClientProvider } from '@tanstack/react-query';
import { createQueryClient } from './api/query-client.js';
import { useLiveInvalidation } from './api/live-invalidation.js';

type Phase = { kind: 'checking' } | { kind: 'signedOut' } | { kind: 'failed'; error: unknown } | { kind: 'signedIn'; user: User };

export function App() {
  const { i18n } = useTranslation();
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  const [client] = useState(() => {
    const c: ApiClient = new ApiClient({
      onUnauthenticated: () => {
        c.setCsrfToken(null);
        setPhase({ kind: 'signedOut' });
      },
    });
    return c;
  });
  // Before sign-in (the workspace's demo accounts): its own cache, never shared with a user's.
  const [signedOutQueries] = useState(createQueryClient);

  // useTranslation() hands out a new wrapper of the instance on every change of language: kept in a ref, so that
  // `enter` and `check` stay the same and a change of language does not re-check the session (which showed the
  // loading screen and remounted everything: the sign-in form lost what was typed, a signed-in page its drafts).
  const i18nRef = useRef(i18n);
  i18nRef.current = i18n;
  const enter = useCallback(
    (session: Session) => {
      client.setCsrfToken(session.csrfToken);
      if (isLanguage(session.user.locale)) void applyLanguage(i18nRef.current, session.user.locale);
      setPhase({ kind: 'signedIn', user: session.user });
    },
    [client],
  );

  const check = useCallback(() => {
    setPhase({ kind: 'checking' });
    client
      .get<Session>('/api/v1/auth/session')
      .then(enter)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) setPhase({ kind: 'signedOut' });
        else setPhase({ kind: 'failed', error: err });
      });
  }, [client, enter]);

  useEffect(check, [check]);

  const session = useMemo<SessionValue | null>(() => {
    if (phase.kind !== 'signedIn') return null;
    return {
      user: phase.user,
      client,
      setUser: (user) => setPhase({ kind: 'signedIn', user }),
      signOut: async () => {
        try {
          await client.post('/api/v1/auth/logout');
        } finally {
          client.setCsrfToken(null);
          setPhase({ kind: 'signedOut' });
        }
      },
    };
  }, [phase, client]);

  if (phase.kind === 'checking') return <Loading />;
  if (phase.kind === 'failed')
    return (
      <main className="center-page">
        <ErrorMessage error={phase.error} onRetry={check} />
      </main>
    );
  if (phase.kind === 'signedOut' || !session)
    return (
      <QueryClientProvider client={signedOutQueries}>
        <SignInPage client={client} onSignedIn={enter} />
      </QueryClientProvider>
    );
  return (
    <SessionProvider value={session}>
      <SignedIn user={session.user} />
    </SessionProvider>
  );
}

/** The screens, for one signed-in user (a new router per user, so nothing leaks across sign-ins). */
function SignedIn({ user }: { user: User }) {
  const router = useMemo(() => createAppRouter(user), [user.id]);
  const queryClient = useMemo(() => createQueryClient(), [user.id]);
  useEffect(() => {
    setActiveRouter(router);
    return () => setActiveRouter(null);
  }, [router]);
  // Field problem texts (admin2.problem.*) can appear on any screen: once the first screen is
  // shown, fetch the administration messages in the background (until then a problem shows the
  // server's own words).
  useEffect(() => whenIdle(() => void loadMessages('admin').catch(() => undefined)), []);
  return (
    <QueryClientProvider client={queryClient}>
      <LiveInvalidation />
      <DirectoryProvider client={useSession().client}>
        <RouterProvider router={router} context={{ user }} />
      </DirectoryProvider>
    </QueryClientProvider>
  );
}

/** One subscription to the event stream for the whole console: events invalidate queries. */
function LiveInvalidation() {
  useLiveInvalidation();
  return null;
}

/** Runs `fn` when the browser is idle (or after a moment where requestIdleCallback is missing); returns the cancel. */
function whenIdle(fn: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(fn, { timeout: 3000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 1000);
  return () => clearTimeout(id);
}
