import { getRouteApi } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { qk } from '../../api/query-keys.js';
import { Loadable } from '../../components/Loadable.js';
import type { Page } from '../../api/types.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useSession, useUserTimeZone } from '../../session.js';
import { AckCountdown, EscalationStatus } from './EscalationPage.js';
import { isOpenEscalation, type Escalation } from './types.js';
import { askOf } from './origin.js';
import { levelLabel } from '../../lib/level-label.js';

/** Unacknowledged first (by deadline), then acknowledged, then finished; newest last within a group. */
export function byUrgency(a: Escalation, b: Escalation): number {
  const rank = (e: Escalation) => (e.status === 'requested' ? 0 : e.status === 'acknowledged' ? 1 : 2);
  const due = (e: Escalation) => (e.ackDueAt ? new Date(e.ackDueAt).getTime() : Number.MAX_SAFE_INTEGER);
  return rank(a) - rank(b) || due(a) - due(b) || a.requestedAt.localeCompare(b.requestedAt);
}

/**
 * Escalations addressed to me (GET /api/v1/escalations?target=me) or raised by me
 * (?requestedBy=me), soonest deadline first.
 */
const queueApi = getRouteApi('/queues/$kind');

export function EscalationList({ scope }: { scope: 'to-me' | 'by-me' }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const tz = useUserTimeZone();
  // "Show finished" lives in the URL (/queues/escalated-to-me?finished=1).
  const search = queueApi.useSearch();
  const nav = queueApi.useNavigate();
  const showFinished = search.finished === true;
  const setShowFinished = (v: boolean) => void nav({ search: (s) => ({ ...s, finished: v || undefined }) });

  const query = scope === 'to-me' ? { target: 'me', limit: 100 } : { requestedBy: 'me', limit: 100 };
  const list = useQuery({
    queryKey: qk.escalations.list(query),
    queryFn: ({ signal }) =>
      client.get<Page<Escalation>>('/api/v1/escalations', query, signal).then((p) => p.items),
  });

  const shown = (list.data ?? []).filter((e) => showFinished || isOpenEscalation(e)).sort(byUrgency);
  return (
    <>
      <div className="filters">
        <p className="muted small">{t('agent.queues.escalationsNote')}</p>
        <label className="check">
          <input type="checkbox" checked={showFinished} onChange={(e) => setShowFinished(e.target.checked)} />
          {t('agent.queues.showFinished')}
        </label>
      </div>
      <Loadable
        query={list}
        empty={t(scope === 'to-me' ? 'agent.queues.emptyEscalatedToMe' : 'agent.queues.emptyEscalatedByMe')}
        isEmpty={() => shown.length === 0}
      >
        {() => (
          <div className="table-wrap">
            <table className="queue-table">
              <caption className="sr-only">
                {t(scope === 'to-me' ? 'agent.queues.escalatedToMe' : 'agent.queues.escalatedByMe')}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="col-num">
                    {t('agent.queues.colTicket')}
                  </th>
                  <th scope="col">{t('agent.queues.colAsk')}</th>
                  <th scope="col">{t('agent.queues.colState')}</th>
                  <th scope="col">{t('agent.queues.colAckDue')}</th>
                  <th scope="col">{t('agent.queues.colLevel')}</th>
                  <th scope="col">
                    {scope === 'to-me' ? t('agent.queues.colRequestedBy') : t('agent.queues.colReceivers')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((e) => (
                  <tr key={e.id} className={e.overdue ? 'row-overdue' : undefined}>
                    <td className="col-num">#{e.ticketNumber ?? '—'}</td>
                    <td className="col-subject">
                      <Link to={`/escalations/${e.id}`}>
                        {askOf(e, t) ||
                          e.brief.category ||
                          t('agent.esc.title', { number: e.ticketNumber ?? '' })}
                      </Link>
                      {e.brief.category && e.brief.ask && (
                        <div className="muted small">{e.brief.category}</div>
                      )}
                    </td>
                    <td>
                      <EscalationStatus escalation={e} />
                    </td>
                    <td>
                      {e.ackDueAt && e.status === 'requested' ? (
                        <>
                          <AckCountdown escalation={e} />
                          <div className="muted small">{formatDateTime(e.ackDueAt, i18n.language, tz)}</div>
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      {e.stage === 'fallback'
                        ? t('agent.esc.fallback')
                        : levelLabel(e.levelIndex, e.level?.name, ' · ')}
                    </td>
                    <td>
                      {scope === 'to-me'
                        ? (e.requestedBy?.name ?? '—')
                        : e.receivers.flatMap((r) => r.people.map((p) => p.name)).join(', ') || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loadable>
    </>
  );
}
