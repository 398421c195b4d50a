import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client.js';
import type { Ticket, TimelineEvent } from '../../api/types.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Link, navigate } from '../../lib/router.js';
import { useSession } from '../../session.js';
import './desk.css';

interface Conflict {
  source: { number: number; customer: string | null };
  target: { number: number; customer: string | null };
}

/** "Merge into…": find the ticket by number, confirm (twice across customers), merge, go there. */
export function MergeCard({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const [open, setOpen] = useState(false);
  const [number, setNumber] = useState('');
  const [target, setTarget] = useState<Ticket | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (ticket.status === 'closed') return null;

  const find = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setTarget(null);
    setConflict(null);
    const n = Number(number.replace(/^#/, '').trim());
    if (!Number.isInteger(n) || n < 1) return setError(new ApiError(400, 'validation_failed', '', [{ field: 'number', message: t('desk.merge.badNumber') }]));
    try {
      const r = await client.get<{ ticket: Ticket }>(`/api/v1/tickets/by-number/${n}`);
      if (r.ticket.id === ticket.id) return setError(new ApiError(400, 'bad_request', t('desk.merge.self')));
      setTarget(r.ticket);
    } catch (err) {
      setError(err);
    }
  };

  const merge = async () => {
    if (!target) return;
    setBusy(true);
    setError(null);
    try {
      await client.post(`/api/v1/tickets/${ticket.id}/merge`, { into: target.id, ...(confirmed && { confirmDifferentCustomer: true }) });
      navigate(`/tickets/${target.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'different_customer') setConflict(err.details as Conflict);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card desk-merge" aria-labelledby="merge-title">
      <h2 id="merge-title">{t('desk.merge.title')}</h2>
      {!open ? (
        <button type="button" className="btn" onClick={() => setOpen(true)}>
          {t('desk.merge.open')}
        </button>
      ) : (
        <>
          <form className="inline-form" onSubmit={(e) => void find(e)}>
            <label htmlFor="merge-number">{t('desk.merge.number')}</label>
            <input id="merge-number" value={number} onChange={(e) => setNumber(e.target.value)} placeholder="#1042" size={8} maxLength={12} />
            <button type="submit" className="btn">
              {t('desk.merge.find')}
            </button>
          </form>
          <p className="muted small">{t('desk.merge.explain', { number: ticket.number })}</p>
          {target && (
            <div className="desk-merge-target" data-testid="merge-target">
              <p>
                <strong>#{target.number}</strong> {target.subject}
              </p>
              {conflict && (
                <div className="warning-box" role="alert">
                  <p>{t('desk.merge.differentCustomer', { source: conflict.source.number, sourceCustomer: conflict.source.customer ?? '—', target: conflict.target.number, targetCustomer: conflict.target.customer ?? '—' })}</p>
                  <label className="check">
                    <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> {t('desk.merge.confirmDifferent')}
                  </label>
                </div>
              )}
              <button type="button" className="btn btn-primary" disabled={busy || (conflict !== null && !confirmed)} onClick={() => void merge()}>
                {t('desk.merge.submit', { source: ticket.number, target: target.number })}
              </button>
            </div>
          )}
          {error !== null && <ErrorMessage error={error} fieldLabels={{ number: t('desk.merge.number') }} />}
        </>
      )}
    </section>
  );
}

/** On a merged ticket: where it went. */
export function MergedBanner({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const { client } = useSession();
  const target = ticket.mergedIntoId;
  // The same query as the target's own page (live ticket events refresh it); without it the link still shows.
  const intoQuery = useQuery({
    queryKey: qk.tickets.detail(target ?? ''),
    queryFn: ({ signal }) => client.get<Ticket>(`/api/v1/tickets/${target}`, undefined, signal),
    enabled: !!target,
  });
  const into = intoQuery.data ?? null;
  if (!ticket.mergedIntoId) return null;
  return (
    <p className="notice desk-merged-banner" data-testid="merged-banner">
      {t('desk.merge.mergedInto')} <Link to={`/tickets/${ticket.mergedIntoId}`}>{into ? `#${into.number} ${into.subject}` : t('desk.merge.target')}</Link>
    </p>
  );
}

/** Sentences for the merge events; null for other kinds. */
export function describeMergeEvent(e: TimelineEvent, t: TFunction): string | null {
  const actor = e.author.name ?? t('desk.merge.someone');
  if (e.kind === 'ticket.merged') return t('desk.merge.eventMerged', { actor, number: Number(e.data.intoNumber) });
  if (e.kind === 'ticket.merged_in') return t('desk.merge.eventMergedIn', { actor, number: Number(e.data.fromNumber), count: Number(e.data.messages) });
  return null;
}

/** The label on a message copied from a merged ticket. */
export function MergedFrom({ event }: { event: TimelineEvent }) {
  const { t } = useTranslation();
  const m = event.data.merged as { fromNumber?: number; createdAt?: string } | undefined;
  if (!m) return null;
  return (
    <span className="badge desk-merged-from" data-testid="merged-from">
      {t('desk.merge.fromTicket', { number: m.fromNumber })}
    </span>
  );
}
