import { getRouteApi } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { useLoad } from './common.js';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role, type User } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading, Notice } from '../../components/States.js';
import { LANGUAGES, type Language } from '../../i18n/language.js';
import { timeZones } from '../../lib/format.js';
import { fetchAll, useDirectory, useSession } from '../../session.js';

const usersApi = getRouteApi('/admin/users');

export function AdminUsersPage() {
  const { t } = useTranslation();
  const { client, user: me } = useSession();
  const directory = useDirectory();
  // The search text and "show inactive" live in the URL (/admin/users?q=…&inactive=1).
  const search = usersApi.useSearch();
  const nav = usersApi.useNavigate();
  const showInactive = search.inactive === true;
  const setShowInactive = (v: boolean) => void nav({ search: (s) => ({ ...s, inactive: v || undefined }), replace: true });
  const q = search.q ?? '';
  const setQ = (v: string) => void nav({ search: (s) => ({ ...s, q: v || undefined }), replace: true });
  const [actionError, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);

  const list = useLoad(qk.admin('users'), () => fetchAll<User>(client, '/api/v1/users'));
  const users = list.data;
  const setUsers = list.setData;
  const load = list.reload;
  const error = actionError ?? list.error;

  const replace = (u: User) => {
    setUsers((prev) => (prev ?? []).map((x) => (x.id === u.id ? u : x)));
    directory.reload();
  };

  const changeRole = async (u: User, role: Role) => {
    setNotice(null);
    setError(null);
    try {
      const next = await client.patch<User>(`/api/v1/users/${u.id}`, { role });
      replace(next);
      setNotice(t('admin.roleChanged', { name: next.name, role: t(`roles.${next.role}`) }));
    } catch (err) {
      setError(err);
    }
  };

  const setActive = async (u: User, active: boolean) => {
    if (!active && !window.confirm(t('admin.confirmDeactivate', { name: u.name }))) return;
    setNotice(null);
    setError(null);
    try {
      replace(active ? await client.patch<User>(`/api/v1/users/${u.id}`, { active: true }) : await client.delete<User>(`/api/v1/users/${u.id}`));
    } catch (err) {
      setError(err);
    }
  };

  const needle = q.trim().toLowerCase();
  const shown = (users ?? []).filter((u) => (showInactive || u.active) && (!needle || u.name.toLowerCase().includes(needle) || u.email.toLowerCase().includes(needle)));

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('admin.usersTitle')}</h1>
      </div>
      <CreateUserForm
        onCreated={(u) => {
          setUsers((prev) => [...(prev ?? []), u]);
          directory.reload();
          setNotice(t('admin.userCreated', { name: u.name }));
        }}
      />
      {notice && <Notice>{notice}</Notice>}
      {error !== null && <ErrorMessage error={error} onRetry={users === null ? load : undefined} />}
      {resetting && (
        <ResetPasswordForm
          key={resetting.id}
          user={resetting}
          onCancel={() => setResetting(null)}
          onDone={(u) => {
            setResetting(null);
            setNotice(t('accounts.resetDone', { name: u.name }));
          }}
        />
      )}
      <div className="filters">
        <div className="field inline">
          <label htmlFor="u-search">{t('admin.searchUsers')}</label>
          <input id="u-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <label className="check">
          <input type="checkbox" checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)} /> {t('admin.showInactive')}
        </label>
      </div>
      {users === null && error === null && <Loading />}
      {users !== null && shown.length === 0 && <EmptyState>{t('admin.usersEmpty')}</EmptyState>}
      {shown.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.email')}</th>
                <th scope="col">{t('admin.role')}</th>
                <th scope="col">{t('admin.locale')}</th>
                <th scope="col">{t('admin.timeZone')}</th>
                <th scope="col">{t('admin.state')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((u) => (
                <tr key={u.id} className={u.active ? '' : 'inactive'}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>
                    <select aria-label={t('admin.changeRoleOf', { name: u.name })} value={u.role} disabled={u.id === me.id || !u.active} onChange={(e) => void changeRole(u, e.target.value as Role)}>
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {t(`roles.${r}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>{t(`languages.${u.locale}`)}</td>
                  <td>{u.timeZone}</td>
                  <td>{u.active ? t('admin.active') : <span className="muted">{t('admin.inactive')}</span>}</td>
                  <td>
                    {u.id !== me.id && u.active && (
                      <button type="button" className="btn btn-small" onClick={() => setResetting(u)} aria-label={`${t('accounts.resetPassword')}: ${u.name}`}>
                        {t('accounts.resetPassword')}
                      </button>
                    )}{' '}
                    {u.id !== me.id &&
                      (u.active ? (
                        <button type="button" className="btn btn-small btn-danger" onClick={() => void setActive(u, false)} aria-label={`${t('admin.deactivate')}: ${u.name}`}>
                          {t('admin.deactivate')}
                        </button>
                      ) : (
                        <button type="button" className="btn btn-small" onClick={() => void setActive(u, true)} aria-label={`${t('admin.reactivate')}: ${u.name}`}>
                          {t('admin.reactivate')}
                        </button>
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function CreateUserForm({ onCreated }: { onCreated: (u: User) => void }) {
  const { t } = useTranslation();
  const { client, user: me } = useSession();
  const empty = { name: '', email: '', role: 'agent' as Role, locale: me.locale as Language, timeZone: me.timeZone, password: '' };
  const [form, setForm] = useState(empty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { password, ...rest } = form;
      const u = await client.post<User>('/api/v1/users', { ...rest, name: rest.name.trim(), email: rest.email.trim(), ...(password ? { password } : {}) });
      setForm(empty);
      onCreated(u);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="card create-card">
      <summary>{t('admin.newUser')}</summary>
      <form onSubmit={(e) => void submit(e)} className="grid-form">
        <div className="field">
          <label htmlFor="nu-name">{t('admin.name')}</label>
          <input id="nu-name" required maxLength={200} value={form.name} onChange={(e) => set('name', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="nu-email">{t('admin.email')}</label>
          <input id="nu-email" type="email" required value={form.email} onChange={(e) => set('email', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="nu-role">{t('admin.role')}</label>
          <select id="nu-role" value={form.role} onChange={(e) => set('role', e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="nu-locale">{t('admin.locale')}</label>
          <select id="nu-locale" value={form.locale} onChange={(e) => set('locale', e.target.value as Language)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(`languages.${l}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="nu-tz">{t('admin.timeZone')}</label>
          <select id="nu-tz" value={form.timeZone} onChange={(e) => set('timeZone', e.target.value)}>
            {timeZones(form.timeZone).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="nu-password">{t('admin.initialPassword')}</label>
          <input id="nu-password" type="password" autoComplete="new-password" minLength={12} value={form.password} onChange={(e) => set('password', e.target.value)} />
        </div>
        <div className="form-actions">
          {error !== null && <ErrorMessage error={error} />}
          <button type="submit" className="btn btn-primary" disabled={busy || !form.name.trim() || !form.email.trim()}>
            {busy ? t('admin.creating') : t('admin.create')}
          </button>
        </div>
      </form>
    </details>
  );
}

/** An administrator sets a new password: the user is signed out everywhere; their tokens optionally revoked. */
function ResetPasswordForm({ user, onCancel, onDone }: { user: User; onCancel: () => void; onDone: (u: User) => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const [password, setPassword] = useState('');
  const [revokeTokens, setRevokeTokens] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await client.patch<User>(`/api/v1/users/${user.id}`, { password, ...(revokeTokens && { revokeTokens: true }) }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="reset-title">
      <h2 id="reset-title">{t('accounts.resetPassword')}</h2>
      <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
      <div className="field">
        <label htmlFor="reset-password">{t('accounts.resetPasswordFor', { name: user.name })}</label>
        <input id="reset-password" type="password" autoComplete="new-password" required minLength={12} value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="reset-hint" />
        <span className="hint" id="reset-hint">
          {t('accounts.passwordRules')}
        </span>
      </div>
      <label className="check">
        <input type="checkbox" checked={revokeTokens} onChange={(e) => setRevokeTokens(e.target.checked)} /> {t('accounts.revokeTheirTokens')}
      </label>
      {error !== null && <ErrorMessage error={error} fieldLabels={{ password: t('accounts.resetPasswordFor', { name: user.name }) }} />}
      <div className="with-action">
        <button type="submit" className="btn btn-primary" disabled={busy || password.length === 0}>
          {t('accounts.resetPassword')}
        </button>
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
