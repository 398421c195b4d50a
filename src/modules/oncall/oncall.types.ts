/**
 * Domain types of on-call: rotations, the directory snapshot the resolver reads (people,
 * availability, out-of-office, teams) and the resolver's results with their trace facts.
 */
import type { Availability } from '../users/index.js';
import type { Target } from '../paths/index.js';

export type { Availability };

export const AVAILABILITIES = ['available', 'busy', 'away', 'off'] as const satisfies readonly Availability[];
type Exhaustive<Listed, All> = [All] extends [Listed] ? true : never;
const _enumsMirrorUsers: [Exhaustive<(typeof AVAILABILITIES)[number], Availability>] = [true];

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
