/**
 * Data of the services catalogue and incident settings screens (issue 17): shapes taken from the
 * server's presenters and types, TanStack Query hooks, and mutations that invalidate the incident
 * screens' queries (the declare form lists the services, incident pages show their status).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ServiceView } from '../../../../src/modules/services/services.presenter.js';
import type { ServiceStatus } from '../../../../src/modules/services/services.types.js';
import type { IncidentSettings, Severity, SeverityDefinition, SlaRule } from '../../../../src/modules/incidents/incidents.types.js';
import type { PathView } from '../../../../src/modules/paths/paths.presenter.js';
import { qk } from '../../api/query-keys.js';
import { useSession } from '../../session.js';

export type Service = ServiceView;
export type { IncidentSettings, Severity, SeverityDefinition, ServiceStatus, SlaRule };

export const SERVICE_STATUSES: readonly ServiceStatus[] = ['operational', 'degraded', 'partial_outage', 'major_outage', 'maintenance'];
export const SEVERITY_LEVELS: readonly Severity[] = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];
export const SLA_RULE_OPTIONS: readonly SlaRule[] = ['pause', 'continue'];

/** Who may add, change and remove services (the server's services.manage). */
export const mayManageServices = (role: string): boolean => role === 'manager' || role === 'admin';

/** What the add and edit forms send (POST and PATCH /api/v1/services). */
export interface ServiceInput {
  nameJa: string;
  nameEn: string;
  descriptionJa: string;
  descriptionEn: string;
  ownerTeamId: string | null;
  status: ServiceStatus;
  position: number;
}

export function useServices() {
  const { client } = useSession();
  return useQuery({ queryKey: qk.incidents.services(), queryFn: ({ signal }) => client.get<{ items: Service[] }>('/api/v1/services', undefined, signal) });
}

export function useSaveService() {
  const { client } = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: ServiceInput }) =>
      id === null ? client.post<Service>('/api/v1/services', input) : client.patch<Service>(`/api/v1/services/${encodeURIComponent(id)}`, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: qk.incidents.all }),
  });
}

export function useRemoveService() {
  const { client } = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => client.delete(`/api/v1/services/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: qk.incidents.all }),
  });
}

export function useIncidentSettings() {
  const { client } = useSession();
  return useQuery({ queryKey: qk.incidents.settings(), queryFn: ({ signal }) => client.get<IncidentSettings>('/api/v1/incidents/settings', undefined, signal) });
}

export function useSaveIncidentSettings() {
  const { client } = useSession();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (settings: IncidentSettings) => client.put<IncidentSettings>('/api/v1/incidents/settings', settings),
    onSuccess: (saved) => {
      qc.setQueryData(qk.incidents.settings(), saved);
      return qc.invalidateQueries({ queryKey: qk.incidents.all });
    },
  });
}

/** The active escalation paths an incident can take when it passes its resolution target. */
export function useActivePaths() {
  const { client } = useSession();
  return useQuery({
    queryKey: qk.admin('escalation-paths', 'active'),
    queryFn: ({ signal }) => client.get<{ items: PathView[] }>('/api/v1/escalation-paths', { active: true }, signal).then((r) => r.items),
  });
}
