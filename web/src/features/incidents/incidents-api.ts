/** Types and data hooks of the incidents screens (kept in this folder so the console's data layer can be swapped). */
import { useQuery, type QueryKey } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { qk } from '../../api/query-keys.js';
import { useSession } from '../../session.js';

export interface Localised {
  ja: string;
  en: string;
}
export interface IncidentUpdate {
  id: string;
  state: string;
  body: Localised;
  audience: 'internal' | 'public';
  nextUpdateAt: string | null;
  authorName: string | null;
  createdAt: string;
}
export interface Incident {
  id: string;
  title: string;
  summary: string;
  severity: string;
  state: 'active' | 'resolved' | 'closed';
  internalOnly: boolean;
  startedAt: string;
  declaredAt: string;
  problemRef: string | null;
  links: { label: string; url: string }[];
  services: { id: string; name: Localised; impact: string; status: string }[];
  roles: { role: string; userId: string; name: string; assignedAt: string }[];
  counts: { tickets: number; openTickets: number };
  cadence: { internalDueAt: string; customerDueAt: string | null; nextUpdateAt: string | null; updateIntervalMinutes: number; resolveDueAt: string };
  latestPublicUpdate: IncidentUpdate | null;
  resolution: Localised | null;
  resolvedAt: string | null;
  rcaState: string | null;
}
export interface Service {
  id: string;
  name: Localised;
  status: string;
}
export interface LinkedTicket {
  id: string;
  number: number;
  subject: string;
  status: string;
  requesterName: string | null;
  requesterLocale: string | null;
  excludeFromResolution: boolean;
}
export interface AffectedCustomer {
  id: string;
  name: string;
  email: string | null;
  locale: string;
  tier: string;
  organizationName: string | null;
  via: string[];
}
export interface Task {
  id: string;
  title: string;
  ownerId: string | null;
  ownerName: string | null;
  dueAt: string | null;
  state: string;
  overdue: boolean;
}
export interface IncidentEvent {
  id: string;
  kind: string;
  actorName: string | null;
  data: Record<string, unknown>;
  at: string;
}
export interface Rca {
  state: string;
  ownerId: string | null;
  dueAt: string;
  internal: Record<string, string>;
  customer: { ja: Record<string, string>; en: Record<string, string> };
  overdue: boolean;
}
export interface Candidate {
  reason: { kind: string; value: string };
  firstAt: string;
  lastAt: string;
  tickets: { id: string; number: number; subject: string }[];
}

/** One query's data with reload (TanStack Query: cached per key, aborted when the screen goes away). */
export function useIncidentData<T>(queryKey: QueryKey, fetcher: (signal: AbortSignal) => Promise<T>) {
  const q = useQuery({ queryKey, queryFn: ({ signal }) => fetcher(signal) });
  return { data: q.data ?? null, error: q.error, reload: () => void q.refetch() };
}

export function useIncidentPage(id: string) {
  const { client } = useSession();
  return useIncidentData(
    qk.incidents.page(id),
    async (signal) => {
      const incidentP = client.get<Incident>(`/api/v1/incidents/${id}`, undefined, signal);
      // The RCA is asked for only once the incident says it has one (before that the API answers 404).
      const rcaP = incidentP.then((i) => (i.rcaState ? client.get<Rca>(`/api/v1/incidents/${id}/rca`, undefined, signal).catch(() => null) : null));
      const [incident, tickets, customers, tasks, updates, timeline, rca, suggested] = await Promise.all([
        incidentP,
        client.get<{ items: LinkedTicket[] }>(`/api/v1/incidents/${id}/tickets`, { limit: 200 }, signal),
        client.get<{ items: AffectedCustomer[] }>(`/api/v1/incidents/${id}/customers`, undefined, signal).catch(() => ({ items: [] })),
        client.get<{ items: Task[] }>(`/api/v1/incidents/${id}/tasks`, undefined, signal),
        client.get<{ items: IncidentUpdate[] }>(`/api/v1/incidents/${id}/updates`, undefined, signal),
        client.get<{ items: IncidentEvent[] }>(`/api/v1/incidents/${id}/timeline`, undefined, signal),
        rcaP,
        client.get<{ items: { id: string; number: number; subject: string; reasons: string[] }[] }>(`/api/v1/incidents/${id}/suggested-tickets`, undefined, signal),
      ]);
      return { incident, tickets: tickets.items, customers: customers.items, tasks: tasks.items, updates: updates.items, timeline: timeline.items, rca, suggested: suggested.items };
    },
  );
}

/** Now, ticking every second (the cadence countdown). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

/** "12:04" left, or "-03:10" overdue. */
export function countdown(dueIso: string, now: number): { text: string; overdue: boolean } {
  const ms = Date.parse(dueIso) - now;
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const s = Math.floor((abs % 60_000) / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { text: `${ms < 0 ? '-' : ''}${h > 0 ? `${h}:` : ''}${pad(m)}:${pad(s)}`, overdue: ms < 0 };
}
