import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer } from '../../api/types.js';
import { qk } from '../../api/query-keys.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Loading } from '../../components/States.js';
import { Link } from '../../lib/router.js';
import { useDirectory, useSession } from '../../session.js';
import { useCustomerSearch } from '../desk/use-desk.js';
import { Highlight } from './Highlight.js';
import { formatDate } from '../../lib/format.js';
import { describeOrigin } from '../escalations/origin.js';
import { SEARCH_TABS, type SearchHit, type SearchResult } from './types.js';

const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
const route = getRouteApi('/search');

function hrefOf(h: SearchHit): string | null {
  if (h.ticketId) return `/tickets/${h.ticketId}`;
  if (h.kind === 'article') return `/knowledge?q=&id=${h.id}`;
  if (h.kind === 'path') return `/admin/paths/${h.id}`;
  return null;
}

/** A YYYY-MM-DD from the URL, or nothing (a hand-edited link with another shape is ignored). */
const day = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

/**
 * Results of the top bar's search: type tabs, filters (status, team, written from/until,
 * customer — all in the URL, so reload, Back and a pasted link give the same results),
 * highlighted snippets, more pages.
 */
export function SearchPage() {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const search = route.useSearch();
  const nav = route.useNavigate();
  const q = search.q ?? '';
  const type = search.type ?? 'all';
  const filters = { status: search.status, team: search.team, from: day(search.from), to: day(search.to), customer: search.customer };
  const set = (patch: Partial<typeof search>) => void nav({ search: (s) => ({ ...s, ...patch }), replace: true });

  const results = useInfiniteQuery({
    queryKey: qk.search.results({ q, type, ...filters }),
    enabled: q.trim() !== '',
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      client.get<SearchResult>(
        '/api/v1/search',
        {
          q,
          ...(type !== 'all' && { type }),
          ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
          // "until" is inclusive on screen: the API's `to` is exclusive.
          ...(filters.to && { to: nextDay(filters.to) }),
          ...(pageParam && { cursor: pageParam }),
        },
        signal,
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = results.data?.pages.flatMap((p) => p.items) ?? [];
  const mode = results.data?.pages[0]?.mode ?? 'index';
  const filtered = Object.values(filters).some((v) => v !== undefined);

  return (
    <div className="page search-page">
      <h1>{t('search.resultsFor', { q })}</h1>
      <p className="muted small">{t('search.hint')}</p>
      <div role="tablist" className="tabs" aria-label={t('search.title')}>
        {SEARCH_TABS.map((tab) => (
          <button key={tab} type="button" role="tab" aria-selected={type === tab} className={type === tab ? 'tab active' : 'tab'} onClick={() => set({ type: tab === 'all' ? undefined : tab })}>
            {t(`search.tabs.${tab}`)}
          </button>
        ))}
      </div>
      <div className="filters row search-filters" role="group" aria-label={t('search.filters')}>
        <label>
          {t('search.status')}{' '}
          <select value={filters.status ?? ''} onChange={(e) => set({ status: e.target.value || undefined })}>
            <option value="">{t('search.anyStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`, { defaultValue: s })}
              </option>
            ))}
          </select>
        </label>
        <TeamFilter value={filters.team} onChange={(team) => set({ team })} />
        <label>
          {t('search.from')}{' '}
          <input type="date" value={filters.from ?? ''} max={filters.to} onChange={(e) => set({ from: e.target.value || undefined })} />
        </label>
        <label>
          {t('search.to')}{' '}
          <input type="date" value={filters.to ?? ''} min={filters.from} onChange={(e) => set({ to: e.target.value || undefined })} />
        </label>
        <CustomerFilter value={filters.customer} onChange={(customer) => set({ customer })} />
        {filtered && (
          <button type="button" className="btn" onClick={() => set({ status: undefined, team: undefined, from: undefined, to: undefined, customer: undefined })}>
            {t('search.clearFilters')}
          </button>
        )}
      </div>
      {results.error !== null && <ErrorMessage error={results.error} onRetry={() => void results.refetch()} />}
      {mode === 'scan' && items.length > 0 && <p className="muted small">{t('search.scanNote')}</p>}
      {q.trim() !== '' && !results.isPending && results.error === null && items.length === 0 && <p className="empty">{t('search.none')}</p>}
      <ol className="search-results">
        {items.map((h) => {
          const href = hrefOf(h);
          // What the system wrote for an escalation it started, in the reader's words (not the stored ask's language).
          const title = h.origin && h.origin.code !== 'direct' ? <>{describeOrigin(h.origin, t)}</> : <Highlight {...h.title} />;
          return (
            <li key={`${h.kind}:${h.id}`} className="search-hit">
              <div className="search-hit-head">
                <span className="badge">{t(`search.kinds.${h.kind}`, { defaultValue: h.kind })}</span>{' '}
                {h.ticketNumber !== null && <span className="muted">#{h.ticketNumber} </span>}
                {href ? (
                  <Link to={href}>{title}</Link>
                ) : (
                  <strong>{title}</strong>
                )}
                <span className="muted small"> · {formatDate(h.at, i18n.language, user.timeZone)}</span>
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
      {q.trim() !== '' && (results.isPending || results.isFetchingNextPage) && results.error === null && <Loading label={t('search.loading')} />}
      {results.hasNextPage && !results.isFetchingNextPage && (
        <button type="button" className="btn" onClick={() => void results.fetchNextPage()}>
          {t('search.more')}
        </button>
      )}
    </div>
  );
}

function nextDay(d: string): string {
  const x = new Date(`${d}T00:00:00Z`);
  x.setUTCDate(x.getUTCDate() + 1);
  return x.toISOString().slice(0, 10);
}

function TeamFilter({ value, onChange }: { value: string | undefined; onChange: (team: string | undefined) => void }) {
  const { t } = useTranslation();
  const { teams } = useDirectory();
  return (
    <label>
      {t('search.team')}{' '}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{t('search.anyTeam')}</option>
        {teams.map((team) => (
          <option key={team.id} value={team.id}>
            {team.name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The customer filter: the chosen customer by name (with "any customer"), or a search box to choose one. */
function CustomerFilter({ value, onChange }: { value: string | undefined; onChange: (customer: string | undefined) => void }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const [text, setText] = useState('');
  const found = useCustomerSearch();
  const chosen = useQuery({
    queryKey: qk.customers.detail(value ?? ''),
    enabled: value !== undefined,
    queryFn: ({ signal }) => client.get<Customer>(`/api/v1/customers/${encodeURIComponent(value!)}`, undefined, signal),
  });
  if (value !== undefined)
    return (
      <span className="search-customer">
        {t('search.customer')}: <strong>{chosen.data ? chosen.data.name || chosen.data.email : '…'}</strong>{' '}
        <button type="button" className="btn btn-small" onClick={() => onChange(undefined)} aria-label={t('search.clearCustomer')}>
          ✕
        </button>
      </span>
    );
  return (
    <div className="search-customer">
      <label>
        {t('search.customer')}{' '}
        <input
          type="search"
          value={text}
          placeholder={t('search.customerSearch')}
          aria-label={t('search.customerSearch')}
          onChange={(e) => {
            setText(e.target.value);
            found.run(e.target.value);
          }}
        />
      </label>
      {found.results !== null && text.trim() !== '' && (
        <ul className="search-customer-picks">
          {found.results.length === 0 && <li className="muted small">{t('search.noCustomer')}</li>}
          {found.results.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  setText('');
                  found.run('');
                  onChange(c.id);
                }}
              >
                {c.name || c.email} <span className="muted small">{c.email}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
