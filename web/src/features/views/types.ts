/** GET /api/v1/views items: the ticket list's query parameters as an object. */
export type ViewFilters = Record<string, string | number | readonly string[]>;
export interface SavedView {
  id: string;
  name: string;
  filters: ViewFilters;
  sort: string | null;
  columns: string[];
  scope: 'personal' | 'shared';
  ownerId: string | null;
}

/**
 * The columns the queue table shows, in the server's names (VIEW_COLUMNS). 'sla' is left out:
 * ticket lists carry no SLA clocks (only a single ticket does), so the column would stay empty.
 */
export const QUEUE_COLUMNS = ['number', 'subject', 'requester', 'temperature', 'priority', 'status', 'team', 'assignee', 'tags', 'created', 'updated'] as const;
export type QueueColumn = (typeof QUEUE_COLUMNS)[number];

/** The queue a view opens in: its assignee/team words say which tab it belongs to. */
export function queueOfView(f: ViewFilters): 'mine' | 'team' | 'unassigned' | 'all' {
  if (f.assignee === 'me') return 'mine';
  if (f.assignee === 'none') return 'unassigned';
  if (Array.isArray(f.team) && f.team.includes('mine')) return 'team';
  return 'all';
}
export const viewHref = (v: SavedView) => `/queues/${queueOfView(v.filters)}?view=${v.id}`;
export const viewIdOf = (search: string) => new URLSearchParams(search).get('view');

/** The queue page's own filter state from a view (status "active" = the active statuses). */
export function queueFiltersOf(v: SavedView, activeStatuses: readonly string[]) {
  const list = (x: unknown) => (Array.isArray(x) ? (x as string[]) : typeof x === 'string' ? [x] : []);
  const status = list(v.filters.status);
  const priority = list(v.filters.priority);
  const isActive = status.length === activeStatuses.length && activeStatuses.every((s) => status.includes(s));
  return {
    status: status.length === 0 ? 'any' : isActive ? 'active' : status[0]!,
    priority: priority[0] ?? 'any',
    text: typeof v.filters.text === 'string' ? v.filters.text : '',
    sort: v.sort ?? '-created',
  };
}
