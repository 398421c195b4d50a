import { useEffect, type ReactNode } from 'react';
import { AdminTokensPage } from './features/admin/TokensPage.js';
import { AdminTeamsPage } from './features/admin/TeamsPage.js';
import { AdminUsersPage } from './features/admin/UsersPage.js';
import { QueuePage, isQueueKind } from './features/queues/QueuePage.js';
import { SettingsPage } from './features/settings/SettingsPage.js';
import { TicketPage } from './features/tickets/TicketPage.js';
import { matchPath, navigate, usePath } from './lib/router.js';
import { useSession } from './session.js';

/** Screens by path. Unknown paths go to the user's own queue. */
export function Routes() {
  const path = usePath();
  const { user } = useSession();
  const isAdmin = user.role === 'admin';

  const queue = matchPath('/queues/:kind', path);
  const ticket = matchPath('/tickets/:id', path);
  let screen: ReactNode = null;
  if (queue && isQueueKind(queue.kind!)) screen = <QueuePage kind={queue.kind} key={queue.kind} />;
  else if (ticket) screen = <TicketPage id={ticket.id!} key={ticket.id} />;
  else if (path === '/settings') screen = <SettingsPage />;
  else if (path === '/tokens') screen = <AdminTokensPage all={false} />;
  else if (path === '/admin/users' && isAdmin) screen = <AdminUsersPage />;
  else if (path === '/admin/teams' && isAdmin) screen = <AdminTeamsPage />;
  else if (path === '/admin/tokens' && isAdmin) screen = <AdminTokensPage all />;

  useEffect(() => {
    if (!screen) navigate('/queues/mine', { replace: true });
  });
  return <>{screen}</>;
}
