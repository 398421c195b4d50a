import { getRouteApi } from '@tanstack/react-router';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, isAbort } from '../../api/client.js';
import { qk } from '../../api/query-keys.js';
import type { Page, Ticket, TimelineEvent } from '../../api/types.js';
import { PriorityBadge, StatusBadge, TemperatureBadge } from '../../components/Badges.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading, Notice } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useSession, useUserTimeZone } from '../../session.js';
import { useShortcut } from '../../components/Shortcuts.js';
import { EscalateDialog } from '../escalations/EscalateDialog.js';
import { TicketEscalations } from '../escalations/TicketEscalations.js';
import type { Escalation } from '../escalations/types.js';
import { CustomerPanel } from './CustomerPanel.js';
import { SlaClocks } from './SlaClocks.js';
import { Composer } from './Composer.js';
import { Timeline } from './Timeline.js';
import { TicketFieldsForm } from './TicketFieldsForm.js';
import { LogCallCard } from '../desk/LogCallCard.js';
import { MergeCard, MergedBanner } from '../desk/MergeCard.js';
import { TicketIncidentBanner } from '../incidents/TicketIncidentBanner.js';
import { SimilarEscalations } from '../knowledge/SimilarEscalations.js';
import { TicketRating } from '../satisfaction/TicketRating.js';

const TIMELINE_PAGE = 200;

export function TicketPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const { client } = useSession();
  const tz = useUserTimeZone();
  const qc = useQueryClient();
  const ticketQuery = useQuery({
    queryKey: qk.tickets.detail(id),
    queryFn: ({ signal }) => client.get<Ticket>(`/api/v1/tickets/${id}`, undefined, signal),
  });
  const escalationsQuery = useQuery({
    queryKey: qk.escalations.list({ ticketId: id }),
    // Agents without escalations.read still work the ticket; the panel just stays empty.
    queryFn: ({ signal }) =>
      client
        .get<Page<Escalation>>('/api/v1/escalations', { ticketId: id, limit: 50 }, signal)
        .then((p) => p.items)
        .catch((e: unknown) => (isAbort(e) ? Promise.reject(e) : [])),
  });
  /** The timeline is append-only and oldest first: pages from the start. */
  const timeline = useInfiniteQuery({
    queryKey: qk.tickets.timeline(id),
    queryFn: ({ signal, pageParam }) =>
      client.get<Page<TimelineEvent>>(
        `/api/v1/tickets/${id}/timeline`,
        { limit: TIMELINE_PAGE, cursor: pageParam },
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // A reply on its way to the customer: look again shortly until it is sent, failed or bounced.
    refetchInterval: (q) =>
      q.state.data?.pages.some((p) => p.items.some((e) => e.delivery?.state === 'sending')) ? 1500 : false,
  });
  const ticket = ticketQuery.data ?? null;
  const events = timeline.data ? timeline.data.pages.flatMap((p) => p.items) : null;
  const escalations = escalationsQuery.data ?? null;
  const error = ticketQuery.error ?? timeline.error;
  const fetchedAt = ticketQuery.dataUpdatedAt || Date.now();
  const [escalating, setEscalating] = useState(false);
  // An answer from a similar past escalation, handed to the composer (each choice a new object).
  const [answerToInsert, setAnswerToInsert] = useState<{ text: string; at: number } | null>(null);
  const [escalated, setEscalated] = useState(false);
  const escalateButton = useRef<HTMLButtonElement>(null);

  const loadTimeline = useCallback(
    () => void qc.invalidateQueries({ queryKey: qk.tickets.timeline(id) }),
    [qc, id],
  );
  const loadTicketAndTimeline = useCallback(() => {
    void qc.invalidateQueries({ queryKey: qk.tickets.detail(id) });
    loadTimeline();
  }, [qc, id, loadTimeline]);
  const reloadAll = useCallback(() => {
    loadTicketAndTimeline();
    void qc.invalidateQueries({ queryKey: qk.escalations.list({ ticketId: id }) });
  }, [qc, id, loadTicketAndTimeline]);

  // Keyboard: r reply, n internal note, e escalate, a assign to me (see components/Shortcuts.tsx).
  const { user } = useSession();
  const [assignedNotice, setAssignedNotice] = useState(false);
  /** The fields form starts again from the ticket after `a` changed it underneath. */
  const [assignedBy, setAssignedBy] = useState(0);
  const compose = (mode: 'public' | 'internal') => {
    document.getElementById(`composer-tab-${mode}`)?.click();
    window.setTimeout(() => document.querySelector<HTMLTextAreaElement>('#composer-panel textarea')?.focus(), 0);
  };
  useShortcut('r', () => compose('public'));
  useShortcut('n', () => compose('internal'));
  useShortcut('e', () => escalateButton.current?.click());
  useShortcut('a', () => {
    if (!ticket) return;
    if (ticket.assigneeId === user.id) return setAssignedNotice(true);
    client
      .patch<Ticket>(`/api/v1/tickets/${ticket.id}`, { assigneeId: user.id, expectedVersion: ticket.version })
      .then((next) => {
        qc.setQueryData(qk.tickets.detail(id), next);
        setAssignedNotice(true);
        setAssignedBy((n) => n + 1);
        loadTimeline();
      })
      .catch(() => reloadAll());
  });

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
            {t('ticket.created', { time: formatDateTime(ticket.createdAt, i18n.language, tz) })} ·{' '}
            {t('ticket.via', { channel: t(`channel.${ticket.channel}`) })}
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
      <TicketIncidentBanner ticketId={ticket.id} />
      <MergedBanner ticket={ticket} />
      {escalated && <Notice>{t('agent.escalate.done')}</Notice>}
      {assignedNotice && <Notice>{t('shortcuts.assigned')}</Notice>}
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
          {events === null ? (
            <Loading />
          ) : events.length === 0 ? (
            <EmptyState>{t('ticket.timelineEmpty')}</EmptyState>
          ) : (
            <Timeline ticketId={ticket.id} events={events} onChanged={loadTimeline} />
          )}
          {timeline.hasNextPage && (
            <button
              type="button"
              className="btn"
              onClick={() => void timeline.fetchNextPage()}
              disabled={timeline.isFetchingNextPage}
            >
              {t('ticket.loadEarlier')}
            </button>
          )}
          <Composer
            ticketId={ticket.id}
            version={ticket.version}
            insert={answerToInsert}
            onPosted={() => {
              // A reply can move the status (e.g. new → open), so the ticket is reloaded too.
              reloadAll();
            }}
          />
          <LogCallCard ticketId={ticket.id} onLogged={loadTicketAndTimeline} />
        </section>
        <aside className="ticket-side">
          <SlaClocks clocks={ticket.slaClocks} fetchedAt={fetchedAt} onDue={loadTicketAndTimeline} />
          <TicketRating ticketId={ticket.id} />
          <TicketEscalations items={escalations} />
          <SimilarEscalations ticketId={ticket.id} onUseAnswer={(text) => setAnswerToInsert((prev) => ({ text, at: (prev?.at ?? 0) + 1 }))} />
          <TicketFieldsForm
            key={assignedBy}
            ticket={ticket}
            onSaved={(next) => {
              qc.setQueryData(qk.tickets.detail(id), next);
              loadTimeline();
            }}
            onReload={reloadAll}
          />
          <CustomerPanel ticket={ticket} />
          <MergeCard ticket={ticket} />
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
