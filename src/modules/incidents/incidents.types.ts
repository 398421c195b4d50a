/** Domain types of major incidents (issue 17, DESIGN.md §7). */
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_STATES = ['active', 'resolved', 'closed'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

export const TASK_FORCE_ROLES = ['commander', 'communications_lead', 'technical_lead', 'customer_liaison', 'scribe'] as const;
export type TaskForceRole = (typeof TASK_FORCE_ROLES)[number];

export const UPDATE_STATES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type UpdateState = (typeof UPDATE_STATES)[number];

export const UPDATE_AUDIENCES = ['internal', 'public'] as const;
export type UpdateAudience = (typeof UPDATE_AUDIENCES)[number];

export const TASK_STATES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const SLA_RULES = ['pause', 'continue'] as const;
export type SlaRule = (typeof SLA_RULES)[number];

export const IMPACTS = ['degraded', 'partial_outage', 'major_outage', 'maintenance'] as const;
export type Impact = (typeof IMPACTS)[number];

export interface Localised {
  ja: string;
  en: string;
}

/** What a severity means in this workspace, and its communication and resolution targets. */
export interface SeverityDefinition {
  meaning: Localised;
  /** Internal stakeholders hear within this many minutes of the declaration. */
  firstInternalMinutes: number;
  /** Affected customers hear within this many minutes of the declaration. */
  firstCustomerMinutes: number;
  /** After an update, the next one is due within this many minutes (unless it names a time). */
  updateIntervalMinutes: number;
  /** Resolution target from the start of the incident. */
  resolveTargetMinutes: number;
  /** The escalation path taken when the resolution target passes; absent or null: the workspace's default path. */
  escalationPathId?: string | null;
}

/** The cadence of one incident: its severity's targets when declared (a snapshot). */
export type CadenceTargets = Omit<SeverityDefinition, 'meaning'> & { commanderAfterMinutes: number };

export interface CandidateSettings {
  /** Suggest an incident when at least this many new tickets… */
  minTickets: number;
  /** …arrived within this many minutes… */
  windowMinutes: number;
  /** …sharing a category or product, or with subjects at least this similar (0–1). */
  subjectSimilarity: number;
}

export interface IncidentSettings {
  severities: Record<Severity, SeverityDefinition>;
  /** An overdue update reminds the communications lead, then the commander this many minutes later. */
  commanderAfterMinutes: number;
  /** SLA clocks of linked tickets: paused while linked, or continue. */
  slaRule: SlaRule;
  candidates: CandidateSettings;
  /** The escalation path taken when an incident passes its resolution target (null: none), unless its severity names its own. */
  escalationPathId: string | null;
  /** The team of outreach tickets when no affected service has an owner team and the commander is in none (null: none). */
  outreachTeamId: string | null;
}

export interface CandidateTicket {
  id: string;
  number: number;
  subject: string;
  category: string | null;
  product: string | null;
  createdAt: number;
}

export interface Candidate {
  /** What the tickets share: a category, a product, or similar subjects. */
  reason: { kind: 'category' | 'product' | 'subject'; value: string };
  ticketIds: string[];
  firstAt: number;
  lastAt: number;
}
