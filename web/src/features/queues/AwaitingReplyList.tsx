import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort } from '../../api/client.js';
import { useLiveRefresh } from '../../api/live.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading } from '../../components/States.js';
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
  const [items, setItems] = useState<AwaitingReplyItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);

  const load = useCallback(() => {
    abort.current?.abort();
    const ctrl = new AbortController();
    abort.current = ctrl;
    client
      .get<{ items: AwaitingReplyItem[] }>('/api/v1/me/awaiting-reply', undefined, ctrl.signal)
      .then((r) => {
        setItems(r.items);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!isAbort(err)) setError(err);
      });
  }, [client]);
  useEffect(() => {
    load();
    return () => abort.current?.abort();
  }, [load]);
  useLiveRefresh(load, { enabled: items !== null, filter: (e) => e.type.startsWith('ticket.') || e.type.startsWith('escalation.') });

  return (
    <>
      <p className="muted small filters">{t('agent.queues.awaitingReplyNote')}</p>
      {error !== null && <ErrorMessage error={error} onRetry={load} />}
      {items === null && error === null && <Loading />}
      {items !== null && items.length === 0 && <EmptyState>{t('agent.queues.emptyAwaitingReply')}</EmptyState>}
      {items !== null && items.length > 0 && (
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
                    {x.answer ? <span className="pre">{x.answer}</span> : <span className="muted">{t('agent.esc.noAnswer')}</span>}{' '}
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
    </>
  );
}
