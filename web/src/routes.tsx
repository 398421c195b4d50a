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
import { AdminTeamsPage } from './features/admin/TeamsPage.js';
import { AdminUsersPage } from './features/admin/UsersPage.js';
import { EscalationPage } from './features/escalations/EscalationPage.js';
import { QueuePage, isQueueKind } from './features/queues/QueuePage.js';
import { SettingsPage } from './features/settings/SettingsPage.js';
import { TicketPage } from './features/tickets/TicketPage.js';
import { NewTicketPage } from './features/desk/NewTicketPage.js';
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
  let screen: ReactNode = null;
  if (path === '/tickets/new' || path === '/calls/new') screen = <NewTicketPage call={path === '/calls/new'} key={path} />;
  else if (queue && isQueueKind(queue.kind!)) screen = <QueuePage kind={queue.kind} key={queue.kind} />;
  else if (ticket) screen = <TicketPage id={ticket.id!} key={ticket.id} />;
  else if (escalation) screen = <EscalationPage id={escalation.id!} key={escalation.id} />;
  else if (path === '/settings') screen = <SettingsPage />;
  else if (path === '/tokens') screen = <AdminTokensPage all={false} />;
  else if (path === '/admin/users' && isAdmin) screen = <AdminUsersPage />;
  else if (path === '/admin/teams' && isAdmin) screen = <AdminTeamsPage />;
  else if (path === '/admin/tokens' && isAdmin) screen = <AdminTokensPage all />;
  else if (isAdmin) screen = adminScreen(path);
  if (!screen && path === '/supervisor' && ['supervisor', 'manager', 'admin'].includes(user.role)) screen = <SupervisorBoard />;

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
  };
  return screens[path]?.() ?? null;
}
