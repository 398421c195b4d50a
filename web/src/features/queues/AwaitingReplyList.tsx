import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { qk } from '../../api/query-keys.js';
import { Loadable } from '../../components/Loadable.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useSession, useUserTimeZone } from '../../session.js';
import type { AwaitingReplyItem } from '../../../../src/modules/escalations/escalations.presenter.js';

/**
 * Tickets awaiting my reply to the customer: escalations I raised were resolved with an answer,
 * and no agent has replied publicly since (nor is the ticket solved). Newest answer first.
 */
export function AwaitingReplyList() {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const tz = useUserTimeZone();
  const list = useQuery({
    queryKey: qk.awaitingReply.all,
    queryFn: ({ signal }) =>
      client
        .get<{ items: AwaitingReplyItem[] }>('/api/v1/me/awaiting-reply', undefined, signal)
        .then((r) => r.items),
  });

  return (
    <>
      <p className="muted small filters">{t('agent.queues.awaitingReplyNote')}</p>
      <Loadable query={list} empty={t('agent.queues.emptyAwaitingReply')}>
        {(items) => (
          <div className="table-wrap">
            <table className="queue-table" data-testid="awaiting-reply">
              <caption className="sr-only">{t('agent.queues.awaitingReply')}</caption>
              <thead>
                <tr>
                  <th scope="col" className="col-num">
                    {t('queues.colNumber')}
                  </th>
                  <th scope="col">{t('queues.colSubject')}</th>
                  <th scope="col">{t('agent.queues.colAnswer')}</th>
                  <th scope="col">{t('agent.queues.colResolved')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((x) => (
                  <tr key={x.escalationId}>
                    <td className="col-num">#{x.ticket.number}</td>
                    <td className="col-subject">
                      <Link to={`/tickets/${x.ticket.id}`}>{x.ticket.subject}</Link>
                    </td>
                    <td>
                      {x.answer ? (
                        <span className="pre">{x.answer}</span>
                      ) : (
                        <span className="muted">{t('agent.esc.noAnswer')}</span>
                      )}{' '}
                      <Link to={`/escalations/${x.escalationId}`} className="small">
                        {t('agent.queues.openEscalation')}
                      </Link>
                    </td>
                    <td>
                      {formatDateTime(x.resolvedAt, i18n.language, tz)}
                      {x.resolvedBy && <div className="muted small">{x.resolvedBy.name}</div>}
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
