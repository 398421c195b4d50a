import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimelineEvent } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { formatDateTime } from '../../lib/format.js';
import { useDirectory, useSession, useUserTimeZone } from '../../session.js';
import { actorOf, describeEvent } from './describe-event.js';
import { HeldMail, MailAuthBadge, authOf } from './MailAuth.js';
import { MergedFrom, describeMergeEvent } from '../desk/MergeCard.js';
import { AttachmentChips, formatBytes, useTicketAttachments, type Attachment } from './attachments.js';
import { MessageBody } from './MessageBody.js';

/** Events whose body (a call summary, a bounce report) is worth showing under the sentence. */
const AGENT_EVENT_BODIES = new Set(['call.logged', 'email.bounced']);

/** The ticket's history, oldest first: messages as cards (public and internal clearly different), the rest as sentences. */
export function Timeline({ ticketId, events, onChanged }: { ticketId: string; events: TimelineEvent[]; onChanged?: () => void }) {
  const { t, i18n } = useTranslation();
  // Files by the message they came or went with; a file added on its own shows on its own event.
  const files = useTicketAttachments(ticketId).data ?? [];
  const byEvent = new Map<string, Attachment[]>();
  for (const a of files) if (a.eventId) byEvent.set(a.eventId, [...(byEvent.get(a.eventId) ?? []), a]);
  const byId = new Map(files.map((a) => [a.id, a]));
  const directory = useDirectory();
  const tz = useUserTimeZone();
  // Held mail: decided when a later event of the agent's decision names it.
  const decided = new Map<string, 'accepted' | 'rejected'>();
  for (const e of events) if ((e.kind === 'email.held_accepted' || e.kind === 'email.held_rejected') && typeof e.data.inboundId === 'string') decided.set(e.data.inboundId, e.kind === 'email.held_accepted' ? 'accepted' : 'rejected');
  return (
    <ol className="timeline">
      {events.map((e) => {
        const when = (
          <time dateTime={e.createdAt} className="muted small">
            {formatDateTime(e.createdAt, i18n.language, tz)}
          </time>
        );
        if (e.kind === 'email.held') return <HeldMail key={e.id} event={e} resolution={decided.get(String(e.data.inboundId)) ?? null} when={when} onChanged={onChanged} />;
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
                <MergedFrom event={e} />
                {when}
              </div>
              {fromCustomer && authOf(e) && <MailAuthBadge auth={authOf(e)!} accepted={(e.data.email as { acceptedUnverified?: boolean } | undefined)?.acceptedUnverified === true} />}
              <MessageBody body={e.body ?? ''} format={e.bodyFormat} />
              <AttachmentChips items={byEvent.get(e.id) ?? []} />
              {fromCustomer && <DroppedFiles event={e} />}
              {e.delivery && <DeliveryState ticketId={e.ticketId} delivery={e.delivery} onChanged={onChanged} />}
            </li>
          );
        }
        if (e.kind === 'attachment.added') {
          // A file uploaded for a message is shown on that message, not twice.
          const a = byId.get(String(e.data.attachmentId));
          if (a?.eventId) return null;
          if (a)
            return (
              <li key={e.id} className="event" data-kind={e.kind}>
                <span className="event-dot" aria-hidden="true" />
                <span className="event-text">{describeEvent(e, t, directory, (iso) => formatDateTime(iso, i18n.language, tz))}</span> {when}
                <div className="event-body">
                  <AttachmentChips items={[a]} />
                </div>
              </li>
            );
        }
        const tone = e.kind === 'sla.breached' ? ' event-danger' : e.kind === 'sla.warning' ? ' event-warning' : e.kind.startsWith('escalation.') ? ' event-escalation' : '';
        return (
          <li key={e.id} className={`event${tone}`} data-kind={e.kind}>
            <span className="event-dot" aria-hidden="true" />
            <span className="event-text">{describeMergeEvent(e, t) ?? describeEvent(e, t, directory, (iso) => formatDateTime(iso, i18n.language, tz))}</span> {when}
            {e.kind === 'call.logged' && typeof e.data.caller === 'string' && <div className="event-body muted">{t('desk.call.callerOn', { caller: e.data.caller })}</div>}
            {AGENT_EVENT_BODIES.has(e.kind) && e.body && <div className="event-body">{e.kind === 'email.bounced' ? withoutDiagnosticType(e.body) : e.body}</div>}
          </li>
        );
      })}
    </ol>
  );
}

/** Attachments of an inbound mail that were too large to keep: named, so the agent knows they existed. */
function DroppedFiles({ event }: { event: TimelineEvent }) {
  const { t, i18n } = useTranslation();
  const list = (event.data.email as { attachments?: { filename?: string | null; size?: number; rejected?: string | null }[] } | undefined)?.attachments ?? [];
  const dropped = list.filter((a) => a.rejected);
  if (dropped.length === 0) return null;
  return (
    <ul className="attachment-list">
      {dropped.map((a, i) => (
        <li key={i} className="muted small" data-testid="attachment-dropped">
          {t('compose.notKept', { name: a.filename ?? '—', size: formatBytes(a.size ?? 0, i18n.language) })}
        </li>
      ))}
    </ul>
  );
}

/** An RFC 3464 diagnostic without its type: "smtp; 550 5.1.1 …" reads as "550 5.1.1 …". */
function withoutDiagnosticType(text: string): string {
  return text.replace(/(^|\s)(?:smtp|x-[\w-]+|unix);\s*/i, '$1');
}

type Delivery = NonNullable<TimelineEvent['delivery']>;

/** Where a reply went and how far it got; a reply that was not delivered can be sent again. */
function DeliveryState({
  ticketId,
  delivery,
  onChanged,
}: {
  ticketId: string;
  delivery: Delivery;
  onChanged?: () => void;
}) {
  const { t, i18n } = useTranslation();
  const tz = useUserTimeZone();
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const retry = async () => {
    setBusy(true);
    setError(null);
    try {
      await client.post(`/api/v1/tickets/${ticketId}/deliveries/${delivery.id}/retry`, {});
      onChanged?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const to = delivery.to ? (delivery.cc.length > 0 ? t('ticket.delivery.toCc', { to: delivery.to, count: delivery.cc.length }) : t('ticket.delivery.to', { to: delivery.to })) : null;
  return (
    <div className={`msg-delivery delivery-${delivery.state}`} data-testid="reply-delivery" data-state={delivery.state}>
      <span className="delivery-badge">{t(`ticket.delivery.${delivery.state}`)}</span>
      {to && <span className="muted small"> {to}</span>}
      {delivery.state === 'sending' && delivery.nextAttemptAt && (
        <span className="muted small" data-testid="reply-delivery-next-attempt">
          {' '}
          —{' '}
          {t('ticket.delivery.nextAttempt', {
            at: formatDateTime(delivery.nextAttemptAt, i18n.language, tz),
          })}
        </span>
      )}
      {(delivery.state === 'failed' || delivery.state === 'bounced') && delivery.lastResponse && (
        <span className="muted small"> — {delivery.state === 'bounced' ? withoutDiagnosticType(delivery.lastResponse) : delivery.lastResponse}</span>
      )}
      {delivery.state === 'failed' && delivery.retryable && (
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => void retry()}>
          {busy ? t('ticket.delivery.retrying') : t('ticket.delivery.retry')}
        </button>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </div>
  );
}
