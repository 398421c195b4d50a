/**
 * Domain types of the escalation engine: paths, levels, targets, briefs, rotations, the
 * directory snapshot the resolver reads, and the engine's state, events and effects.
 * Everything here is plain data (JSON-safe) so a path version can be snapshotted when an
 * escalation starts and replayed later.
 */
import type { Channel, Priority, Temperature } from '../tickets/index.js';
import type { Availability } from '../users/index.js';

export type { Availability, Channel, Priority, Temperature };

// Mirrors of the ticket enums: the pure core must not load the tickets module at run time.
// The checks below fail to compile if the two drift apart.
export const PATH_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const satisfies readonly Priority[];
export const PATH_CHANNELS = ['email', 'web', 'chat', 'phone', 'api'] as const satisfies readonly Channel[];
export const CUSTOMER_TEMPERATURES = [
  'calm',
  'concerned',
  'upset',
  'angry',
] as const satisfies readonly Temperature[];
export const AVAILABILITIES = ['available', 'busy', 'away', 'off'] as const satisfies readonly Availability[];
type Exhaustive<Listed, All> = [All] extends [Listed] ? true : never;
const _enumsMirrorTickets: [
  Exhaustive<(typeof PATH_PRIORITIES)[number], Priority>,
  Exhaustive<(typeof PATH_CHANNELS)[number], Channel>,
  Exhaustive<(typeof CUSTOMER_TEMPERATURES)[number], Temperature>,
  Exhaustive<(typeof AVAILABILITIES)[number], Availability>,
] = [true, true, true, true];

export const LEVEL_KINDS = ['functional', 'hierarchical'] as const;
export type LevelKind = (typeof LEVEL_KINDS)[number];

export const TARGET_ROLES = ['manager_of_current_team', 'supervisor_of_assignee'] as const;
export type TargetRole = (typeof TARGET_ROLES)[number];

export const TAG_MODES = ['any', 'all'] as const;
export type TagMode = (typeof TAG_MODES)[number];

export const IMPACT_SCOPES = ['this_customer', 'several', 'many'] as const;
export type ImpactScope = (typeof IMPACT_SCOPES)[number];

export const RETURN_REASONS = ['not_needed', 'wrong_target', 'missing_information'] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** The fields of a brief a level may make mandatory. */
export const BRIEF_FIELDS = [
  'category',
  'ask',
  'concern',
  'tried',
  'environment',
  'background',
  'customerTemperature',
  'impact',
  'links',
] as const;
export type BriefField = (typeof BRIEF_FIELDS)[number];

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
// Paths

export type Target =
  | { type: 'team'; teamId: string }
  | { type: 'user'; userId: string }
  | { type: 'rotation'; rotationId: string }
  | { type: 'role'; role: TargetRole };

export interface LevelContact {
  department: string | null;
  person: string | null;
  phone: string | null;
  email: string | null;
}

/**
 * What happens when nobody acknowledges within `ackTimeoutSeconds`: the target is reminded
 * `repeatReminders` times, `reminderIntervalSeconds` apart; one interval after the last
 * reminder (at once if there are none) its grace is over and, if `advance`, the next level
 * is reached.
 */
export interface OnTimeout {
  advance: boolean;
  repeatReminders: number;
  reminderIntervalSeconds: number;
  /**
   * Growth of the wait after each reminder (default 1: evenly spaced). With 2 the waits are
   * interval, 2×interval, 4×interval… so a reminder chases without flooding.
   */
  reminderBackoff?: number;
}

export interface Level {
  name: string;
  kind: LevelKind;
  targets: Target[];
  contact: LevelContact;
  ackTimeoutSeconds: number;
  /** Business calendar the timings run on; null = wall-clock time. */
  calendarId: string | null;
  onTimeout: OnTimeout;
  requiredBriefFields: BriefField[];
}

/**
 * When a path applies. Every non-empty list is a condition; all conditions must hold
 * (AND across fields, OR within a field, except tags with `tagMode: 'all'`). A path with no
 * conditions matches every ticket (a catch-all).
 */
export interface PathConditions {
  categories: string[];
  products: string[];
  tags: string[];
  tagMode: TagMode;
  priorities: Priority[];
  channels: Channel[];
  customerTiers: string[];
  customerTemperatures: Temperature[];
  /** Case-insensitive substrings of the subject or body (NFKC-normalised, so ＲＥＦＵＮＤ = refund). */
  keywords: string[];
}

/** What an administrator writes; validated by `validatePath` and `PathDefinitionSchema`. */
export interface PathDefinition {
  name: string;
  purpose: string;
  ownerId: string;
  reviewIntervalDays: number;
  active: boolean;
  conditions: PathConditions;
  levels: Level[];
  fallbackUserIds: string[];
  fallbackTeamId: string | null;
  /** Escalate automatically when a ticket is created or changed and matches (non-empty conditions only). */
  autoEscalate?: boolean;
}

/** One stored version of a path. */
export interface Path extends PathDefinition {
  id: string;
  version: number;
}

/** The ticket fields path matching reads. */
export interface MatchTicket {
  category: string | null;
  product: string | null;
  tags: string[];
  priority: Priority;
  channel: Channel;
  customerTier: string | null;
  temperature: Temperature;
  subject: string;
  body: string;
}

/** One met condition of a path: `field` names what matched, `values` what the ticket had. */
export const MATCH_FACT_CODES = ['category', 'product', 'tag', 'tags_all', 'priority', 'channel', 'customer_tier', 'customer_temperature', 'keyword_subject', 'keyword_body', 'no_conditions'] as const;
export interface MatchFact {
  code: (typeof MATCH_FACT_CODES)[number];
  values: string[];
}

export interface PathMatch {
  pathId: string;
  pathName: string;
  version: number;
  /** How many conditions the path states (and the ticket met): more specific paths first. */
  score: number;
  reasons: string[];
  /** The same reasons as facts, for the reader's language. */
  facts: MatchFact[];
}

/** `added` / `removed`: the field or level exists only after / only before (no `before` / `after`). */
export type PathChangeKind = 'added' | 'removed' | 'changed';

export interface FieldChangeOfPath {
  path: string;
  change: PathChangeKind;
  before?: unknown;
  after?: unknown;
}

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

// ---------------------------------------------------------------------------------------
// Rotations

export type ShiftLength = { unit: 'seconds'; seconds: number } | { unit: 'days'; days: number };

export interface RotationOverride {
  userId: string;
  startMs: number;
  endMs: number;
}

export interface Rotation {
  id: string;
  name: string;
  /** Members in order; shift k belongs to members[k mod n]. */
  members: string[];
  shift: ShiftLength;
  /** Local hand-off time "HH:mm" in `timeZone`. */
  handoffTime: string;
  timeZone: string;
  /** Local date "YYYY-MM-DD" of the first hand-off. */
  startDate: string;
  /** Team whose available members cover when the on-call person is unreachable. */
  teamId: string | null;
  overrides: RotationOverride[];
}

export interface Handoff {
  atMs: number;
  fromUserId: string | null;
  toUserId: string | null;
  cause: 'shift' | 'override_start' | 'override_end';
}

// ---------------------------------------------------------------------------------------
// Directory snapshot (read by validation and the resolver)

export interface DirectoryIds {
  userIds: ReadonlySet<string> | readonly string[];
  teamIds: ReadonlySet<string> | readonly string[];
  rotationIds: ReadonlySet<string> | readonly string[];
}

export interface OutOfOffice {
  startMs: number;
  endMs: number;
  delegateUserId: string | null;
}

export interface DirectoryUser {
  id: string;
  name: string;
  availability: Availability;
  /** Inactive (deactivated) users are never reached. Absent = active. */
  active?: boolean;
  outOfOffice: OutOfOffice[];
  /** Standing delegate used when the user is away/off without an out-of-office window. */
  delegateUserId?: string | null;
}

export interface DirectoryTeam {
  id: string;
  name: string;
  memberIds: string[];
  managerIds: string[];
  supervisorIds: string[];
}

export interface Directory {
  users: Readonly<Record<string, DirectoryUser>>;
  teams: Readonly<Record<string, DirectoryTeam>>;
  rotations: Readonly<Record<string, Rotation>>;
}

/** The ticket the escalation is about, as far as relative targets need it. */
export interface TicketContext {
  currentTeamId: string | null;
  assigneeId: string | null;
}

/** Why a person cannot be reached now. */
export type Unavailability = 'unknown' | 'deactivated' | 'on_leave' | 'away' | 'off';

/**
 * One step of "why these receivers", as facts with names (as they were at the time), so the
 * console can put it into the reader's language; `trace` holds the English sentences.
 */
export type TraceFact =
  | { code: 'delegate_loop'; name: string }
  | { code: 'reachable'; role: 'user' | 'delegate'; name: string }
  | { code: 'unavailable'; role: 'user' | 'delegate'; name: string; why: Unavailability; delegate?: string }
  | { code: 'team_unknown'; team: string }
  | { code: 'team_reachable'; team: string; names: string[]; skipped: { name: string; why: Unavailability }[] }
  | { code: 'team_nobody'; team: string }
  | { code: 'no_current_team' }
  | { code: 'team_no_manager'; team: string }
  | { code: 'no_assignee' }
  | { code: 'no_supervisor'; name: string }
  | { code: 'rotation_unknown'; rotation: string }
  | { code: 'on_call'; rotation: string; name: string }
  | { code: 'nobody_on_call'; rotation: string }
  | { code: 'target_nobody' }
  | { code: 'fallback' }
  | { code: 'fallback_user_unavailable'; name: string; why: Unavailability }
  | { code: 'fallback_everyone' }
  | { code: 'fallback_admins_only' };

export interface TargetResolution {
  key: string;
  target: Target;
  receivers: string[];
  /** Why these receivers, for the simulator: "user Sato is on leave → delegate Tanaka". */
  trace: string[];
  traceFacts: TraceFact[];
}

export type LevelResolution =
  | { kind: 'reached'; levelIndex: number; targets: TargetResolution[]; receivers: string[] }
  | { kind: 'advance'; levelIndex: number; targets: TargetResolution[]; receivers: [] };

export interface FallbackResolution {
  kind: 'fallback';
  adminAlert: true;
  receivers: string[];
  trace: string[];
  traceFacts: TraceFact[];
}

/**
 * `addSeconds(startMs, seconds, levelIndex)`: business-calendar or wall-clock arithmetic,
 * injected. `levelIndex` says whose calendar applies (each level may name its own).
 */
export type AddSeconds = (startMs: number, seconds: number, levelIndex?: number) => number;

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
  | { code: 'pingpong'; team: string; transfers: number; limit: number };

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
