import { useState, type FormEvent } from 'react';
import { useLoad } from './common.js';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import type { ApiToken, CreatedToken } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { useDirectory, useSession, useUserTimeZone } from '../../session.js';

/** API tokens: your own, or (administrators, all=true) everyone's. A new token is shown once. */
export function AdminTokensPage({ all }: { all: boolean }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const directory = useDirectory();
  const tz = useUserTimeZone();
  const [actionError, setError] = useState<unknown>(null);
  const [name, setName] = useState('');
  /** yyyy-mm-dd from the date input: the token works until the end of that day in the user's time zone. */
  const [expiresOn, setExpiresOn] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [copied, setCopied] = useState(false);

  const list = useLoad(qk.admin('tokens', all), (signal) => client.get<{ items: ApiToken[] }>('/api/v1/tokens', all ? { all: true } : {}, signal).then((r) => r.items));
  const tokens = list.data;
  const load = list.reload;
  const error = actionError ?? list.error;

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const expiresAt = expiresOn ? endOfDayIn(expiresOn, tz) : null;
      setCreated(await client.post<CreatedToken>('/api/v1/tokens', { name: name.trim(), ...(expiresAt && { expiresAt }) }));
      setCopied(false);
      setName('');
      setExpiresOn('');
      load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (tok: ApiToken) => {
    if (!window.confirm(t('admin.confirmRevoke', { name: tok.name }))) return;
    setError(null);
    try {
      await client.delete(`/api/v1/tokens/${tok.id}`);
      load();
    } catch (err) {
      setError(err);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied(true);
    } catch {
      // clipboard refused (insecure context): the token stays selectable in the field
    }
  };

  const when = (iso: string | null) => (iso ? formatDateTime(iso, i18n.language, tz) : t('admin.never'));

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('admin.tokensTitle')}</h1>
      </div>
      <p className="muted">{t('admin.tokensHint')}</p>
      <form className="card inline-form" onSubmit={(e) => void create(e)}>
        <div className="field grow">
          <label htmlFor="tok-name">{t('admin.tokenName')}</label>
          <input id="tok-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="tok-expires">{t('accounts.expiresAtOptional')}</label>
          <input id="tok-expires" type="date" value={expiresOn} onChange={(e) => setExpiresOn(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
          {t('admin.createToken')}
        </button>
      </form>
      {created && (
        <div className="card token-once" role="status">
          <p>
            <strong>{t('admin.tokenCreated')}</strong>
          </p>
          <div className="with-action">
            <label htmlFor="tok-value" className="sr-only">
              {t('admin.tokenValue')}
            </label>
            <input id="tok-value" className="mono" readOnly value={created.token} onFocus={(e) => e.target.select()} />
            <button type="button" className="btn" onClick={() => void copy()}>
              {copied ? t('admin.copied') : t('admin.copy')}
            </button>
            <button type="button" className="btn btn-quiet" onClick={() => setCreated(null)}>
              {t('admin.done')}
            </button>
          </div>
        </div>
      )}
      {error !== null && <ErrorMessage error={error} onRetry={tokens === null ? load : undefined} fieldLabels={{ name: t('admin.tokenName'), expiresAt: t('accounts.expiresAt') }} />}
      {tokens === null && error === null && <Loading />}
      {tokens !== null && tokens.length === 0 && <EmptyState>{t('admin.tokensEmpty')}</EmptyState>}
      {tokens !== null && tokens.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.tokenPrefix')}</th>
                {all && <th scope="col">{t('admin.tokenOwner')}</th>}
                <th scope="col">{t('admin.createdAt')}</th>
                <th scope="col">{t('admin.lastUsed')}</th>
                <th scope="col">{t('accounts.expiresAt')}</th>
                <th scope="col">{t('admin.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((tok) => (
                <tr key={tok.id} className={tok.revokedAt || tok.expired ? 'inactive' : ''}>
                  <td>{tok.name}</td>
                  <td className="mono">{tok.prefix}…</td>
                  {all && <td>{directory.userName(tok.userId) ?? '—'}</td>}
                  <td>{when(tok.createdAt)}</td>
                  <td>{when(tok.lastUsedAt)}</td>
                  <td>{tok.expiresAt ? (tok.expired ? <span className="muted">{t('accounts.expired', { time: when(tok.expiresAt) })}</span> : when(tok.expiresAt)) : t('accounts.noExpiry')}</td>
                  <td>
                    {tok.revokedAt ? (
                      <span className="muted small">{t('admin.revoked', { time: when(tok.revokedAt) })}</span>
                    ) : (
                      <button type="button" className="btn btn-small btn-danger" onClick={() => void revoke(tok)} aria-label={`${t('admin.revoke')}: ${tok.name}`}>
                        {t('admin.revoke')}
                      </button>
                    )}
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

/** The instant a date input's day ends in `timeZone` (23:59:59.999 local), as ISO-8601. */
export function endOfDayIn(day: string, timeZone: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const guess = Date.UTC(y!, m! - 1, d! + 1) - 1;
  // The zone's offset at that instant: format it there and read the difference.
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(guess));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'), 999);
  return new Date(guess - (local - guess)).toISOString();
}

/** /tokens: the user's own API tokens. */
export const OwnTokensPage = () => <AdminTokensPage all={false} />;
/** /admin/tokens: everyone's tokens. */
export const AllTokensPage = () => <AdminTokensPage all />;
