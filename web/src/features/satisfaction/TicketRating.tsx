import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { qk } from '../../api/query-keys.js';
import { useSession } from '../../session.js';

interface Survey {
  state: 'scheduled' | 'sent' | 'skipped' | 'rated';
  skipReason: string | null;
  rating: 'good' | 'bad' | null;
  reason: string | null;
  comment: string | null;
}

/** The ticket's CSAT survey and rating, in the ticket's side panel (nothing when there is none). */
export function TicketRating({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const { client } = useSession();
  // Nothing to show when the ticket has no survey, or it cannot be read.
  const survey =
    useQuery({
      queryKey: qk.tickets.satisfaction(ticketId),
      queryFn: async ({ signal }) => (await client.get<{ survey: Survey | null }>(`/api/v1/tickets/${ticketId}/satisfaction`, undefined, signal)).survey,
    }).data ?? null;
  if (!survey) return null;
  return (
    <section className="ticket-rating" aria-label={t('reports.csat.title')}>
      <h3>{t('reports.csat.title')}</h3>
      <p>
        {survey.rating ? t(`reports.csat.${survey.rating}`) : t(`reports.csat.state.${survey.state}`)}
        {survey.skipReason ? ` (${t(`reports.csat.skip.${survey.skipReason}`, { defaultValue: survey.skipReason })})` : ''}
        {survey.reason ? ` — ${t(`reports.csat.reason.${survey.reason}`, { defaultValue: survey.reason })}` : ''}
      </p>
      {survey.comment && <blockquote>{survey.comment}</blockquote>}
    </section>
  );
}
