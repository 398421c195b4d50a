import { lazyRouteComponent } from '@tanstack/react-router';

/**
 * The console's areas, each one lazily loaded chunk: agent (queues, tickets, escalations,
 * settings), supervisor (the board, the wallboard), admin (everything under /admin) and reports. A route names the
 * screen it shows: `component: area.admin('AuditPage')`.
 */
const load = {
  agent: () => import('./agent.js'),
  supervisor: () => import('./supervisor.js'),
  admin: () => import('./admin.js'),
  // Reports carry the chart library (ECharts): their own chunk, loaded only on /reports.
  reports: () => import('./reports.js'),
};

type Screens<K extends keyof typeof load> = Awaited<ReturnType<(typeof load)[K]>>;

export const area = {
  agent: (name: keyof Screens<'agent'>) => lazyRouteComponent(load.agent, name),
  supervisor: (name: keyof Screens<'supervisor'>) => lazyRouteComponent(load.supervisor, name),
  admin: (name: keyof Screens<'admin'>) => lazyRouteComponent(load.admin, name),
  reports: (name: keyof Screens<'reports'>) => lazyRouteComponent(load.reports, name),
};
