/**
 * Domain types of the escalation engine: briefs and the engine's state, events and effects.
 * Everything here is plain data (JSON-safe) so a path version can be snapshotted when an
 * escalation starts and replayed later.
 */
import type { Temperature } from '../tickets/index.js';
import type { Level, MatchFact, Target } from '../paths/index.js';
import type { AddSeconds, Directory, TicketContext, TraceFact } from '../oncall/index.js';

export const IMPACT_SCOPES = ['this_customer', 'several', 'many'] as const;
export type ImpactScope = (typeof IMPACT_SCOPES)[number];

export const RETURN_REASONS = ['not_needed', 'wrong_target', 'missing_information'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** Size limits of a brief (characters, except `links` which counts entries). */
export const BRIEF_LIMITS = {
  category: 200,
  ask: 2000,
  concern: 5000,
  tried: 10000,
  environment: 5000,
  background: 20000,
  impactNote: 2000,
  links: 50,
  linkUrl: 2000,
  linkLabel: 200,
} as const;

// ---------------------------------------------------------------------------------------
// Brief

export interface BriefLink {
  url: string;
  label: string;
}

export interface Brief {
  category: string;
  /** The decision or action needed: the conclusion first. */
  ask: string;
  concern: string;
  tried: string;
  environment: string;
  background: string;
  customerTemperature: Temperature;
  impact: { scope: ImpactScope; revenueRisk: boolean; legalRisk: boolean; note: string };
  links: BriefLink[];
}

/** A background the server wrote from the timeline, in both languages: the console shows the reader's. */
export interface GeneratedBackground {
  ja: string;
  en: string;
}
/** The brief as stored: a server-written background also keeps both languages. */
export type StoredBrief = Brief & { backgroundByLang?: GeneratedBackground };

// ---------------------------------------------------------------------------------------
// Engine

/** The part of a path version an escalation keeps for its whole life. */
/**
 * Why an escalation exists when nobody wrote it by hand, as facts the reader's console or
 * template puts into words in the reader's language (never an English sentence stored).
 */
export type EscalationOrigin =
  | { code: 'direct'; to: 'my_supervisor' | Target['type'] }
  | { code: 'auto'; path: string; facts: MatchFact[] }
  | { code: 'sla'; path: string; clockKind: string; event: 'warning' | 'breach' }
  | { code: 'pingpong'; team: string; transfers: number; limit: number }
  /** A major incident passed its severity's resolution target (issue 17). */
  | { code: 'incident'; path: string; incident: string; severity: string };

export interface EscalationSnapshot {
  pathId: string;
  pathVersion: number;
  pathName: string;
  /** Absent on escalations started along a path by hand (and on rows written before it existed). */
  origin?: EscalationOrigin;
  levels: Level[];
  fallbackUserIds: string[];
  fallbackTeamId: string | null;
}

export const ESCALATION_STATUSES = [
  'pending',
  'requested',
  'acknowledged',
  'resolved',
  'returned',
  'cancelled',
] as const;
export type EscalationStatus = (typeof ESCALATION_STATUSES)[number];
export const FINISHED_STATUSES: readonly EscalationStatus[] = ['resolved', 'returned', 'cancelled'];

/**
 * waiting: notified, ack timer running · reminding: past the ack timeout, reminders running ·
 * acknowledged · expired: grace over without an acknowledgement · unreachable: nobody to notify.
 */
export type TargetPhase = 'waiting' | 'reminding' | 'acknowledged' | 'expired' | 'unreachable';

export interface TargetState {
  key: string;
  /** null for the fallback stage's single pseudo target. */
  target: Target | null;
  receivers: string[];
  trace: string[];
  /** Absent on escalations started before trace facts existed. */
  traceFacts?: TraceFact[];
  phase: TargetPhase;
  remindersSent: number;
  acknowledgedBy: string | null;
  acknowledgedMs: number | null;
}

export interface EscalationState {
  status: EscalationStatus;
  /** 'fallback' once every level is exhausted; levelIndex then equals levels.length. */
  stage: 'level' | 'fallback';
  levelIndex: number;
  levelStartedMs: number | null;
  requestedBy: string | null;
  requestedMs: number | null;
  acknowledgedMs: number | null;
  finishedMs: number | null;
  /** Automatic steps stopped on a level whose onTimeout.advance is false. */
  stalled: boolean;
  targets: TargetState[];
  returned: { userId: string; reason: ReturnReason; text: string } | null;
  /** The receiver's answer given on resolving (absent on escalations stored before it existed). */
  resolved?: { userId: string; answer: string | null } | null;
}

export type TimerKind = 'ack_timeout' | 'reminder_due';

export type EscalationEvent =
  | { type: 'requested'; requestedBy: string | null; /** start at this level (default 0) */ levelIndex?: number }
  | { type: 'ack_timeout'; levelIndex: number; targetKey: string }
  | { type: 'reminder_due'; levelIndex: number; targetKey: string }
  | { type: 'acknowledged'; userId: string; targetKey?: string }
  | { type: 'returned'; userId: string; reason: ReturnReason; text: string }
  | { type: 'resolved'; userId: string; answer?: string | null }
  | { type: 'advanced'; userId: string | null; reason?: string }
  | { type: 'cancelled'; userId: string | null };

export type NotifyReason =
  'requested' | 'reminder' | 'fallback' | 'acknowledged' | 'returned' | 'resolved' | 'cancelled' | 'target_expired';

/** Timeline kinds the engine records (dotted, past tense). */
export type EscalationTimelineKind =
  | 'escalation.requested'
  | 'escalation.level_reached'
  | 'escalation.level_skipped'
  | 'escalation.reminded'
  | 'escalation.target_expired'
  | 'escalation.target_acknowledged'
  | 'escalation.acknowledged'
  | 'escalation.advanced'
  | 'escalation.stalled'
  | 'escalation.fallback'
  | 'escalation.returned'
  | 'escalation.resolved'
  | 'escalation.cancelled';

/**
 * Timer keys are relative to one escalation ("1:team:t-billing:reminder:2"); the service
 * prefixes them with the escalation id to make the jobs table's dedupe key.
 */
export type Effect =
  | {
      type: 'schedule_timer';
      kind: TimerKind;
      dueMs: number;
      key: string;
      levelIndex: number;
      targetKey: string;
    }
  | { type: 'cancel_timers'; keyPrefix: string }
  | {
      type: 'notify';
      userIds: string[];
      reason: NotifyReason;
      levelIndex: number;
      targetKey: string | null;
      adminAlert: boolean;
      /** The department (team or person) a target_expired notice is about, by name. */
      targetName?: string;
    }
  | { type: 'record'; kind: EscalationTimelineKind; data: Record<string, unknown> }
  | { type: 'advance'; fromLevel: number; toLevel: number; reason: 'timeout' | 'manual' | 'unreachable' }
  | { type: 'fallback'; userIds: string[]; adminAlert: true };

export interface StepContext {
  now: number;
  addSeconds: AddSeconds;
  directory: Directory;
  ticket: TicketContext;
}

export interface StepResult {
  state: EscalationState;
  effects: Effect[];
}
