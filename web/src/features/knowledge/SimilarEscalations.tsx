import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { qk } from '../../api/query-keys.js';
import { Link } from '../../lib/router.js';
import { useSession } from '../../session.js';
import { formatDate } from '../../lib/format.js';
import { askOf } from '../escalations/origin.js';
import { Highlight } from '../search/Highlight.js';
import type { SimilarEscalation } from './types.js';

/**
 * Resolved escalations most like this ticket, with their answer. "Answer without escalating"
 * records a deflection and hands the answer to the caller (the reply box).
 */
export function SimilarEscalations({ ticketId, onUseAnswer }: { ticketId: string; onUseAnswer?: (answer: string) => void }) {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const similar = useQuery({
    queryKey: qk.escalations.similar(ticketId),
    queryFn: ({ signal }) => client.get<{ items: SimilarEscalation[] }>('/api/v1/escalations/similar', { ticketId, limit: '3' }, signal),
  });
  const items = similar.data?.items ?? null;
  const [actionError, setError] = useState<unknown>(null);
  const error = actionError ?? similar.error;
  const [used, setUsed] = useState<string | null>(null);
  const use = (s: SimilarEscalation) => {
    client
      .post('/api/v1/escalations/deflections', { ticketId, escalationId: s.escalationId })
      .then(() => {
        setUsed(s.escalationId);
        onUseAnswer?.(s.answer ?? '');
      })
      .catch(setError);
  };
  return (
    <section className="similar-escalations" aria-labelledby={`similar-${ticketId}`}>
      <h3 id={`similar-${ticketId}`}>{t('search.similar.title')}</h3>
      {error !== null && <ErrorMessage error={error} />}
      {items === null && error === null && <p className="muted small">{t('search.similar.loading')}</p>}
      {items?.length === 0 && <p className="muted small">{t('search.similar.none')}</p>}
      <ul className="similar-list">
        {items?.map((s) => (
          <li key={s.escalationId} className="similar-item">
            <div>
              <Link to={`/tickets/${s.ticketId}`}>#{s.ticketNumber}</Link> <strong>{askOf({ origin: s.origin, brief: { ask: s.ask } }, t) || s.subject}</strong>
            </div>
            {s.answer && <blockquote className="similar-answer">{s.answer}</blockquote>}
            {s.answeredBy && s.answeredAt && (
              <div className="muted small">{t('search.similar.answeredBy', { name: s.answeredBy.name, date: formatDate(s.answeredAt, i18n.language, user.timeZone) })}</div>
            )}
            {s.match.text && (
              <div className="muted small">
                <Highlight {...s.match} />
              </div>
            )}
            {onUseAnswer && s.answer && (
              <button type="button" className="btn btn-small" onClick={() => use(s)} disabled={used !== null}>
                {t('search.similar.useAnswer')}
              </button>
            )}
            {used === s.escalationId && <p role="status" className="small">{t('search.similar.used')}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
