import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client.js';
import { useLiveRefresh } from '../../api/live.js';
import { ACTIVE_STATUSES, PRIORITIES, STATUSES, type Page, type Ticket } from '../../api/types.js';
import { PriorityBadge, StatusBadge, TemperatureBadge } from '../../components/Badges.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading, Notice } from '../../components/States.js';
import { formatDateTime, formatRelative, formatTime } from '../../lib/format.js';
import { Link, useSearch } from '../../lib/router.js';
import { movedNotice } from '../tickets/restricted-move.js';
import { useDirectory, useSession, useUserTimeZone } from '../../session.js';
import { useCustomers } from '../customers/use-customers.js';
import { EscalationList } from '../escalations/EscalationList.js';
import { AtRiskList } from './AtRiskList.js';
import { AwaitingReplyList } from './AwaitingReplyList.js';
import { NewTicketButtons } from '../desk/NewTicketButtons.js';
import { BulkBar, SelectAllCell, SelectCell, useSelection } from '../desk/BulkBar.js';
import { ViewsNav } from '../views/ViewsNav.js';
import { queueFiltersOf, viewIdOf, type SavedView } from '../views/types.js';

/** Ticket lists (filtered by the ticket API) and the agent's other lists (SLA at risk, escalations). */
export const TICKET_QUEUE_KINDS = ['mine', 'team', 'unassigned', 'all'] as const;
export const QUEUE_KINDS = [...TICKET_QUEUE_KINDS, 'at-risk', 'awaiting-reply', 'escalated-by-me', 'escalated-to-me'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];
type TicketQueueKind = (typeof TICKET_QUEUE_KINDS)[number];
export const isQueueKind = (v: string): v is QueueKind => (QUEUE_KINDS as readonly string[]).includes(v);
const isTicketQueueKind = (v: string): v is TicketQueueKind => (TICKET_QUEUE_KINDS as readonly string[]).includes(v);
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
        <Link key={k} to={`/queues/${k}`} className={k === kind ? 'tab active' : 'tab'} aria-current={k === kind ? 'page' : undefined}>
          {t(TAB_LABEL[k])}
        </Link>
      ))}
    </nav>
  );
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
      {kind === 'at-risk' ? <AtRiskList /> : kind === 'awaiting-reply' ? <AwaitingReplyList /> : <EscalationList scope={kind === 'escalated-to-me' ? 'to-me' : 'by-me'} />}
    </div>
  );
}

const PAGE_SIZE = 50;
const SORTS = ['-created', 'created', '-updated', 'updated'] as const;
type Sort = (typeof SORTS)[number];
const SORT_LABEL: Record<Sort, string> = { '-created': 'queues.sortNewest', created: 'queues.sortOldest', '-updated': 'queues.sortUpdated', updated: 'queues.sortStale' };

interface Filters {
  status: string; // 'active' | 'any' | a status
  priority: string; // 'any' | a priority
  text: string;
  sort: Sort;
}

const scopeOf = (kind: TicketQueueKind): Record<string, string> =>
  kind === 'mine' ? { assignee: 'me' } : kind === 'team' ? { team: 'mine' } : kind === 'unassigned' ? { assignee: 'none' } : {};

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
  const directory = useDirectory();
  const tz = useUserTimeZone();
  const [filters, setFilters] = useState<Filters>({ status: 'active', priority: 'any', text: '', sort: '-created' });
  const [textDraft, setTextDraft] = useState('');
  // A saved view in the URL (?view=…) sets the filters, so a reload or a pasted link opens it again.
  const viewId = viewIdOf(useSearch());
  const hadView = useRef(false);
  useEffect(() => {
    if (!viewId) {
      // Leaving a view for the plain tab: back to the tab's own filters.
      if (hadView.current) {
        setFilters({ status: 'active', priority: 'any', text: '', sort: '-created' });
        setTextDraft('');
      }
      hadView.current = false;
      return;
    }
    hadView.current = true;
    let live = true;
    client
      .get<SavedView>(`/api/v1/views/${viewId}`)
      .then((v) => {
        if (!live) return;
        const f = queueFiltersOf(v, ACTIVE_STATUSES);
        setFilters({ ...f, sort: (SORTS as readonly string[]).includes(f.sort) ? (f.sort as Sort) : '-created' });
        setTextDraft(f.text);
      })
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [client, viewId]);
  const [items, setItems] = useState<Ticket[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [refreshedAt, setRefreshedAt] = useState<Date | null>(null);
  const loadedCount = useRef(0);
  const abort = useRef<AbortController | null>(null);
  const selection = useSelection();

  /** Loads the first page; on a refresh, as many rows as are shown (so the list does not shrink). */
  const load = useCallback(
    (mode: 'reset' | 'refresh') => {
      abort.current?.abort();
      const ctrl = new AbortController();
      abort.current = ctrl;
      if (mode === 'reset') {
        setItems(null);
        setError(null);
      }
      const limit = mode === 'refresh' ? Math.min(200, Math.max(PAGE_SIZE, loadedCount.current)) : PAGE_SIZE;
      client
        .get<Page<Ticket>>('/api/v1/tickets', { ...queryOf(kind, filters), limit }, ctrl.signal)
        .then((page) => {
          setItems(page.items);
          loadedCount.current = page.items.length;
          setCursor(page.nextCursor);
          setError(null);
          setRefreshedAt(new Date());
        })
        .catch((err: unknown) => {
          if (!isAbort(err)) setError(err);
        });
    },
    [client, kind, filters],
  );

  useEffect(() => {
    load('reset');
    return () => abort.current?.abort();
  }, [load]);

  // New and changed tickets appear without reloading (ticket.created / updated / message).
  useLiveRefresh(() => load('refresh'), { enabled: items !== null && !loadingMore, filter: (e) => e.type.startsWith('ticket.') });

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await client.get<Page<Ticket>>('/api/v1/tickets', { ...queryOf(kind, filters), limit: PAGE_SIZE, cursor });
      setItems((prev) => {
        const seen = new Set((prev ?? []).map((x) => x.id));
        const next = [...(prev ?? []), ...page.items.filter((x) => !seen.has(x.id))];
        loadedCount.current = next.length;
        return next;
      });
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err);
    } finally {
      setLoadingMore(false);
    }
  };

  const customers = useCustomers(client, (items ?? []).map((x) => x.requesterId));
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
          <button type="button" className="btn btn-quiet btn-small" onClick={() => load('refresh')}>
            {t('queues.refresh')}
          </button>
        </div>
      </div>
      <QueueTabs kind={kind} />
      <ViewsNav activeId={viewId} current={{ filters: (({ sort: _s, ...rest }) => rest)(queryOf(kind, filters)), sort: filters.sort }} />
      <MovedNotice />

      <section className="filters" aria-label={t('queues.filters')}>
        <div className="field inline">
          <label htmlFor="q-status">{t('queues.status')}</label>
          <select id="q-status" value={filters.status} onChange={(e) => setFilters((f) => ({ ...f, status: e.target.value }))}>
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
          <select id="q-priority" value={filters.priority} onChange={(e) => setFilters((f) => ({ ...f, priority: e.target.value }))}>
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
          <select id="q-sort" value={filters.sort} onChange={(e) => setFilters((f) => ({ ...f, sort: e.target.value as Sort }))}>
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
          <input id="q-text" type="search" value={textDraft} placeholder={t('queues.searchPlaceholder')} onChange={(e) => setTextDraft(e.target.value)} maxLength={200} />
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

      {error !== null && <ErrorMessage error={error} onRetry={() => load('reset')} />}
      {items === null && error === null && <Loading />}
      {items !== null && items.length === 0 && <EmptyState>{filtered ? t('queues.emptyFiltered') : t(`queues.empty${kind[0]!.toUpperCase()}${kind.slice(1)}`)}</EmptyState>}
      {items !== null && items.length > 0 && (
        <>
          <BulkBar selection={selection} onDone={() => load('refresh')} />
          <div className="table-wrap">
            <table className="queue-table">
              <caption className="sr-only">{t(`queues.${kind}`)}</caption>
              <thead>
                <tr>
                  <SelectAllCell selection={selection} items={items} />
                  <th scope="col" className="col-num">
                    {t('queues.colNumber')}
                  </th>
                  <th scope="col">{t('queues.colSubject')}</th>
                  <th scope="col">{t('queues.colRequester')}</th>
                  <th scope="col">{t('queues.colTemperature')}</th>
                  <th scope="col">{t('queues.colPriority')}</th>
                  <th scope="col">{t('queues.colStatus')}</th>
                  <th scope="col">{t('queues.colAssignee')}</th>
                  <th scope="col">{t('queues.colUpdated')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((x) => {
                  const customer = x.requesterId ? customers.get(x.requesterId) : undefined;
                  return (
                    <tr key={x.id} className={`temp-row-${x.temperature}`}>
                      <SelectCell selection={selection} ticket={x} />
                      <td className="col-num">#{x.number}</td>
                      <td className="col-subject">
                        <Link to={`/tickets/${x.id}`}>{x.subject}</Link>
                        {x.tags.length > 0 && (
                          <span className="tags">
                            {x.tags.map((tag) => (
                              <span key={tag} className="tag">
                                {tag}
                              </span>
                            ))}
                          </span>
                        )}
                      </td>
                      <td>
                        {customer?.erasedAt ? t('privacy.erasedName') : (customer?.name ?? '—')}
                        {customer?.organizationName && <div className="muted small">{customer.organizationName}</div>}
                      </td>
                      <td>
                        <TemperatureBadge value={x.temperature} />
                      </td>
                      <td>
                        <PriorityBadge value={x.priority} />
                      </td>
                      <td>
                        <StatusBadge value={x.status} />
                      </td>
                      <td>{x.assigneeId ? (directory.userName(x.assigneeId) ?? '—') : <span className="muted">{t('queues.unassignedLabel')}</span>}</td>
                      <td>
                        <time dateTime={x.updatedAt} title={formatDateTime(x.updatedAt, i18n.language, tz)}>
                          {formatRelative(x.updatedAt, i18n.language, now)}
                        </time>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="list-foot">
            <span className="muted small">{t('queues.shown', { count: items.length })}</span>
            {cursor && (
              <button type="button" className="btn" onClick={() => void loadMore()} disabled={loadingMore}>
                {loadingMore ? t('queues.loadingMore') : t('queues.loadMore')}
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}
