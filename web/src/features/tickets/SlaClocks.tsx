import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket } from '../../api/types.js';
import { formatDateTime } from '../../lib/format.js';
import { useUserTimeZone } from '../../session.js';
import { formatDuration, useNow } from '../escalations/time.js';

export type SlaClock = NonNullable<Ticket['slaClocks']>[number];

/** Under this share of the target left (or 15 minutes), a running clock is shown as at risk. */
const AT_RISK_SHARE = 0.2;
const AT_RISK_SECONDS = 15 * 60;

/**
 * Seconds left on a clock now. 24/7 clocks count down to their due instant; clocks on a
 * business calendar count the server's business seconds down from when they were fetched (the
 * page re-reads them every minute, so time outside business hours is corrected).
 */
export function remainingNow(c: SlaClock, fetchedAt: number, now: number): number {
  if (c.state !== 'running') return c.remainingSeconds;
  if (c.calendarId === null && c.dueAt) return Math.round((new Date(c.dueAt).getTime() - now) / 1000);
  return c.remainingSeconds - Math.floor((now - fetchedAt) / 1000);
}

export function isAtRisk(c: SlaClock, remaining: number): boolean {
  return c.state === 'breached' || (c.state === 'running' && (remaining <= AT_RISK_SECONDS || remaining <= c.targetSeconds * AT_RISK_SHARE));
}

/** Every SLA clock of the ticket with a live countdown, its state in colour and words, and the due instant in the user's zone. */
export function SlaClocks({ clocks, fetchedAt, onDue }: { clocks: SlaClock[] | undefined; fetchedAt: number; onDue: () => void }) {
  const { t, i18n } = useTranslation();
  const tz = useUserTimeZone();
  const now = useNow(1000);
  const onDueRef = useRef(onDue);
  useEffect(() => {
    onDueRef.current = onDue;
  });

  // When a running clock reaches its due time, ask the server (its worker records the breach).
  useEffect(() => {
    // The worker records a breach (timeline, actions) moments after the clock turns; the server
    // announces no live event for it yet, so look again shortly after a fresh breach.
    const fresh = (clocks ?? []).some((c) => c.state === 'breached' && c.breachedAt && Date.now() - new Date(c.breachedAt).getTime() < 30_000);
    const recheck = fresh ? window.setTimeout(() => onDueRef.current(), 3000) : undefined;
    const running = (clocks ?? []).filter((c) => c.state === 'running');
    if (!running.length) return () => window.clearTimeout(recheck);
    const soonest = Math.min(...running.map((c) => remainingNow(c, fetchedAt, Date.now())));
    const delay = soonest > 0 ? soonest * 1000 + 1500 : 4000;
    if (delay > 2 ** 31 - 1) return;
    const timer = window.setTimeout(() => onDueRef.current(), delay);
    // Business-calendar clocks are re-read every minute to stay in step with the calendar.
    const resync = running.some((c) => c.calendarId !== null) ? window.setInterval(() => onDueRef.current(), 60_000) : undefined;
    return () => {
      window.clearTimeout(recheck);
      window.clearTimeout(timer);
      if (resync !== undefined) window.clearInterval(resync);
    };
  }, [clocks, fetchedAt]);

  return (
    <section className="card sla-panel" aria-labelledby="sla-title">
      <h2 id="sla-title">{t('agent.sla.title')}</h2>
      {!clocks || clocks.length === 0 ? (
        <p className="muted small">{t('agent.sla.none')}</p>
      ) : (
        <ul className="sla-clocks">
          {clocks.map((c) => {
            const remaining = remainingNow(c, fetchedAt, now);
            const late = c.state === 'running' && remaining <= 0;
            const tone = c.state === 'breached' || late ? 'breached' : c.state === 'running' && isAtRisk(c, remaining) ? 'warning' : c.state;
            return (
              <li key={c.id} className={`sla-clock sla-${tone}`} data-testid="sla-clock" data-kind={c.kind} data-state={c.state}>
                <div className="sla-clock-head">
                  <span className="sla-kind">{t(`agent.sla.kind.${c.kind}`)}</span>
                  <span className={`badge sla-badge sla-badge-${c.state}`}>
                    <span aria-hidden="true">{c.state === 'breached' ? '✕ ' : c.state === 'met' ? '✓ ' : c.state === 'paused' ? 'Ⅱ ' : '◷ '}</span>
                    {t(`agent.sla.state.${c.state}`)}
                  </span>
                </div>
                {c.state === 'running' && (
                  <div className="sla-countdown" role="timer" aria-live="off" data-testid="sla-countdown">
                    {remaining > 0 ? t('agent.sla.left', { duration: formatDuration(remaining, t, i18n.language) }) : t('agent.sla.overdue', { duration: formatDuration(-remaining, t, i18n.language) })}
                  </div>
                )}
                {c.state === 'breached' && c.breachedAt && <div className="sla-countdown">{t('agent.sla.breachedAt', { time: formatDateTime(c.breachedAt, i18n.language, tz) })}</div>}
                {c.state === 'met' && c.metAt && <div className="small">{t('agent.sla.metAt', { time: formatDateTime(c.metAt, i18n.language, tz) })}</div>}
                {c.state === 'paused' && <div className="small">{t('agent.sla.paused')}</div>}
                {late && <div className="small">{t('agent.sla.checking')}</div>}
                <div className="muted small">
                  {c.dueAt && c.state !== 'met' && (
                    <>
                      <time dateTime={c.dueAt}>{t('agent.sla.due', { time: formatDateTime(c.dueAt, i18n.language, tz) })}</time>
                      {' · '}
                    </>
                  )}
                  {t('agent.sla.target', { duration: formatDuration(c.targetSeconds, t, i18n.language) })} ({c.calendarId ? t('agent.sla.businessTime') : t('agent.sla.allDay')})
                  {c.policyName && <div>{t('agent.sla.policy', { name: c.policyName })}</div>}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
