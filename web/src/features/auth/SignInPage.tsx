import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { ApiError, type ApiClient } from '../../api/client.js';
import type { DemoLogin, Session, Workspace } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { LanguageSwitch } from '../../components/LanguageSwitch.js';
import { applyLanguage } from '../../i18n/language.js';

/** Demo accounts are offered only on the demo workspace, and only to someone not signed in. */
function useDemoLogins(client: ApiClient): { logins: DemoLogin[]; password: string | null } {
  const workspace = useQuery({
    queryKey: qk.workspace(),
    queryFn: ({ signal }) => client.get<Workspace>('/api/v1/workspace', undefined, signal),
    // 404 on older servers, or any failure: simply no demo list
    retry: false,
    staleTime: Infinity,
  });
  const w = workspace.data;
  const logins: DemoLogin[] = w?.demo && Array.isArray(w.demoLogins) ? w.demoLogins : [];
  const passwords = new Set(logins.map((l) => l.password));
  return { logins, password: passwords.size === 1 ? [...passwords][0]! : null };
}

export function SignInPage({ client, onSignedIn }: { client: ApiClient; onSignedIn: (s: Session) => void }) {
  const { t, i18n } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const demo = useDemoLogins(client);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await client.post<Session>('/api/v1/auth/login', { email: email.trim(), password }));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const badCredentials = error instanceof ApiError && error.status === 401;

  return (
    <div className="signin-page">
      <div className="signin-lang">
        <LanguageSwitch onChange={(l) => void applyLanguage(i18n, l)} />
      </div>
      <main id="main" className="signin-main">
        <section className="card signin-card" aria-labelledby="signin-title">
          <h1 id="signin-title">{t('signIn.title')}</h1>
          <p className="muted">{t('signIn.subtitle')}</p>
          <form onSubmit={(e) => void submit(e)} noValidate>
            <div className="field">
              <label htmlFor="signin-email">{t('signIn.email')}</label>
              <input id="signin-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
            </div>
            <div className="field">
              <label htmlFor="signin-password">{t('signIn.password')}</label>
              <input id="signin-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
            </div>
            {badCredentials ? (
              <div className="error-box" role="alert">
                <p>{t('errors.invalidCredentials')}</p>
              </div>
            ) : error ? (
              <ErrorMessage error={error} title={t('signIn.failed')} />
            ) : null}
            <button type="submit" className="btn btn-primary btn-block" disabled={busy || !email || !password}>
              {busy ? t('signIn.submitting') : t('signIn.submit')}
            </button>
          </form>
        </section>
        {demo.logins.length > 0 && (
          <section className="card demo-card" aria-labelledby="demo-title">
            <h2 id="demo-title">{t('signIn.demoTitle')}</h2>
            <p className="muted small">{t('signIn.demoHint')}</p>
            {demo.password && <p className="small">{t('signIn.demoPassword', { password: demo.password })}</p>}
            <ul className="demo-list">
              {demo.logins.map((l) => (
                <li key={l.email}>
                  <button
                    type="button"
                    className="demo-account"
                    aria-label={t('signIn.useAccount', { name: l.name, role: t(`roles.${l.role}`, { defaultValue: l.role }) })}
                    onClick={() => {
                      setEmail(l.email);
                      setPassword(l.password);
                      setError(null);
                    }}
                  >
                    <span className="demo-name">{l.name}</span>
                    <span className="demo-role">{t(`roles.${l.role}`, { defaultValue: l.role })}</span>
                    <span className="demo-email">{l.email}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </main>
    </div>
  );
}
