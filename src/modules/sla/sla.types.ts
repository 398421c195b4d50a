import type { CalendarDefinition } from '../calendars/index.js';
import type { Tx } from '../../db/database.js';
import type { CLOCK_KINDS, SlaActions, SlaConditions, SlaTargets, SlaWarning, SlaWarnings } from './sla.schema.js';

export type ClockKind = (typeof CLOCK_KINDS)[number];
export type ClockState = 'running' | 'paused' | 'met' | 'breached';

export interface SlaPolicy {
  id: string;
  name: string;
  position: number;
  active: boolean;
  conditions: SlaConditions;
  targets: SlaTargets;
  pauseStatuses: string[];
  warnings: SlaWarnings;
  actions: SlaActions;
  version: number;
}

/** What policy conditions are matched against. */
export interface TicketFacts {
  priority: string;
  category: string | null;
  product: string | null;
  channel: string;
  teamId: string | null;
  customerTier: string | null;
  tags: string[];
}

/** One clock's target as snapshotted: seconds and the calendar definition (null = 24/7). */
export interface TargetSnapshot {
  seconds: number;
  calendarId: string | null;
  calendar: CalendarDefinition | null;
}

/**
 * The policy as applied to one ticket (stored on ticket_sla). Later edits of the policy or
 * of its calendars do not change it; an explicit re-apply replaces it.
 */
export interface PolicySnapshot {
  policyId: string;
  policyName: string;
  policyVersion: number;
  pauseStatuses: string[];
  targets: Partial<Record<ClockKind, TargetSnapshot>>;
  warnings: Partial<Record<ClockKind, SlaWarning[]>>;
  actions: SlaActions;
}

/** The accounting of one clock: business time consumed in closed segments plus the open one. */
export interface ClockTiming {
  targetSeconds: number;
  /** Business milliseconds consumed before the current running segment. */
  consumedMs: number;
  /** Start of the current running segment; null while not counting (paused, met). */
  segmentStartedAt: number | null;
}

export type SlaEvent = 'warning' | 'breach';

/**
 * The escalation engine's entry point for SLA actions of type `escalate`. Runs inside the
 * warning's or breach's transaction. The container sets it (issue 4's engine); until then a
 * timeline note records the request.
 */
export type SlaEscalationTrigger = (
  tx: Tx,
  input: { ticketId: string; clockKind: ClockKind; event: SlaEvent; pathId?: string; levelIndex?: number; now: number },
) => Promise<void>;
