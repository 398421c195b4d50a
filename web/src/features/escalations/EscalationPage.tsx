import { getRouteApi } from '@tanstack/react-router';
import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.js';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { qk } from '../../api/query-keys.js';
import type { Ticket } from '../../api/types.js';
import { PriorityBadge, StatusBadge, TemperatureBadge } from '../../components/Badges.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { EmptyState, Loading, Notice } from '../../components/States.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useSession, useUserTimeZone } from '../../session.js';
import { SlaClocks } from '../tickets/SlaClocks.js';
import { ArticleFromAnswer } from '../knowledge/ArticleFromAnswer.js';
import { EscalationThread } from './EscalationThread.js';
import { askOf, describeOrigin } from './origin.js';
import { formatDuration, useNow } from './time.js';
import { RETURN_REASONS, isOpenEscalation, type Escalation, type ReturnReason } from './types.js';
import { nameIsNumbered } from '../../lib/level-label.js';

type Action = 'acknowledge' | 'resolve' | 'return' | 'advance';

/** Time left to acknowledge, ticking every second (or how long it is overdue). */
export function AckCountdown({ escalation }: { escalation: Escalation }) {
  const { t, i18n } = useTranslation();
  const now = useNow(1000);
  if (escalation.status !== 'requested' || !escalation.ackDueAt) return null;
  const left = Math.round((new Date(escalation.ackDueAt).getTime() - now) / 1000);
  return (
    <span className={left > 0 ? 'ack-countdown' : 'ack-countdown overdue'} role="timer" aria-live="off" data-testid="ack-countdown">
      <span aria-hidden="true">◷ </span>
      {left > 0 ? t('agent.esc.ackLeft', { duration: formatDuration(left, t, i18n.language) }) : t('agent.esc.ackOverdue', { duration: formatDuration(-left, t, i18n.language) })}
    </span>
  );
}

export function EscalationStatus({ escalation }: { escalation: Escalation }) {
  const { t } = useTranslation();
  const overdue = escalation.overdue ? ' overdue' : '';
  return <span className={`badge esc-status esc-${escalation.status}${overdue}`}>{t(`agent.esc.status.${escalation.status}`, { defaultValue: escalation.status })}</span>;
}

/** One escalation for its receiver: the brief first, then the ticket, and what they can do. */
export function EscalationPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const tz = useUserTimeZone();
  const qc = useQueryClient();
  const escQuery = useQuery({ queryKey: qk.escalations.detail(id), queryFn: ({ signal }) => client.get<Escalation>(`/api/v1/escalations/${id}`, undefined, signal) });
  const esc = escQuery.data ?? null;
  const ticketQuery = useQuery({
    queryKey: qk.tickets.detail(esc?.ticketId ?? ''),
    queryFn: ({ signal }) => client.get<Ticket>(`/api/v1/tickets/${esc!.ticketId}`, undefined, signal),
    enabled: esc !== null,
  });
  const ticket = ticketQuery.data ?? null;
  const ticketAt = ticketQuery.dataUpdatedAt || Date.now();
  const error = escQuery.error ?? ticketQuery.error;
  const setEsc = (next: Escalation) => qc.setQueryData(qk.escalations.detail(id), next);
  const [actionError, setActionError] = useState<{ error: unknown; action: Action } | null>(null);
  const [busy, setBusy] = useState<Action | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [returning, setReturning] = useState(false);
  const [reason, setReason] = useState<ReturnReason>('missing_information');
  const [returnText, setReturnText] = useState('');
  const [returnTextError, setReturnTextError] = useState(false);
  const [resolving, setResolving] = useState(false);
  const [answer, setAnswer] = useState('');
  const [answerError, setAnswerError] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const load = useCallback(() => {
    void qc.invalidateQueries({ queryKey: qk.escalations.all });
    void qc.invalidateQueries({ queryKey: qk.tickets.all });
  }, [qc]);

  useEffect(() => {
    if (esc) document.title = `${t('agent.esc.title', { number: esc.ticketNumber ?? '' })} · Escalon`;
    return () => {
      document.title = 'Escalon';
    };
  }, [esc, t]);

  const act = async (action: Action, body?: unknown) => {
    setBusy(action);
    setActionError(null);
    setDone(null);
    try {
      const next = await client.post<Escalation>(`/api/v1/escalations/${id}/${action}`, body);
      setEsc(next);
      setDone(t(action === 'acknowledge' ? 'agent.esc.acknowledged' : action === 'resolve' ? 'agent.esc.resolvedDone' : action === 'return' ? 'agent.esc.returnedDone' : 'agent.esc.advancedDone'));
      setReturning(false);
      setResolving(false);
      load();
    } catch (err) {
      setActionError({ error: err, action });
      // A conflict means the state moved under us: show the current one.
      if (err instanceof ApiError && err.status === 409) load();
    } finally {
      setBusy(null);
    }
  };

  const submitReturn = (e: FormEvent) => {
    e.preventDefault();
    if (!returnText.trim()) {
      setReturnTextError(true);
      document.getElementById('esc-return-text')?.focus();
      return;
    }
    void act('return', { reason, text: returnText.trim() });
  };

  const submitResolve = (e: FormEvent) => {
    e.preventDefault();
    // A functional escalation asked a question: the person who asked needs the answer.
    if (!answer.trim() && esc?.kind !== 'hierarchical') {
      setAnswerError(true);
      document.getElementById('esc-answer')?.focus();
      return;
    }
    void act('resolve', answer.trim() ? { answer: answer.trim() } : {});
  };

  if (error instanceof ApiError && error.status === 404 && !esc) {
    return (
      <div className="page">
        <Link to="/queues/escalated-to-me" className="back-link">
          ← {t('agent.esc.back')}
        </Link>
        <EmptyState>{t('agent.esc.notFound')}</EmptyState>
      </div>
    );
  }
  if (error !== null && !esc) {
    return (
      <div className="page">
        <ErrorMessage error={error} onRetry={load} />
      </div>
    );
  }
  if (!esc) return <Loading />;

  const b = esc.brief;
  const open = isOpenEscalation(esc);
  const isReceiver = esc.receivers.some((r) => r.people.some((p) => p.id === user.id));
  const levelLabel = esc.stage === 'fallback' || !esc.level ? t('agent.esc.fallback') : nameIsNumbered(esc.level.name) ? esc.level.name : t('agent.esc.level', { n: esc.levelIndex + 1, name: esc.level.name });

  return (
    <div className="page escalation-page">
      <Link to="/queues/escalated-to-me" className="back-link">
        ← {t('agent.esc.back')}
      </Link>
      <header className="ticket-head">
        <div className="ticket-title">
          <h1 ref={headingRef} tabIndex={-1}>
            {t('agent.esc.title', { number: esc.ticketNumber ?? '' })}
          </h1>
        </div>
        <div className="ticket-meta">
          <EscalationStatus escalation={esc} />
          <AckCountdown escalation={esc} />
          <span className="muted small">
            {levelLabel}
            {esc.path && <> · {t('agent.esc.path', { name: esc.path.name, version: esc.path.version })}</>}
          </span>
        </div>
      </header>
      {done && <Notice>{done}</Notice>}
      {actionError && <ActionError error={actionError.error} onRetry={load} />}

      <div className="ticket-layout">
        <section className="ticket-main" aria-labelledby="brief-title">
          {esc.resolution && (
            <div className="card esc-answer" data-testid="esc-answer">
              <h2>{t('agent.esc.answerTitle')}</h2>
              {esc.resolution.answer ? <p className="pre">{esc.resolution.answer}</p> : <p className="muted">{t('agent.esc.noAnswer')}</p>}
              <p className="muted small">{t('agent.esc.resolvedBy', { name: esc.resolution.by.name, time: esc.finishedAt ? formatDateTime(esc.finishedAt, i18n.language, tz) : '' })}</p>
              {esc.status === 'resolved' && esc.resolution.answer && <ArticleFromAnswer escalationId={esc.id} />}
            </div>
          )}
          <div className="card brief" data-testid="brief">
            <h2 id="brief-title">{t('agent.esc.brief')}</h2>
            <p className="brief-ask">
              {b.category && <span className="brief-category">{b.category}</span>}
              <strong>{askOf(esc, t) || t('agent.esc.empty')}</strong>
            </p>
            {esc.origin?.code === 'direct' && <p className="muted small" data-testid="origin">{describeOrigin(esc.origin, t)}</p>}
            <dl className="brief-list">
              <BriefRow label={t('agent.esc.concern')} value={b.concern} />
              <BriefRow label={t('agent.esc.tried')} value={b.tried} />
              <BriefRow label={t('agent.esc.environment')} value={b.environment} />
              <BriefRow label={t('agent.esc.background')} value={(esc.generatedBackground && (i18n.language.startsWith('en') ? esc.generatedBackground.en : esc.generatedBackground.ja)) || b.background} />
              <BriefRow label={t('agent.esc.temperature')}>
                <TemperatureBadge value={b.customerTemperature} />
              </BriefRow>
              <BriefRow label={t('agent.esc.impact')}>
                {t(`agent.escalate.scope.${b.impact.scope}`)}
                {' · '}
                {t('agent.esc.risks')}:{' '}
                {[b.impact.revenueRisk && t('agent.esc.revenueRisk'), b.impact.legalRisk && t('agent.esc.legalRisk')].filter(Boolean).join(', ') || t('agent.esc.noRisk')}
                {b.impact.note && <div className="pre">{b.impact.note}</div>}
              </BriefRow>
              {b.links.length > 0 && (
                <BriefRow label={t('agent.esc.links')}>
                  <ul className="plain-list">
                    {b.links.map((l, i) => (
                      <li key={i}>
                        {/^https?:\/\//i.test(l.url) ? (
                          <a href={l.url} target="_blank" rel="noopener noreferrer">
                            {l.label || l.url}
                          </a>
                        ) : (
                          <span>
                            {l.label} {l.url}
                          </span>
                        )}
                      </li>
                    ))}
                  </ul>
                </BriefRow>
              )}
            </dl>
            {esc.requestedBy && <p className="muted small">{t('agent.esc.requestedBy', { name: esc.requestedBy.name, time: formatDateTime(esc.requestedAt, i18n.language, tz) })}</p>}
            {esc.returned && (
              <p className="error-box">
                {t('agent.esc.returnedInfo', { name: esc.returned.by.name, reason: t(`agent.returnReason.${esc.returned.reason}`, { defaultValue: esc.returned.reason }), text: esc.returned.text })}
              </p>
            )}
          </div>

          <EscalationThread escalation={esc} open={open} />

          <section className="card" aria-labelledby="esc-actions-title">
            <h2 id="esc-actions-title">{t('agent.esc.actions')}</h2>
            {!open ? (
              <p className="muted">{t('agent.esc.finished')}</p>
            ) : (
              <div className="actions-row">
                {esc.status === 'requested' && (
                  <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={() => void act('acknowledge')}>
                    {t('agent.esc.acknowledge')}
                  </button>
                )}
                <button type="button" className="btn" disabled={busy !== null} aria-expanded={resolving} aria-controls="esc-resolve-form" onClick={() => setResolving((r) => !r)}>
                  {t('agent.esc.resolve')}
                </button>
                <button type="button" className="btn" disabled={busy !== null} aria-expanded={returning} aria-controls="esc-return-form" onClick={() => setReturning((r) => !r)}>
                  {t('agent.esc.return')}
                </button>
                {esc.stage !== 'fallback' && (
                  <button type="button" className="btn" disabled={busy !== null} onClick={() => void act('advance', {})}>
                    {t('agent.esc.advance')}
                  </button>
                )}
              </div>
            )}
            {open && resolving && (
              <form id="esc-resolve-form" className="return-form" onSubmit={submitResolve} aria-label={t('agent.esc.resolveTitle')} noValidate>
                <div className={answerError ? 'field has-error' : 'field'}>
                  <label htmlFor="esc-answer">
                    {t('agent.esc.answer')}{' '}
                    {esc.kind !== 'hierarchical' && <span className="req">({t('agent.escalate.required')})</span>}
                  </label>
                  <textarea
                    id="esc-answer"
                    rows={4}
                    maxLength={20000}
                    aria-required={esc.kind !== 'hierarchical'}
                    aria-invalid={answerError || undefined}
                    aria-describedby={answerError ? 'esc-answer-error' : 'esc-answer-hint'}
                    value={answer}
                    onChange={(e) => {
                      setAnswer(e.target.value);
                      setAnswerError(false);
                    }}
                  />
                  <p className="muted small" id="esc-answer-hint">
                    {t('agent.esc.answerHint')}
                  </p>
                  {answerError && (
                    <p className="field-error" id="esc-answer-error">
                      {t('agent.escalate.missing')}
                    </p>
                  )}
                </div>
                <button type="submit" className="btn btn-primary" disabled={busy !== null}>
                  {t('agent.esc.resolveSubmit')}
                </button>
              </form>
            )}
            {open && returning && (
              <form id="esc-return-form" className="return-form" onSubmit={submitReturn} aria-label={t('agent.esc.returnTitle')} noValidate>
                <div className="field">
                  <label htmlFor="esc-return-reason">{t('agent.esc.returnReason')}</label>
                  <select id="esc-return-reason" value={reason} onChange={(e) => setReason(e.target.value as ReturnReason)}>
                    {RETURN_REASONS.map((r) => (
                      <option key={r} value={r}>
                        {t(`agent.returnReason.${r}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <div className={returnTextError ? 'field has-error' : 'field'}>
                  <label htmlFor="esc-return-text">
                    {t('agent.esc.returnText')} <span className="req">({t('agent.escalate.required')})</span>
                  </label>
                  <textarea
                    id="esc-return-text"
                    rows={3}
                    maxLength={5000}
                    aria-required
                    aria-invalid={returnTextError || undefined}
                    aria-describedby={returnTextError ? 'esc-return-text-error' : undefined}
                    value={returnText}
                    onChange={(e) => {
                      setReturnText(e.target.value);
                      setReturnTextError(false);
                    }}
                  />
                  {returnTextError && (
                    <p className="field-error" id="esc-return-text-error">
                      {t('agent.escalate.missing')}
                    </p>
                  )}
                </div>
                <button type="submit" className="btn btn-danger" disabled={busy !== null}>
                  {t('agent.esc.returnSubmit')}
                </button>
              </form>
            )}
            {open && !isReceiver && <p className="muted small">{t('agent.esc.errForbidden')}</p>}
          </section>
        </section>

        <aside className="ticket-side">
          <section className="card" aria-labelledby="esc-ticket-title">
            <h2 id="esc-ticket-title">{t('agent.esc.ticketContext')}</h2>
            {ticket ? (
              <>
                <p>
                  <Link to={`/tickets/${ticket.id}`}>
                    #{ticket.number} {ticket.subject}
                  </Link>
                </p>
                <p className="ticket-meta">
                  <TemperatureBadge value={ticket.temperature} />
                  <PriorityBadge value={ticket.priority} />
                  <StatusBadge value={ticket.status} />
                </p>
                <Link to={`/tickets/${ticket.id}`} className="btn">
                  {t('agent.esc.openTicket', { number: ticket.number })}
                </Link>
              </>
            ) : (
              <Loading />
            )}
          </section>
          {ticket && <SlaClocks clocks={ticket.slaClocks} fetchedAt={ticketAt} onDue={load} />}
          <section className="card" aria-labelledby="esc-receivers-title">
            <h2 id="esc-receivers-title">{t('agent.esc.receivers')}</h2>
            <ul className="plain-list">
              {esc.receivers.map((r) => (
                <li key={r.key}>
                  {r.people.map((p) => p.name).join(', ') || '—'} <span className={`badge phase phase-${r.phase}`}>{t(`agent.esc.phase.${r.phase}`, { defaultValue: r.phase })}</span>
                  {r.acknowledgedBy && <div className="muted small">{t('agent.esc.ackedBy', { name: r.acknowledgedBy.name })}</div>}
                </li>
              ))}
            </ul>
            {esc.ackDueAt && <p className="muted small">{t('agent.esc.ackDue', { time: formatDateTime(esc.ackDueAt, i18n.language, tz) })}</p>}
            {esc.level && (esc.level.contact.phone || esc.level.contact.email) && (
              <p className="small">
                {[esc.level.contact.department, esc.level.contact.person, esc.level.contact.phone, esc.level.contact.email].filter(Boolean).join(' · ')}
              </p>
            )}
          </section>
        </aside>
      </div>
    </div>
  );
}

function BriefRow({ label, value, children }: { label: string; value?: string; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <dt>{label}</dt>
      <dd className={value !== undefined ? 'pre' : undefined}>{children ?? (value ? value : <span className="muted">{t('agent.esc.empty')}</span>)}</dd>
    </>
  );
}

/** 403 and 409 in words a receiver can act on; anything else as the standard error box. */
function ActionError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  if (error instanceof ApiError && (error.status === 403 || error.status === 409)) {
    return (
      <div className="error-box" role="alert">
        <p>{t(error.status === 403 ? 'agent.esc.errForbidden' : 'agent.esc.errConflict')}</p>
        {error.message && <p className="muted small">{t('errors.serverSays', { message: error.message })}</p>}
      </div>
    );
  }
  return <ErrorMessage error={error} onRetry={onRetry} />;
}

/** /escalations/$id */
export function EscalationRoute() {
  const { id } = getRouteApi('/escalations/$id').useParams();
  return <EscalationPage id={id} key={id} />;
}
