import { qk } from '../../api/query-keys.js';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { useSession } from '../../session.js';
import { useIncidentData, type Incident } from './incidents-api.js';
import './incidents.css';

/** On a linked ticket: the incident it belongs to and its latest public update. */
export function TicketIncidentBanner({ ticketId }: { ticketId: string }) {
  const { t, i18n } = useTranslation();
  const { client, user } = useSession();
  const { data } = useIncidentData(qk.incidents.ofTicket(ticketId), (signal) => client.get<{ items: Incident[] }>(`/api/v1/tickets/${ticketId}/incidents`, undefined, signal));
  const lang = i18n.language === 'en' ? 'en' : 'ja';
  const active = (data?.items ?? []).filter((i) => i.state === 'active');
  if (active.length === 0) return null;
  return (
    <>
      {active.map((i) => (
        <aside key={i.id} className="incident-banner" role="note">
          <strong>
            <Link to={`/incidents/${i.id}`}>{t('incidents.banner', { severity: i.severity, title: i.title })}</Link>
          </strong>
          {i.latestPublicUpdate ? (
            <p>
              {t('incidents.bannerUpdate', { state: t(`incidents.updateState.${i.latestPublicUpdate.state}`), date: formatDateTime(i.latestPublicUpdate.createdAt, lang, user.timeZone) })} {i.latestPublicUpdate.body[lang]}
            </p>
          ) : (
            <p className="muted">{t('incidents.bannerNoUpdate')}</p>
          )}
        </aside>
      ))}
    </>
  );
}
