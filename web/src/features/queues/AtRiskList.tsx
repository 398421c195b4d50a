import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { qk } from '../../api/query-keys.js';
import { Loadable } from '../../components/Loadable.js';
import { ACTIVE_STATUSES, type Page, type Ticket } from '../../api/types.js';
import { PriorityBadge, StatusBadge, TemperatureBadge } from '../../components/Badges.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useDirectory, useSession, useUserTimeZone } from '../../session.js';
import { formatDuration, useNow } from '../escalations/time.js';
import { remainingNow, type SlaClock } from '../tickets/SlaClocks.js';

/** How far ahead "at risk" looks, and how many open tickets are checked. */
export const AT_RISK_MINUTES = 60;
const CHECKED = 60;
const PARALLEL = 6;

interface Row {
  ticket: Ticket;
  clock: SlaClock;
}

/** Clocks that are breached, or running and due within the window; soonest first (breached first). */
export function atRiskRows(tickets: Ticket[], fetchedAt: number, now: number): Row[] {
  const rows: Row[] = [];
  for (const ticket of tickets) {
    for (const clock of ticket.slaClocks ?? []) {
      if (
        clock.state === 'breached' ||
        (clock.state === 'running' && remainingNow(clock, fetchedAt, now) <= AT_RISK_MINUTES * 60)
      )
        rows.push({ ticket, clock });
    }
  }
  const key = (r: Row) => (r.clock.state === 'breached' ? -Infinity : remainingNow(r.clock, fetchedAt, now));
  return rows.sort((a, b) => key(a) - key(b));
}

/**
 * SLA at risk. The ticket list carries no clocks and has no SLA filter, so the most recently
 * updated open tickets are read one by one (a few at a time) for their clocks.
 */
export function AtRiskList() {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const directory = useDirectory();
  const tz = useUserTimeZone();
  const now = useNow(1000);
  const list = useQuery({
    queryKey: qk.tickets.atRisk(),
    queryFn: async ({ signal }) => {
      // The server narrows the list to tickets with a breached clock or one due within the hour;
      // each is then read with its clocks for the countdown.
      const page = await client.get<Page<Ticket>>(
        '/api/v1/tickets',
        {
          status: ACTIVE_STATUSES,
          sla: 'at_risk',
          slaWindow: AT_RISK_MINUTES * 60,
          sort: '-updated',
          limit: CHECKED,
        },
        signal,
      );
      const full: Ticket[] = [];
      const queue = [...page.items];
      await Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          for (let x = queue.shift(); x; x = queue.shift())
            full.push(await client.get<Ticket>(`/api/v1/tickets/${x.id}`, undefined, signal));
        }),
      );
      return full;
    },
    // Clocks move without events: look again every minute.
    refetchInterval: 60_000,
  });
  const tickets = list.data ?? null;
  const fetchedAt = list.dataUpdatedAt || Date.now();

  const rows = tickets ? atRiskRows(tickets, fetchedAt, now) : [];
  return (
    <>
      <p className="muted small filters">
        {t('agent.queues.atRiskNote', { minutes: AT_RISK_MINUTES, count: tickets?.length ?? 0 })}
      </p>
      <Loadable
        query={list}
        loadingLabel={t('agent.queues.loadingClocks')}
        empty={t('agent.queues.emptyAtRisk')}
        isEmpty={() => rows.length === 0}
      >
        {() => (
          <div className="table-wrap">
            <table className="queue-table">
              <caption className="sr-only">{t('agent.queues.atRisk')}</caption>
              <thead>
                <tr>
                  <th scope="col" className="col-num">
                    {t('queues.colNumber')}
                  </th>
                  <th scope="col">{t('queues.colSubject')}</th>
                  <th scope="col">{t('agent.queues.colClock')}</th>
                  <th scope="col">{t('agent.queues.colDue')}</th>
                  <th scope="col">{t('queues.colTemperature')}</th>
                  <th scope="col">{t('queues.colPriority')}</th>
                  <th scope="col">{t('queues.colStatus')}</th>
                  <th scope="col">{t('queues.colAssignee')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ ticket: x, clock: c }) => {
                  const left = remainingNow(c, fetchedAt, now);
                  const breached = c.state === 'breached' || left <= 0;
                  return (
                    <tr key={c.id} className={breached ? 'row-overdue' : 'row-warning'}>
                      <td className="col-num">#{x.number}</td>
                      <td className="col-subject">
                        <Link to={`/tickets/${x.id}`}>{x.subject}</Link>
                      </td>
                      <td>
                        <span className={`badge sla-badge sla-badge-${breached ? 'breached' : 'running'}`}>
                          {t(`agent.sla.kind.${c.kind}`)}
                        </span>
                      </td>
                      <td>
                        <strong className={breached ? 'text-danger' : 'text-warning'}>
                          {breached
                            ? t('agent.sla.overdue', {
                                duration: formatDuration(
                                  c.state === 'breached' && c.dueAt
                                    ? (now - new Date(c.dueAt).getTime()) / 1000
                                    : -left,
                                  t,
                                  i18n.language,
                                ),
                              })
                            : t('agent.sla.left', { duration: formatDuration(left, t, i18n.language) })}
                        </strong>
                        <div className="muted small">{formatDateTime(c.dueAt, i18n.language, tz)}</div>
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
                      <td>
                        {x.assigneeId ? (
                          (directory.userName(x.assigneeId) ?? '—')
                        ) : (
                          <span className="muted">{t('queues.unassignedLabel')}</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Loadable>
    </>
  );
}
