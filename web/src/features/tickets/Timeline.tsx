import { useTranslation } from 'react-i18next';
import type { TimelineEvent } from '../../api/types.js';
import { formatDateTime } from '../../lib/format.js';
import { useDirectory, useUserTimeZone } from '../../session.js';
import { actorOf, describeEvent } from './describe-event.js';

/** Events whose body (a call summary, a bounce report) is worth showing under the sentence. */
const AGENT_EVENT_BODIES = new Set(['call.logged', 'email.bounced']);

/** The ticket's history, oldest first: messages as cards (public and internal clearly different), the rest as sentences. */
export function Timeline({ events }: { events: TimelineEvent[] }) {
  const { t, i18n } = useTranslation();
  const directory = useDirectory();
  const tz = useUserTimeZone();
  return (
    <ol className="timeline">
      {events.map((e) => {
        const when = (
          <time dateTime={e.createdAt} className="muted small">
            {formatDateTime(e.createdAt, i18n.language, tz)}
          </time>
        );
        if (e.kind === 'message.added') {
          const internal = e.visibility === 'internal';
          const fromCustomer = e.author.type === 'customer';
          const cls = internal ? 'msg msg-internal' : fromCustomer ? 'msg msg-customer' : 'msg msg-public';
          const label = internal ? t('ticket.visibilityInternal') : fromCustomer ? t('ticket.fromCustomer') : t('ticket.visibilityPublic');
          return (
            <li key={e.id} className={cls} data-testid={internal ? 'internal-note' : 'public-message'}>
              <div className="msg-head">
                <span className="msg-kind">
                  <span aria-hidden="true">{internal ? '■ ' : fromCustomer ? '✉ ' : '↩ '}</span>
                  {label}
                </span>
                <strong className="msg-author">{actorOf(e, t)}</strong>
                {e.data.automatic === true && <span className="muted small">({t('ticket.automatic')})</span>}
                {when}
              </div>
              <div className="msg-body">{e.body ?? ''}</div>
            </li>
          );
        }
        const tone = e.kind === 'sla.breached' ? ' event-danger' : e.kind === 'sla.warning' ? ' event-warning' : e.kind.startsWith('escalation.') ? ' event-escalation' : '';
        return (
          <li key={e.id} className={`event${tone}`} data-kind={e.kind}>
            <span className="event-dot" aria-hidden="true" />
            <span className="event-text">{describeEvent(e, t, directory, (iso) => formatDateTime(iso, i18n.language, tz))}</span> {when}
            {AGENT_EVENT_BODIES.has(e.kind) && e.body && <div className="event-body">{e.body}</div>}
          </li>
        );
      })}
    </ol>
  );
}
