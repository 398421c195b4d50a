import { getRouteApi } from '@tanstack/react-router';
import { NewTicketPage } from '../features/desk/NewTicketPage.js';
import { IncidentPage } from '../features/incidents/IncidentPage.js';

/** Route adapters for agent screens that take their parameters as props. */
export function NewTicketRoute() {
  return <NewTicketPage call={false} key="ticket" />;
}

export function NewCallRoute() {
  return <NewTicketPage call key="call" />;
}

export function IncidentRoute() {
  const { id } = getRouteApi('/incidents/$id').useParams();
  return <IncidentPage id={id} key={id} />;
}
