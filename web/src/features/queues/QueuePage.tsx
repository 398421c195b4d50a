import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import type { ApiClient } from '../../api/client.js';
import { qk } from '../../api/query-keys.js';
import { Loadable } from '../../components/Loadable.js';
import { ACTIVE_STATUSES, PRIORITIES, STATUSES, type Customer, type Page, type Ticket } from '../../api/types.js';
import { PriorityBadge, StatusBadge, TemperatureBadge } from '../../components/Badges.js';
import { formatDateTime, formatRelative, formatTime } from '../../lib/format.js';
import { Link, useSearch } from '../../lib/router.js';
import { useDirectory, useSession, useUserTimeZone } from '../../session.js';
import { useCustomers } from '../customers/use-customers.js';
import { EscalationList } from '../escalations/EscalationList.js';
import { AtRiskList } from './AtRiskList.js';
import { AwaitingReplyList } from './AwaitingReplyList.js';
import { NewTicketButtons } from '../desk/NewTicketButtons.js';
import { BulkBar, SelectAllCell, SelectCell, useSelection } from '../desk/BulkBar.js';
import { DEFAULT_COLUMNS, ViewsNav } from '../views/ViewsNav.js';
import { queueFiltersOf, QUEUE_COLUMNS, type QueueColumn } from '../views/types.js';
import { useView } from '../views/use-views.js';
import { Notice } from '../../components/States.js';
import { movedNotice } from '../tickets/restricted-move.js';

import { getRouteApi } from '@tanstack/react-router';
import {
  isQueueKind,
  isTicketQueueKind,
  QUEUE_KINDS,
  type QueueKind,
  type TicketQueueKind,
} from './kinds.js';

const TAB_LABEL: Record<QueueKind, string> = {
  mine: 'queues.mine',
  team: 'queues.team',
  unassigned: 'queues.unassigned',
  all: 'queues.all',
  'at-risk': 'agent.queues.atRisk',
  'awaiting-reply': 'agent.queues.awaitingReply',
  'escalated-by-me': 'agent.queues.escalatedByMe',
  'escalated-to-me': 'agent.queues.escalatedToMe',
};

function QueueTabs({ kind }: { kind: QueueKind }) {
  const { t } = useTranslation();
  return (
    <nav className="tabs" aria-label={t('queues.tabsLabel')}>
      {QUEUE_KINDS.map((k) => (
        <Link
          key={k}
          to={`/queues/${k}`}
          className={k === kind ? 'tab active' : 'tab'}
          aria-current={k === kind ? 'page' : undefined}
        >
          {t(TAB_LABEL[k])}
        </Link>
      ))}
    </nav>
  );
}

const queueApi = getRouteApi('/queues/$kind');

/** /queues/$kind, its filters in the URL (`?status=open&priority=high&q=…&sort=created&shown=100`). */
export function QueueRoute() {
  const { kind } = queueApi.useParams();
  return isQueueKind(kind) ? <QueuePage kind={kind} key={kind} /> : null;
}

export function QueuePage({ kind }: { kind: QueueKind }) {
  const { t } = useTranslation();
  if (isTicketQueueKind(kind)) return <TicketQueue kind={kind} />;
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('queues.title')}</h1>
      </div>
      <QueueTabs kind={kind} />
      {kind === 'at-risk' ? (
        <AtRiskList />
      ) : kind === 'awaiting-reply' ? (
        <AwaitingReplyList />
      ) : (
        <EscalationList scope={kind === 'escalated-to-me' ? 'to-me' : 'by-me'} />
      )}
    </div>
  );
}

const PAGE_SIZE = 50;
const SORTS = ['-created', 'created', '-updated', 'updated'] as const;
type Sort = (typeof SORTS)[number];
const SORT_LABEL: Record<Sort, string> = {
  '-created': 'queues.sortNewest',
  created: 'queues.sortOldest',
  '-updated': 'queues.sortUpdated',
  updated: 'queues.sortStale',
};

interface Filters {
  status: string; // 'active' | 'any' | a status
  priority: string; // 'any' | a priority
  text: string;
  sort: Sort;
}

const scopeOf = (kind: TicketQueueKind): Record<string, string> =>
  kind === 'mine'
    ? { assignee: 'me' }
    : kind === 'team'
      ? { team: 'mine' }
      : kind === 'unassigned'
        ? { assignee: 'none' }
        : {};

const filtersOf = (s: { status?: string; priority?: string; q?: string; sort?: string }): Filters => ({
  status: s.status ?? 'active',
  priority: s.priority ?? 'any',
  text: s.q ?? '',
  sort: (SORTS as readonly string[]).includes(s.sort ?? '') ? (s.sort as Sort) : '-created',
});
/** Defaults are left out of the URL. */
const searchFromFilters = (f: Filters) => ({
  status: f.status === 'active' ? undefined : f.status,
  priority: f.priority === 'any' ? undefined : f.priority,
  q: f.text.trim() || undefined,
  sort: f.sort === '-created' ? undefined : f.sort,
});

function queryOf(kind: TicketQueueKind, f: Filters): Record<string, string | readonly string[]> {
  const q: Record<string, string | readonly string[]> = { ...scopeOf(kind), sort: f.sort };
  if (f.status === 'active') q.status = ACTIVE_STATUSES;
  else if (f.status !== 'any') q.status = [f.status];
  if (f.priority !== 'any') q.priority = [f.priority];
  if (f.text.trim()) q.text = f.text.trim();
  return q;
}

/** After moving a ticket into a restricted team one is not in (TicketFieldsForm): where it went. */
function MovedNotice() {
  const { t } = useTranslation();
  const directory = useDirectory();
  const moved = movedNotice(useSearch());
  if (!moved) return null;
  const team = directory.teamName(moved.teamId) ?? t('agent.restrictedMove.aTeam');
  return <Notice>{t('agent.restrictedMove.done', { number: moved.number, team })}</Notice>;
}

function TicketQueue({ kind }: { kind: TicketQueueKind }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const tz = useUserTimeZone();
  const search = queueApi.useSearch();
  const nav = queueApi.useNavigate();
  const filters = useMemo(() => filtersOf(search), [search]);
  /** Every change is a new history entry, so Back returns to the previous filters. An open view stays open (its filters changed). */
  const setFilters = (update: (f: Filters) => Filters) =>
    void nav({ search: (s) => ({ ...s, ...searchFromFilters(update(filtersOf(s))), shown: undefined }) });
  // A saved view in the URL (?view=…) sets the filters once it is loaded (and again when its link
  // is followed), when the URL names the view alone: a reload, a pasted link or Back restores the
  // filters the URL carries.
  const viewId = search.view ?? null;
  const view = useView(viewId);
  const activeView = view.data && view.data.id === viewId ? view.data : null;
  const appliedView = useRef<string | null>(null);
  const [opened, setOpened] = useState(0);
  const onlyView = search.status === undefined && search.priority === undefined && search.q === undefined && search.sort === undefined;
  useEffect(() => {
    const v = activeView;
    if (!v || !onlyView || appliedView.current === v.id) return;
    appliedView.current = v.id;
    void nav({ search: () => ({ view: v.id, ...searchFromFilters(viewFilters(v)) }), replace: true });
  }, [activeView, onlyView, nav, opened]);
  const modified = activeView !== null && JSON.stringify(viewFilters(activeView)) !== JSON.stringify(filters);
  // The table's columns: the ones being edited, else the open view's, else the default ones.
  const [draftColumns, setDraftColumns] = useState<QueueColumn[] | null>(null);
  const savedColumns = activeView?.columns.filter((c): c is QueueColumn => (QUEUE_COLUMNS as readonly string[]).includes(c)) ?? [];
  const columns: readonly QueueColumn[] = draftColumns ?? (savedColumns.length ? savedColumns : DEFAULT_COLUMNS);
  const [textDraft, setTextDraft] = useState(filters.text);
  useEffect(() => setTextDraft(filters.text), [filters.text]);
  // The rows shown ("load more") are in the URL too: a reload shows as many as before.
  const shown = Math.min(search.shown ?? PAGE_SIZE, 1000);
  const apiQuery = queryOf(kind, filters);
  const list = useQuery({
    queryKey: qk.tickets.list({ queue: kind, ...apiQuery, shown }),
    queryFn: ({ signal }) => fetchRows(client, apiQuery, shown, signal),
    // Loading more keeps the rows on screen; other filters start from a spinner.
    placeholderData: (prev, prevQuery) =>
      prevQuery &&
      JSON.stringify({ ...(prevQuery.queryKey[2] as object), shown: 0 }) ===
        JSON.stringify({ queue: kind, ...apiQuery, shown: 0 })
        ? prev
        : undefined,
  });
  const items = list.data?.items ?? null;
  const cursor = list.data?.nextCursor ?? null;
  const loadingMore = list.isPlaceholderData && list.isFetching;
  const refreshedAt = list.dataUpdatedAt ? new Date(list.dataUpdatedAt) : null;
  const loadMore = () => void nav({ search: (s) => ({ ...s, shown: shown + PAGE_SIZE }), replace: true });
  const selection = useSelection();

  const customers = useCustomers(
    client,
    (items ?? []).map((x) => x.requesterId),
  );
  const submitSearch = (e: FormEvent) => {
    e.preventDefault();
    setFilters((f) => ({ ...f, text: textDraft }));
  };
  const filtered = filters.status !== 'active' || filters.priority !== 'any' || filters.text !== '';
  const now = Date.now();

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('queues.title')}</h1>
        <NewTicketButtons />
        <div className="refresh-info muted small" aria-live="polite">
          {refreshedAt && t('queues.refreshed', { time: formatTime(refreshedAt, i18n.language, tz) })}{' '}
          <button type="button" className="btn btn-quiet btn-small" onClick={() => void list.refetch()}>
            {t('queues.refresh')}
          </button>
        </div>
      </div>
      <QueueTabs kind={kind} />
      <ViewsNav
        activeId={viewId}
        active={activeView}
        current={{ filters: (({ sort: _s, ...rest }) => rest)(queryOf(kind, filters)), sort: filters.sort }}
        columns={columns}
        modified={modified}
        onColumnsDraft={setDraftColumns}
        onOpen={() => ((appliedView.current = null), setOpened((n) => n + 1))}
      />
      <MovedNotice />

      <section className="filters" aria-label={t('queues.filters')}>
        <div className="field inline">
          <label htmlFor="q-status">{t('queues.status')}</label>
          <select
            id="q-status"
            value={filters.status}
            onChange={(e) => setFilters((f) => ({ ...f, status: e.target.value }))}
          >
            <option value="active">{t('queues.anyActive')}</option>
            <option value="any">{t('queues.any')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="q-priority">{t('queues.priority')}</label>
          <select
            id="q-priority"
            value={filters.priority}
            onChange={(e) => setFilters((f) => ({ ...f, priority: e.target.value }))}
          >
            <option value="any">{t('queues.any')}</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`priority.${p}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field inline">
          <label htmlFor="q-sort">{t('queues.sort')}</label>
          <select
            id="q-sort"
            value={filters.sort}
            onChange={(e) => setFilters((f) => ({ ...f, sort: e.target.value as Sort }))}
          >
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(SORT_LABEL[s])}
              </option>
            ))}
          </select>
        </div>
        <form className="search" role="search" onSubmit={submitSearch}>
          <label htmlFor="q-text" className="sr-only">
            {t('queues.search')}
          </label>
          <input
            id="q-text"
            type="search"
            value={textDraft}
            placeholder={t('queues.searchPlaceholder')}
            onChange={(e) => setTextDraft(e.target.value)}
            maxLength={200}
          />
          <button type="submit" className="btn">
            {t('queues.searchSubmit')}
          </button>
          {filters.text && (
            <button
              type="button"
              className="btn btn-quiet"
              onClick={() => {
                setTextDraft('');
                setFilters((f) => ({ ...f, text: '' }));
              }}
            >
              {t('queues.clearSearch')}
            </button>
          )}
        </form>
      </section>

      <Loadable
        query={list}
        empty={
          filtered ? t('queues.emptyFiltered') : t(`queues.empty${kind[0]!.toUpperCase()}${kind.slice(1)}`)
        }
      >
        {({ items }) => (
          <>
            <BulkBar selection={selection} onDone={() => void list.refetch()} />
            <div className="table-wrap">
              <table className="queue-table">
                <caption className="sr-only">{t(`queues.${kind}`)}</caption>
                <thead>
                  <tr>
                    <SelectAllCell selection={selection} items={items} />
                    {columns.map((c) => (
                      <th key={c} scope="col" className={c === 'number' ? 'col-num' : undefined} data-col={c}>
                        {t(`views.col.${c}`)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {items.map((x) => (
                    <tr key={x.id} className={`temp-row-${x.temperature}`}>
                      <SelectCell selection={selection} ticket={x} />
                      {columns.map((c) => (
                        <QueueCell key={c} column={c} ticket={x} customer={x.requesterId ? customers.get(x.requesterId) : undefined} now={now} tagsInSubject={!columns.includes('tags')} />
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="list-foot">
              <span className="muted small">{t('queues.shown', { count: items.length })}</span>
              {cursor && (
                <button type="button" className="btn" onClick={loadMore} disabled={loadingMore}>
                  {loadingMore ? t('queues.loadingMore') : t('queues.loadMore')}
                </button>
              )}
            </div>
          </>
        )}
      </Loadable>
    </div>
  );
}

/** A view's filters as the queue's own filter state. */
function viewFilters(v: Parameters<typeof queueFiltersOf>[0]): Filters {
  const f = queueFiltersOf(v, ACTIVE_STATUSES);
  return { ...f, sort: (SORTS as readonly string[]).includes(f.sort) ? (f.sort as Sort) : '-created' };
}

/** One cell of the queue table. Tags show under the subject unless a column of their own shows them. */
function QueueCell({ column, ticket: x, customer, now, tagsInSubject }: { column: QueueColumn; ticket: Ticket; customer: Customer | undefined; now: number; tagsInSubject: boolean }) {
  const { t, i18n } = useTranslation();
  const directory = useDirectory();
  const tz = useUserTimeZone();
  const time = (at: string) => (
    <time dateTime={at} title={formatDateTime(at, i18n.language, tz)}>
      {formatRelative(at, i18n.language, now)}
    </time>
  );
  switch (column) {
    case 'number':
      return <td className="col-num">#{x.number}</td>;
    case 'subject':
      return (
        <td className="col-subject">
          <Link to={`/tickets/${x.id}`}>{x.subject}</Link>
          {tagsInSubject && x.tags.length > 0 && <Tags tags={x.tags} />}
        </td>
      );
    case 'requester':
      return (
        <td>
          {customer ? <Link to={`/customers/${customer.id}`}>{customer.erasedAt ? t('privacy.erasedName') : customer.name}</Link> : '—'}
          {customer?.organizationName && <div className="muted small">{customer.organizationName}</div>}
        </td>
      );
    case 'temperature':
      return (
        <td>
          <TemperatureBadge value={x.temperature} />
        </td>
      );
    case 'priority':
      return (
        <td>
          <PriorityBadge value={x.priority} />
        </td>
      );
    case 'status':
      return (
        <td>
          <StatusBadge value={x.status} />
        </td>
      );
    case 'team':
      return <td>{x.teamId ? (directory.teamName(x.teamId) ?? '—') : <span className="muted">—</span>}</td>;
    case 'assignee':
      return <td>{x.assigneeId ? (directory.userName(x.assigneeId) ?? '—') : <span className="muted">{t('queues.unassignedLabel')}</span>}</td>;
    case 'tags':
      return <td>{x.tags.length > 0 ? <Tags tags={x.tags} /> : <span className="muted">—</span>}</td>;
    case 'created':
      return <td>{time(x.createdAt)}</td>;
    case 'updated':
      return <td>{time(x.updatedAt)}</td>;
  }
}

function Tags({ tags }: { tags: string[] }) {
  return (
    <span className="tags">
      {tags.map((tag) => (
        <span key={tag} className="tag">
          {tag}
        </span>
      ))}
    </span>
  );
}

/** The first `shown` rows of a queue, in pages of up to 200. */
async function fetchRows(
  client: ApiClient,
  query: Record<string, string | readonly string[]>,
  shown: number,
  signal: AbortSignal,
): Promise<Page<Ticket>> {
  const items: Ticket[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Ticket> = await client.get<Page<Ticket>>(
      '/api/v1/tickets',
      { ...query, limit: Math.min(200, shown - items.length), cursor },
      signal,
    );
    const seen = new Set(items.map((x) => x.id));
    items.push(...page.items.filter((x) => !seen.has(x.id)));
    cursor = page.nextCursor;
  } while (cursor && items.length < shown);
  return { items, nextCursor: cursor };
}
