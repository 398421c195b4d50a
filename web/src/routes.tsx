/**
 * The console's screens: a typed TanStack Router route tree (code-based, no codegen).
 *
 * ## How to add a screen (+ its queries + live invalidation)
 * 1. Write the screen in web/src/features/<context>/MyPage.tsx and export it from the area module
 *    it belongs to (web/src/areas/agent.ts, supervisor.ts or admin.ts): each area is one lazy chunk.
 * 2. Register a route below: `createRoute({ getParentRoute: () => rootRoute, path: '/things/$id',
 *    component: area.admin('MyPage'), validateSearch: searchOf({ q: str, page: num }) })`, add it
 *    to `routeTree`. Role gating: `beforeLoad: only(['supervisor', 'admin'])` (or put it under `adminRoute`).
 * 3. URL state: filters, sort, search text and page are search params, never useState. In the
 *    screen: `const api = getRouteApi('/things/$id'); const search = api.useSearch();
 *    const nav = api.useNavigate(); nav({ search: (s) => ({ ...s, q: 'x' }) })` — typed by
 *    `validateSearch`. Defaults are left out of the URL (write `undefined`).
 * 4. Data: a hook per screen in the feature folder, `useQuery({ queryKey: qk.things.list(search),
 *    queryFn: ({ signal }) => client.get(...) })`; add the key to web/src/api/query-keys.ts.
 *    Render the result with `<Loadable query={q} empty={…}>{(data) => …}</Loadable>`
 *    (web/src/components/Loadable.tsx): loading, error with retry, empty, then your table.
 *    Changes: `useMutation({ mutationFn, onSuccess: () => qc.invalidateQueries({ queryKey: qk.things.all }) })`.
 * 5. Live updates: web/src/api/live-invalidation.ts maps each server event (ticket.*, escalation.*,
 *    notification.*) to the query keys it invalidates; add your resource's keys there once. No
 *    screen listens to the event stream or polls by hand.
 * 6. Links: `<Link to="/things/$id" params={{ id }}>` from @tanstack/react-router (typed). The
 *    old string helpers in web/src/lib/router.tsx (Link to="/x", navigate('/x?y=1'), usePath)
 *    still work on top of this router, for screens written before it.
 */
import { createRootRouteWithContext, createRoute, createRouter, Outlet, redirect, type SearchSchemaInput } from '@tanstack/react-router';
import type { User } from './api/types.js';
import { area } from './areas/index.js';
import { AppShell } from './components/AppShell.js';
import { isQueueKind } from './features/queues/kinds.js';
import { parseSearchParams, stringifySearchParams, searchOf, str, num, bool } from './lib/search-params.js';

export interface RouterContext {
  user: User;
}

const HOME = '/queues/mine';
const only = (roles: readonly string[]) => ({ context }: { context: RouterContext }) => {
  if (!roles.includes(context.user.role)) throw redirect({ href: HOME, replace: true });
};

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: () => (
    <AppShell>
      <Outlet />
    </AppShell>
  ),
  // Unknown paths go to the user's own queue, as before.
  notFoundComponent: () => {
    throw redirect({ href: HOME, replace: true });
  },
});

const indexRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', beforeLoad: () => { throw redirect({ href: HOME, replace: true }); } });

/** Ticket queues (filters, sort, text, rows shown) and the escalation lists (finished shown). */
export const queueSearch = searchOf({ status: str, priority: str, q: str, sort: str, shown: num, finished: bool, moved: str, to: str, view: str });
const queueRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/queues/$kind',
  validateSearch: (s: Record<string, unknown> & SearchSchemaInput) => queueSearch(s),
  beforeLoad: ({ params }) => {
    if (!isQueueKind(params.kind)) throw redirect({ href: HOME, replace: true });
  },
  component: area.queue('QueueRoute'),
});
const ticketRoute = createRoute({ getParentRoute: () => rootRoute, path: '/tickets/$id', component: area.agent('TicketRoute') });
const escalationRoute = createRoute({ getParentRoute: () => rootRoute, path: '/escalations/$id', component: area.agent('EscalationRoute') });
const settingsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/settings', component: area.agent('SettingsPage', ['admin']) });
const tokensRoute = createRoute({ getParentRoute: () => rootRoute, path: '/tokens', component: area.agent('OwnTokensPage') });
const newTicketRoute = createRoute({ getParentRoute: () => rootRoute, path: '/tickets/new', component: area.agent('NewTicketRoute') });
const newCallRoute = createRoute({ getParentRoute: () => rootRoute, path: '/calls/new', component: area.agent('NewCallRoute') });
const incidentsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/incidents', component: area.agent('IncidentsPage') });
const incidentRoute = createRoute({ getParentRoute: () => rootRoute, path: '/incidents/$id', component: area.agent('IncidentRoute') });
/** Search results: the words, the type tab and the filters (status, team, written from/to, customer). */
export const searchPageSearch = searchOf({ q: str, type: str, status: str, team: str, from: str, to: str, customer: str });
const searchRoute = createRoute({ getParentRoute: () => rootRoute, path: '/search', validateSearch: searchPageSearch, component: area.agent('SearchPage') });
/** Knowledge articles; `id` opens one (links from the search page and the playbook). */
export const knowledgeSearch = searchOf({ q: str, id: str });
const knowledgeRoute = createRoute({ getParentRoute: () => rootRoute, path: '/knowledge', validateSearch: knowledgeSearch, component: area.agent('ArticlesPage') });
export const customersSearch = searchOf({ q: str, tier: str, org: str, cursor: str });
const customersRoute = createRoute({ getParentRoute: () => rootRoute, path: '/customers', validateSearch: customersSearch, component: area.agent('CustomersPage') });
const customerRoute = createRoute({ getParentRoute: () => rootRoute, path: '/customers/$id', component: area.agent('CustomerRoute') });
const organizationsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/organizations', validateSearch: searchOf({ q: str, cursor: str }), component: area.agent('OrganizationsPage') });
const organizationRoute = createRoute({ getParentRoute: () => rootRoute, path: '/organizations/$id', component: area.agent('OrganizationRoute') });
const macrosRoute = createRoute({ getParentRoute: () => rootRoute, path: '/macros', validateSearch: searchOf({ q: str }), component: area.agent('MacrosPage') });
const slackLinkRoute = createRoute({ getParentRoute: () => rootRoute, path: '/settings/slack-link', component: area.agent('SlackLinkPage', ['admin']) });
const reportsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/reports', component: area.reports('ReportsPage') });
/** The raised hands report (supervisors, managers, admins): the screen itself tells anyone else they may not see it. */
export const handsReportSearch = searchOf({ from: str, to: str });
const dashboardRoute = createRoute({ getParentRoute: () => rootRoute, path: '/reports/dashboard', component: area.reports('DashboardPage') });
const pathReviewRoute = createRoute({ getParentRoute: () => rootRoute, path: '/reports/paths/$id', component: area.reports('PathReviewRoute') });
const handsReportRoute = createRoute({ getParentRoute: () => rootRoute, path: '/reports/hands', validateSearch: handsReportSearch, component: area.reports('HandsReportPage') });
const wallboardRoute = createRoute({ getParentRoute: () => rootRoute, path: '/wallboard', beforeLoad: only(['supervisor', 'manager', 'admin']), component: area.supervisor('WallboardPage') });
const supervisorRoute = createRoute({ getParentRoute: () => rootRoute, path: '/supervisor', beforeLoad: only(['supervisor', 'manager', 'admin']), component: area.supervisor('SupervisorBoard') });

/** Administration: everything under /admin is for administrators only. */
const adminRoute = createRoute({ getParentRoute: () => rootRoute, path: '/admin', beforeLoad: only(['admin']) });
const adminIndex = createRoute({ getParentRoute: () => adminRoute, path: '/', beforeLoad: () => { throw redirect({ href: HOME, replace: true }); } });
const adminUsers = createRoute({ getParentRoute: () => adminRoute, path: '/users', validateSearch: searchOf({ q: str, inactive: bool }), component: area.admin('AdminUsersPage') });
const adminTeams = createRoute({ getParentRoute: () => adminRoute, path: '/teams', component: area.admin('AdminTeamsPage') });
const adminTokens = createRoute({ getParentRoute: () => adminRoute, path: '/tokens', component: area.admin('AllTokensPage') });
const adminPaths = createRoute({ getParentRoute: () => adminRoute, path: '/paths', component: area.admin('PathsPage') });
const adminPath = createRoute({ getParentRoute: () => adminRoute, path: '/paths/$id', component: area.admin('PathEditorRoute') });
const adminSimulator = createRoute({ getParentRoute: () => adminRoute, path: '/simulator', validateSearch: searchOf({ path: str }), component: area.admin('SimulatorPage') });
const adminCalendars = createRoute({ getParentRoute: () => adminRoute, path: '/calendars', component: area.admin('CalendarsPage') });
const adminSla = createRoute({ getParentRoute: () => adminRoute, path: '/sla', component: area.admin('SlaPoliciesPage') });
const adminRotations = createRoute({ getParentRoute: () => adminRoute, path: '/rotations', component: area.admin('RotationsPage') });
const adminChannels = createRoute({ getParentRoute: () => adminRoute, path: '/channels', validateSearch: searchOf({ deliveries: str }), component: area.admin('ChannelsPage') });
export const auditSearch = searchOf({ group: str, actor: str, targetType: str, targetId: str, from: str, to: str });
const adminHands = createRoute({ getParentRoute: () => adminRoute, path: '/hands', component: area.admin('HandsConfigPage') });
/** Major incidents (issue 17): incident settings are the administrators' (settings.manage). */
const adminIncidentSettings = createRoute({ getParentRoute: () => adminRoute, path: '/incident-settings', component: area.admin('IncidentSettingsPage') });
/** The services catalogue: managers change it too (services.manage), so it sits beside /admin rather than under its admin-only gate. */
const adminServices = createRoute({ getParentRoute: () => rootRoute, path: '/admin/services', beforeLoad: only(['manager', 'admin']), component: area.admin('ServicesPage') });
const adminAudit = createRoute({ getParentRoute: () => adminRoute, path: '/audit', validateSearch: auditSearch, component: area.admin('AuditPage') });

const routeTree = rootRoute.addChildren([
  indexRoute,
  queueRoute,
  ticketRoute,
  escalationRoute,
  settingsRoute,
  tokensRoute,
  supervisorRoute,
  newTicketRoute,
  newCallRoute,
  incidentsRoute,
  incidentRoute,
  searchRoute,
  knowledgeRoute,
  slackLinkRoute,
  macrosRoute,
  customersRoute,
  customerRoute,
  organizationsRoute,
  organizationRoute,
  reportsRoute,
  dashboardRoute,
  pathReviewRoute,
  handsReportRoute,
  wallboardRoute,
  adminServices,
  adminRoute.addChildren([adminIndex, adminUsers, adminTeams, adminTokens, adminPaths, adminPath, adminSimulator, adminCalendars, adminSla, adminRotations, adminChannels, adminAudit, adminHands, adminIncidentSettings]),
]);

export function createAppRouter(user: User) {
  return createRouter({
    routeTree,
    context: { user },
    // Plain query strings (`?status=open&shown=100`), not JSON: readable, and what other screens link to.
    parseSearch: parseSearchParams,
    stringifySearch: stringifySearchParams,
    defaultPreload: 'intent',
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
