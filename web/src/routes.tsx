import { useEffect, type ReactNode } from 'react';
import { AdminTokensPage } from './features/admin/TokensPage.js';
import { AuditPage } from './features/admin/AuditPage.js';
import { CalendarsPage } from './features/admin/CalendarsPage.js';
import { ChannelsPage } from './features/admin/ChannelsPage.js';
import { PathEditorPage } from './features/admin/PathEditorPage.js';
import { PathsPage } from './features/admin/PathsPage.js';
import { RotationsPage } from './features/admin/RotationsPage.js';
import { SimulatorPage } from './features/admin/SimulatorPage.js';
import { SlaPoliciesPage } from './features/admin/SlaPoliciesPage.js';
import { SupervisorBoard } from './features/supervisor/SupervisorBoard.js';
import { ReportsPage } from './features/reports/ReportsPage.js';
import { AdminTeamsPage } from './features/admin/TeamsPage.js';
import { AdminUsersPage } from './features/admin/UsersPage.js';
import { EscalationPage } from './features/escalations/EscalationPage.js';
import { QueuePage, isQueueKind } from './features/queues/QueuePage.js';
import { SettingsPage } from './features/settings/SettingsPage.js';
import { SlackLinkPage } from './features/settings/SlackLinkPage.js';
import { TicketPage } from './features/tickets/TicketPage.js';
import { WallboardPage } from './features/hands/WallboardPage.js';
import { HandsConfigPage } from './features/hands/HandsConfigPage.js';
import { IncidentPage } from './features/incidents/IncidentPage.js';
import { IncidentsPage } from './features/incidents/IncidentsPage.js';
import { SearchPage } from './features/search/SearchPage.js';
import { ArticlesPage } from './features/knowledge/ArticlesPage.js';
import { NewTicketPage } from './features/desk/NewTicketPage.js';
import { MacrosPage } from './features/macros/MacrosPage.js';
import { matchPath, navigate, usePath } from './lib/router.js';
import { useSession } from './session.js';

/** Screens by path. Unknown paths go to the user's own queue. */
export function Routes() {
  const path = usePath();
  const { user } = useSession();
  const isAdmin = user.role === 'admin';

  const queue = matchPath('/queues/:kind', path);
  const ticket = matchPath('/tickets/:id', path);
  const escalation = matchPath('/escalations/:id', path);
  const incident = matchPath('/incidents/:id', path);
  let screen: ReactNode = null;
  if (path === '/tickets/new' || path === '/calls/new') screen = <NewTicketPage call={path === '/calls/new'} key={path} />;
  else if (queue && isQueueKind(queue.kind!)) screen = <QueuePage kind={queue.kind} key={queue.kind} />;
  else if (ticket) screen = <TicketPage id={ticket.id!} key={ticket.id} />;
  else if (escalation) screen = <EscalationPage id={escalation.id!} key={escalation.id} />;
  else if (incident) screen = <IncidentPage id={incident.id!} key={incident.id} />;
  else if (path === '/incidents') screen = <IncidentsPage />;
  else if (path === '/search') screen = <SearchPage />;
  else if (path === '/knowledge') screen = <ArticlesPage />;
  else if (path === '/macros') screen = <MacrosPage />;
  else if (path === '/settings') screen = <SettingsPage />;
  else if (path === '/settings/slack-link') screen = <SlackLinkPage />;
  else if (path === '/tokens') screen = <AdminTokensPage all={false} />;
  else if (path === '/admin/users' && isAdmin) screen = <AdminUsersPage />;
  else if (path === '/admin/teams' && isAdmin) screen = <AdminTeamsPage />;
  else if (path === '/admin/tokens' && isAdmin) screen = <AdminTokensPage all />;
  else if (isAdmin) screen = adminScreen(path);
  if (!screen && path === '/reports') screen = <ReportsPage />;
  if (!screen && path === '/supervisor' && ['supervisor', 'manager', 'admin'].includes(user.role)) screen = <SupervisorBoard />;
  if (!screen && path === '/wallboard' && ['supervisor', 'manager', 'admin'].includes(user.role)) screen = <WallboardPage />;

  useEffect(() => {
    if (!screen) navigate('/queues/mine', { replace: true });
  });
  return <>{screen}</>;
}

/** Administration: escalation paths, simulator, calendars, SLA, rotations, channels. */
function adminScreen(path: string): ReactNode {
  const pathEdit = matchPath('/admin/paths/:id', path);
  if (pathEdit) return <PathEditorPage id={pathEdit.id!} key={pathEdit.id} />;
  const screens: Record<string, () => ReactNode> = {
    '/admin/paths': () => <PathsPage />,
    '/admin/simulator': () => <SimulatorPage />,
    '/admin/calendars': () => <CalendarsPage />,
    '/admin/sla': () => <SlaPoliciesPage />,
    '/admin/rotations': () => <RotationsPage />,
    '/admin/channels': () => <ChannelsPage />,
    '/admin/audit': () => <AuditPage />,
    '/admin/hands': () => <HandsConfigPage />,
  };
  return screens[path]?.() ?? null;
}
