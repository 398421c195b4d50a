import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Notice } from '../../components/States.js';
import { LANGUAGES, applyLanguage, type Language } from '../../i18n/language.js';
import { formatDateTime, timeZones } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useSession } from '../../session.js';
import { AvailabilityForm } from './AvailabilityForm.js';
import { NotificationPreferences } from './NotificationPreferences.js';

export function SettingsPage() {
  const { t } = useTranslation();
  return (
    <div className="page narrow">
      <div className="page-head">
        <h1>{t('settings.title')}</h1>
      </div>
      <ProfileForm />
      <NotificationPreferences />
      <MyAvailability />
      <PasswordForm />
      <p>
        <Link to="/tokens">{t('settings.tokensLink')}</Link>
      </p>
    </div>
  );
}

function MyAvailability() {
  const { t } = useTranslation();
  const { user } = useSession();
  return (
    <section className="card" aria-labelledby="availability-title">
      <h2 id="availability-title">{t('admin2.avail.title')}</h2>
      <AvailabilityForm person={user} idPrefix="my-av" />
    </section>
  );
}

function ProfileForm() {
  const { t, i18n } = useTranslation();
  const { client, user, setUser } = useSession();
  const [locale, setLocale] = useState<Language>(user.locale);
  const [timeZone, setTimeZone] = useState(user.timeZone);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const next = await client.patch<User>(`/api/v1/users/${user.id}`, { locale, timeZone });
      setUser(next);
      await applyLanguage(i18n, next.locale);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="profile-title">
      <h2 id="profile-title">{t('settings.profile')}</h2>
      <div className="field">
        <label htmlFor="s-locale">{t('settings.language')}</label>
        <select id="s-locale" value={locale} onChange={(e) => setLocale(e.target.value as Language)}>
          {LANGUAGES.map((l) => (
            <option key={l} value={l} lang={l}>
              {t(`languages.${l}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="s-tz">{t('settings.timeZone')}</label>
        <select id="s-tz" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} aria-describedby="s-tz-hint">
          {timeZones(timeZone).map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
        <span id="s-tz-hint" className="hint">
          {t('settings.timeZoneHint')} {t('settings.preview', { time: formatDateTime(new Date().toISOString(), locale, timeZone) })}
        </span>
      </div>
      {error !== null && <ErrorMessage error={error} />}
      {saved && <Notice>{t('settings.saved')}</Notice>}
      <button type="submit" className="btn btn-primary" disabled={busy || (locale === user.locale && timeZone === user.timeZone)}>
        {t('settings.save')}
      </button>
    </form>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const { client, user } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [revokeTokens, setRevokeTokens] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    if ([...next].length < 12) return setProblem(t('settings.passwordTooShort'));
    if (next !== confirm) return setProblem(t('settings.passwordMismatch'));
    setProblem(null);
    setBusy(true);
    try {
      await client.patch<User>(`/api/v1/users/${user.id}`, { password: next, currentPassword: current, ...(revokeTokens && { revokeTokens: true }) });
      setCurrent('');
      setRevokeTokens(false);
      setNext('');
      setConfirm('');
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="password-title">
      <h2 id="password-title">{t('settings.passwordTitle')}</h2>
      {/* lets password managers tie the change to the right account */}
      <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
      <div className="field">
        <label htmlFor="p-current">{t('settings.currentPassword')}</label>
        <input id="p-current" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="p-new">{t('settings.newPassword')}</label>
        <input id="p-new" type="password" autoComplete="new-password" required minLength={12} value={next} onChange={(e) => setNext(e.target.value)} aria-describedby="p-new-hint" />
        <span className="hint" id="p-new-hint">
          {t('accounts.passwordRules')}
        </span>
      </div>
      <div className="field">
        <label htmlFor="p-confirm">{t('settings.confirmPassword')}</label>
        <input id="p-confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
      </div>
      <p className="muted small">{t('accounts.otherSessionsEnd')}</p>
      <label className="check">
        <input type="checkbox" checked={revokeTokens} onChange={(e) => setRevokeTokens(e.target.checked)} /> {t('accounts.revokeTokens')}
      </label>
      {problem && (
        <div className="error-box" role="alert">
          <p>{problem}</p>
        </div>
      )}
      {error !== null && <ErrorMessage error={error} fieldLabels={{ currentPassword: t('settings.currentPassword'), password: t('settings.newPassword') }} />}
      {done && <Notice>{t('settings.passwordChanged')}</Notice>}
      <button type="submit" className="btn btn-primary" disabled={busy || !current || !next || !confirm}>
        {t('settings.changePassword')}
      </button>
    </form>
  );
}
