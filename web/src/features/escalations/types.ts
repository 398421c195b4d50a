/**
 * Shapes of the escalation and notification APIs, from the server's presenters (type-only
 * imports, erased at build time); the draft's from the generated OpenAPI types.
 */
import type { EscalationView } from '../../../../src/modules/escalations/escalations.presenter.js';
import type { ApiJson } from '../../api/typed.js';
import type { NotificationView } from '../../../../src/modules/notifications/notifications.presenter.js';

export type { EscalationView as Escalation, NotificationView as Notification };
export type Brief = EscalationView['brief'];
export type BriefField = keyof Brief;
export type ImpactScope = Brief['impact']['scope'];
export const IMPACT_SCOPES: readonly ImpactScope[] = ['this_customer', 'several', 'many'];
export const RETURN_REASONS = ['not_needed', 'wrong_target', 'missing_information'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** GET /api/v1/tickets/{id}/escalations/draft, typed by the server's OpenAPI document. */
export type EscalationDraft = ApiJson<'/api/v1/tickets/{id}/escalations/draft'>;
export type TicketSummary = EscalationDraft['customerTickets']['open'][number];
export type Person = EscalationDraft['direct']['people'][number];

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
  incident?: string;
  severity?: string;
}

/** Still needs someone: requested (waiting to be acknowledged) or acknowledged (being worked). */
export const isOpenEscalation = (e: Pick<EscalationView, 'status'>): boolean => e.status === 'requested' || e.status === 'acknowledged';
