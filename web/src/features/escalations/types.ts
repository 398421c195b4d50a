/**
 * Shapes of the escalation and notification APIs, from the server's presenters (type-only
 * imports, erased at build time). The draft's shape is declared inline in the route file, so it
 * is restated here; keep it in step with GET /api/v1/tickets/{id}/escalations/draft.
 */
import type { EscalationView } from '../../../../src/modules/escalations/escalations.presenter.js';
import type { NotificationView } from '../../../../src/modules/notifications/notifications.presenter.js';

export type { EscalationView as Escalation, NotificationView as Notification };
export type Brief = EscalationView['brief'];
export type BriefField = keyof Brief;
export type ImpactScope = Brief['impact']['scope'];
export const IMPACT_SCOPES: readonly ImpactScope[] = ['this_customer', 'several', 'many'];
export const RETURN_REASONS = ['not_needed', 'wrong_target', 'missing_information'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export interface TicketSummary {
  id: string;
  number: number;
  subject: string;
  status: string;
  priority: string;
  createdAt: string;
  updatedAt: string;
}
export interface Person {
  id: string;
  name: string;
}

/** One met condition of a path, put into words by describeFact (web/src/features/escalations/origin.ts). */
export interface MatchFact {
  code: string;
  values: string[];
}

/** Why the system started an escalation, or that it went directly to someone (no path). */
export interface EscalationOrigin {
  code: string;
  to?: string;
  path?: string;
  facts?: MatchFact[];
  clockKind?: string;
  event?: string;
  team?: string;
  transfers?: number;
  limit?: number;
}

export interface EscalationDraft {
  direct: { mySupervisors: Person[]; teams: Person[]; people: Person[] };
  ticketId: string;
  suggestedPathId: string | null;
  matches: { pathId: string; pathName: string; version: number; score: number; reasons: string[]; facts: MatchFact[] }[];
  path: { id: string; version: number; name: string; purpose: string; levels: { levelIndex: number; name: string; kind: string }[] } | null;
  level: {
    levelIndex: number;
    name: string;
    kind: string;
    contact: { department: string | null; person: string | null; phone: string | null; email: string | null };
    ackTimeoutSeconds: number;
    ackDueAt: string;
    requiredBriefFields: string[];
    targets: { key: string; receivers: Person[]; trace: string[] }[];
  } | null;
  brief: Brief;
  customerTickets: { open: TicketSummary[]; recent: TicketSummary[] };
}

/** Still needs someone: requested (waiting to be acknowledged) or acknowledged (being worked). */
export const isOpenEscalation = (e: Pick<EscalationView, 'status'>): boolean => e.status === 'requested' || e.status === 'acknowledged';
