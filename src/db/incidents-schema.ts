import type { Generated } from 'kysely';

/**
 * Row types of the major-incident tables (migration 0020). Kept beside schema.ts and merged
 * into its Database interface, so the incidents and services modules add tables without
 * editing the shared file.
 */
export interface ServicesTable {
  id: string;
  name_ja: string;
  name_en: string;
  description_ja: string;
  description_en: string;
  owner_team_id: string | null;
  status: string; // operational | degraded | partial_outage | major_outage | maintenance
  position: number;
  created_at: number;
  updated_at: number;
}

export interface IncidentsTable {
  id: string;
  title: string;
  summary: string;
  severity: string;
  state: string; // active | resolved | closed
  internal_only: number;
  started_at: number;
  declared_at: number;
  declared_by: string | null;
  problem_ref: string | null;
  links: string; // JSON { label, url }[]
  cadence: string; // JSON CadenceTargets (snapshot of the severity's targets)
  last_internal_update_at: number | null;
  last_customer_update_at: number | null;
  next_update_at: number | null;
  resolution: string | null; // JSON { ja, en }
  resolved_at: number | null;
  resolved_by: string | null;
  closed_at: number | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface IncidentServicesTable {
  incident_id: string;
  service_id: string;
  impact: string;
  status_before: string;
}

export interface IncidentTicketsTable {
  incident_id: string;
  ticket_id: string;
  linked_by: string | null;
  linked_at: number;
  exclude_from_resolution: Generated<number>;
}

export interface IncidentAudiencesTable {
  incident_id: string;
  kind: string; // organization | tier
  ref: string;
  added_by: string | null;
  added_at: number;
}

export interface IncidentRolesTable {
  incident_id: string;
  role: string;
  user_id: string;
  assigned_by: string | null;
  assigned_at: number;
}

export interface IncidentTasksTable {
  id: string;
  incident_id: string;
  kind: string; // action | corrective
  title: string;
  owner_id: string | null;
  due_at: number | null;
  state: string; // open | in_progress | done | cancelled
  created_by: string | null;
  created_at: number;
  updated_at: number;
  done_at: number | null;
}

export interface IncidentUpdatesTable {
  id: string;
  incident_id: string;
  state: string;
  body_ja: string;
  body_en: string;
  audience: string; // internal | public
  next_update_at: number | null;
  author_id: string | null;
  created_at: number;
}

export interface IncidentEventsTable {
  id: string;
  incident_id: string;
  kind: string;
  actor_id: string | null;
  data: string;
  created_at: number;
}

export interface IncidentSubscribersTable {
  incident_id: string;
  kind: string; // user | team
  ref_id: string;
}

export interface IncidentRcasTable {
  incident_id: string;
  owner_id: string | null;
  due_at: number;
  state: string;
  internal: string;
  customer: string;
  requested_by: string | null;
  approved_by: string | null;
  approved_at: number | null;
  shared_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface StatusSubscribersTable {
  id: string;
  email: string;
  locale: string;
  service_id: string | null;
  confirm_hash: string | null;
  unsubscribe_hash: string;
  confirmed_at: number | null;
  created_at: number;
}

export interface SlaHoldsTable {
  ticket_id: string;
  source: string;
  created_at: number;
}

declare module './schema.js' {
  interface Database {
    services: ServicesTable;
    incidents: IncidentsTable;
    incident_services: IncidentServicesTable;
    incident_tickets: IncidentTicketsTable;
    incident_audiences: IncidentAudiencesTable;
    incident_roles: IncidentRolesTable;
    incident_tasks: IncidentTasksTable;
    incident_updates: IncidentUpdatesTable;
    incident_events: IncidentEventsTable;
    incident_subscribers: IncidentSubscribersTable;
    incident_rcas: IncidentRcasTable;
    status_subscribers: StatusSubscribersTable;
    sla_holds: SlaHoldsTable;
  }
}
