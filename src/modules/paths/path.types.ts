/**
 * Domain types of escalation paths: levels, targets, conditions and matching. Plain data
 * (JSON-safe) so a path version can be snapshotted when an escalation starts.
 */
import type { Channel, Priority, Temperature } from '../tickets/index.js';

export type { Channel, Priority, Temperature };

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
type Exhaustive<Listed, All> = [All] extends [Listed] ? true : never;
const _enumsMirrorTickets: [
  Exhaustive<(typeof PATH_PRIORITIES)[number], Priority>,
  Exhaustive<(typeof PATH_CHANNELS)[number], Channel>,
  Exhaustive<(typeof CUSTOMER_TEMPERATURES)[number], Temperature>,
] = [true, true, true];

export const LEVEL_KINDS = ['functional', 'hierarchical'] as const;
export type LevelKind = (typeof LEVEL_KINDS)[number];

export const TARGET_ROLES = ['manager_of_current_team', 'supervisor_of_assignee'] as const;
export type TargetRole = (typeof TARGET_ROLES)[number];

export const TAG_MODES = ['any', 'all'] as const;
export type TagMode = (typeof TAG_MODES)[number];

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


/** A knowledge article as the playbook links it (the knowledge module provides them). */
export interface PlaybookArticle {
  id: string;
  titleJa: string;
  titleEn: string;
}
