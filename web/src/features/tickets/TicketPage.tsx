import { getRouteApi } from '@tanstack/react-router';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.js';
import { useLiveRefresh } from '../../api/live.js';
import type { Page, Ticket, TimelineEvent } from '../../api/types.js';
import { PriorityBadge, StatusBadge, TemperatureBadge } from '../../components/Badges.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading, Notice } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useSession, useUserTimeZone } from '../../session.js';
import { EscalateDialog } from '../escalations/EscalateDialog.js';
import { TicketEscalations } from '../escalations/TicketEscalations.js';
import type { Escalation } from '../escalations/types.js';
import { CustomerPanel } from './CustomerPanel.js';
import { SlaClocks } from './SlaClocks.js';
import { Composer } from './Composer.js';
import { Timeline } from './Timeline.js';
import { TicketFieldsForm } from './TicketFieldsForm.js';

const TIMELINE_PAGE = 200;

export function TicketPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const tz = useUserTimeZone();
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [events, setEvents] = useState<TimelineEvent[] | null>(null);
  const [eventsCursor, setEventsCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fetchedAt, setFetchedAt] = useState(() => Date.now());
  const [escalations, setEscalations] = useState<Escalation[] | null>(null);
  const [escalating, setEscalating] = useState(false);
  const [escalated, setEscalated] = useState(false);
  const escalateButton = useRef<HTMLButtonElement>(null);

  const loadTicket = useCallback(() => {
    client
      .get<Ticket>(`/api/v1/tickets/${id}`)
      .then((x) => {
        setTicket(x);
        setFetchedAt(Date.now());
        setError(null);
      })
      .catch(setError);
  }, [client, id]);

  const loadEscalations = useCallback(() => {
    client
      .get<Page<Escalation>>('/api/v1/escalations', { ticketId: id, limit: 50 })
      .then((p) => setEscalations(p.items))
      // Agents without escalations.read still work the ticket; the panel just stays empty.
      .catch(() => setEscalations([]));
  }, [client, id]);

  /** The timeline is append-only and oldest first: (re)load from the start. */
  const loadTimeline = useCallback(() => {
    client
      .get<Page<TimelineEvent>>(`/api/v1/tickets/${id}/timeline`, { limit: TIMELINE_PAGE })
      .then((p) => {
        setEvents(p.items);
        setEventsCursor(p.nextCursor);
      })
      .catch(setError);
  }, [client, id]);

  const loadMoreEvents = async () => {
    if (!eventsCursor) return;
    try {
      const p = await client.get<Page<TimelineEvent>>(`/api/v1/tickets/${id}/timeline`, { limit: TIMELINE_PAGE, cursor: eventsCursor });
      setEvents((prev) => [...(prev ?? []), ...p.items]);
      setEventsCursor(p.nextCursor);
    } catch (err) {
      setError(err);
    }
  };

  const reloadAll = useCallback(() => {
    loadTicket();
    loadTimeline();
    loadEscalations();
  }, [loadTicket, loadTimeline, loadEscalations]);

  useEffect(reloadAll, [reloadAll]);
  // A reply on its way to the customer: look again shortly until it is sent, failed or bounced.
  const sending = events?.some((e) => e.delivery?.state === 'sending') ?? false;
  useEffect(() => {
    if (!sending) return;
    const timer = setTimeout(loadTimeline, 1500);
    return () => clearTimeout(timer);
  }, [sending, events, loadTimeline]);
  // This ticket's changes, its escalations' steps, and notifications about it.
  const escalationIds = (escalations ?? []).map((x) => x.id);
  useLiveRefresh(reloadAll, { enabled: ticket !== null, filter: (e) => e.ids.includes(id) || e.ids.some((x) => escalationIds.includes(x)) });

  const loadTicketAndTimeline = useCallback(() => {
    loadTicket();
    loadTimeline();
  }, [loadTicket, loadTimeline]);

  const closeDialog = () => {
    setEscalating(false);
    // Focus goes back to the button that opened the dialog.
    window.setTimeout(() => escalateButton.current?.focus(), 0);
  };

  useEffect(() => {
    if (ticket) document.title = `#${ticket.number} ${ticket.subject} · Escalon`;
    return () => {
      document.title = 'Escalon';
    };
  }, [ticket]);

  if (error instanceof ApiError && (error.status === 404 || error.code === 'validation_failed') && !ticket) {
    return (
      <div className="page">
        <Link to="/queues/mine" className="back-link">
          ← {t('ticket.back')}
        </Link>
        <EmptyState>{t('ticket.notFound')}</EmptyState>
      </div>
    );
  }
  if (error !== null && !ticket) {
    return (
      <div className="page">
        <Link to="/queues/mine" className="back-link">
          ← {t('ticket.back')}
        </Link>
        <ErrorMessage error={error} title={t('ticket.loadFailed')} onRetry={reloadAll} />
      </div>
    );
  }
  if (!ticket) return <Loading />;

  return (
    <div className="page ticket-page">
      <Link to="/queues/mine" className="back-link">
        ← {t('ticket.back')}
      </Link>
      <header className="ticket-head">
        <div className="ticket-title">
          <span className="ticket-number">#{ticket.number}</span>
          <h1>{ticket.subject}</h1>
        </div>
        <div className="ticket-meta">
          <TemperatureBadge value={ticket.temperature} large />
          <PriorityBadge value={ticket.priority} />
          <StatusBadge value={ticket.status} />
          <span className="muted small">
            {t('ticket.created', { time: formatDateTime(ticket.createdAt, i18n.language, tz) })} · {t('ticket.via', { channel: t(`channel.${ticket.channel}`) })}
          </span>
          <button
            type="button"
            ref={escalateButton}
            className="btn btn-primary escalate-button"
            aria-haspopup="dialog"
            onClick={() => {
              setEscalated(false);
              setEscalating(true);
            }}
          >
            ⇧ {t('agent.escalate.open')}
          </button>
        </div>
      </header>
      {escalated && <Notice>{t('agent.escalate.done')}</Notice>}
      {error !== null && <ErrorMessage error={error} onRetry={reloadAll} />}
      {escalating && (
        <EscalateDialog
          ticket={ticket}
          onClose={closeDialog}
          onEscalated={() => {
            closeDialog();
            setEscalated(true);
            reloadAll();
          }}
        />
      )}
      <div className="ticket-layout">
        <section className="ticket-main" aria-labelledby="timeline-title">
          <h2 id="timeline-title">{t('ticket.timeline')}</h2>
          {events === null ? <Loading /> : events.length === 0 ? <EmptyState>{t('ticket.timelineEmpty')}</EmptyState> : <Timeline events={events} onChanged={loadTimeline} />}
          {eventsCursor && (
            <button type="button" className="btn" onClick={() => void loadMoreEvents()}>
              {t('ticket.loadEarlier')}
            </button>
          )}
          <Composer
            ticketId={ticket.id}
            refreshKey={ticket.version}
            onPosted={() => {
              // A reply can move the status (e.g. new → open), so the ticket is reloaded too.
              reloadAll();
            }}
          />
        </section>
        <aside className="ticket-side">
          <SlaClocks clocks={ticket.slaClocks} fetchedAt={fetchedAt} onDue={loadTicketAndTimeline} />
          <TicketEscalations items={escalations} />
          <TicketFieldsForm
            ticket={ticket}
            onSaved={(next) => {
              setTicket(next);
              loadTimeline();
            }}
            onReload={reloadAll}
          />
          <CustomerPanel ticket={ticket} />
        </aside>
      </div>
    </div>
  );
}

/** /tickets/$id */
export function TicketRoute() {
  const { id } = getRouteApi('/tickets/$id').useParams();
  return <TicketPage id={id} key={id} />;
}
