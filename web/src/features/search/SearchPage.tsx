import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/States.js';
import { Link, navigate, useSearch } from '../../lib/router.js';
import { useSession } from '../../session.js';
import { Highlight } from './Highlight.js';
import { SEARCH_TABS, type SearchHit, type SearchResult } from './types.js';

const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];

function hrefOf(h: SearchHit): string | null {
  if (h.ticketId) return `/tickets/${h.ticketId}`;
  if (h.kind === 'article') return `/knowledge?q=&id=${h.id}`;
  return null;
}

/** Results of the top bar's search: type tabs, filters, highlighted snippets, more pages. */
export function SearchPage() {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const params = new URLSearchParams(useSearch());
  const q = params.get('q') ?? '';
  const type = params.get('type') ?? 'all';
  const status = params.get('status') ?? '';
  const [items, setItems] = useState<SearchHit[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [mode, setMode] = useState<'index' | 'scan'>('index');
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const set = (k: string, v: string) => {
    const p = new URLSearchParams(window.location.search);
    if (v) p.set(k, v);
    else p.delete(k);
    navigate(`/search?${p.toString()}`, { replace: true });
  };

  const load = (cursor?: string) => {
    if (!q.trim()) return;
    setLoading(true);
    setError(null);
    client
      .get<SearchResult>('/api/v1/search', { q, ...(type !== 'all' && { type }), ...(status && { status }), ...(cursor && { cursor }) })
      .then((r) => {
        setItems((prev) => (cursor ? [...prev, ...r.items] : r.items));
        setNext(r.nextCursor);
        setMode(r.mode);
      })
      .catch(setError)
      .finally(() => setLoading(false));
  };
  useEffect(() => load(), [q, type, status]);

  return (
    <main id="main" className="page search-page">
      <h1>{t('search.resultsFor', { q })}</h1>
      <p className="muted small">{t('search.hint')}</p>
      <div role="tablist" className="tabs" aria-label={t('search.title')}>
        {SEARCH_TABS.map((tab) => (
          <button key={tab} type="button" role="tab" aria-selected={type === tab} className={type === tab ? 'tab active' : 'tab'} onClick={() => set('type', tab === 'all' ? '' : tab)}>
            {t(`search.tabs.${tab}`)}
          </button>
        ))}
      </div>
      <div className="filters row">
        <label>
          {t('search.status')}{' '}
          <select value={status} onChange={(e) => set('status', e.target.value)}>
            <option value="">{t('search.anyStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`, { defaultValue: s })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error !== null && <ErrorMessage error={error} onRetry={() => load()} />}
      {mode === 'scan' && items.length > 0 && <p className="muted small">{t('search.scanNote')}</p>}
      {!loading && error === null && items.length === 0 && <p className="empty">{t('search.none')}</p>}
      <ol className="search-results">
        {items.map((h) => {
          const href = hrefOf(h);
          return (
            <li key={`${h.kind}:${h.id}`} className="search-hit">
              <div className="search-hit-head">
                <span className="badge">{t(`search.kinds.${h.kind}`, { defaultValue: h.kind })}</span>{' '}
                {h.ticketNumber !== null && <span className="muted">#{h.ticketNumber} </span>}
                {href ? (
                  <Link to={href}>
                    <Highlight {...h.title} />
                  </Link>
                ) : (
                  <strong>
                    <Highlight {...h.title} />
                  </strong>
                )}
                <span className="muted small"> · {new Date(h.at).toLocaleDateString(i18n.language === 'ja' ? 'ja-JP' : 'en')}</span>
              </div>
              {h.snippet.text && (
                <p className="search-snippet">
                  <Highlight {...h.snippet} />
                </p>
              )}
            </li>
          );
        })}
      </ol>
      {loading && <Loading label={t('search.loading')} />}
      {next && !loading && (
        <button type="button" className="btn" onClick={() => load(next)}>
          {t('search.more')}
        </button>
      )}
    </main>
  );
}
