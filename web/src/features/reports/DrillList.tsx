import { useTranslation } from 'react-i18next';
import { Link } from '../../lib/router.js';

/** What a number of a report or the dashboard is made of: its tickets, incidents and escalations, each a link with its state. */
export function DrillList({
  tickets,
  incidents = [],
  escalations,
}: {
  tickets: readonly { id: string; number: number; subject: string; status: string }[];
  incidents?: readonly { id: string; title: string; severity: string; state: string }[];
  escalations: readonly { id: string; ticketNumber?: number | null; status: string; brief?: { ask?: string | null } }[];
}) {
  const { t } = useTranslation();
  return (
    <ul>
      {tickets.map((x) => (
        <li key={x.id}>
          <Link to={`/tickets/${x.id}`}>
            #{x.number} {x.subject}
          </Link>{' '}
          ({t(`status.${x.status}`, { defaultValue: x.status })})
        </li>
      ))}
      {incidents.map((x) => (
        <li key={x.id}>
          <Link to={`/incidents/${x.id}`}>
            {x.severity} {x.title}
          </Link>{' '}
          ({t(`incidents.state.${x.state}`, { defaultValue: x.state })})
        </li>
      ))}
      {escalations.map((x) => (
        <li key={x.id}>
          <Link to={`/escalations/${x.id}`}>{x.ticketNumber ? `#${x.ticketNumber}` : x.id}</Link>
          {x.brief?.ask ? ` ${x.brief.ask}` : ''} ({t(`agent.esc.status.${x.status}`, { defaultValue: x.status })})
        </li>
      ))}
    </ul>
  );
}
