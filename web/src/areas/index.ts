import { lazyRouteComponent } from '@tanstack/react-router';
import { loadMessages, type Bundle } from '../i18n/language.js';

/**
 * The console's areas, each one lazily loaded chunk: the queue (the first screen), agent (tickets, escalations,
 * settings), supervisor (the board, the wallboard), admin (everything under /admin) and reports. A route names the
 * screen it shows: `component: area.admin('AuditPage')`. Each area's messages load with its chunk
 * (i18n/language.ts); an agent screen that uses another area's messages names them:
 * `area.agent('SettingsPage', ['admin'])`.
 */
const load = {
  queue: () => import('./queue.js'),
  agent: () => import('./agent.js'),
  supervisor: () => withMessages(import('./supervisor.js'), ['admin']),
  admin: () => withMessages(import('./admin.js'), ['admin']),
  // Reports carry the chart library (ECharts): their own chunk, loaded only on /reports.
  reports: () => import('./reports.js'),
};

/** A chunk, resolved once the messages it needs are loaded too (both download in parallel). */
async function withMessages<T>(chunk: Promise<T>, needs: readonly Bundle[]): Promise<T> {
  const [m] = await Promise.all([chunk, ...needs.map(loadMessages)]);
  return m;
}

type Screens<K extends keyof typeof load> = Awaited<ReturnType<(typeof load)[K]>>;

export const area = {
  queue: (name: keyof Screens<'queue'>) => lazyRouteComponent(load.queue, name),
  agent: (name: keyof Screens<'agent'>, needs: readonly Bundle[] = []) => lazyRouteComponent(() => withMessages(load.agent(), needs), name),
  supervisor: (name: keyof Screens<'supervisor'>) => lazyRouteComponent(load.supervisor, name),
  admin: (name: keyof Screens<'admin'>) => lazyRouteComponent(load.admin, name),
  reports: (name: keyof Screens<'reports'>) => lazyRouteComponent(load.reports, name),
};
