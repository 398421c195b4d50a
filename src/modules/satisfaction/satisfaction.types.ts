/** CSAT (issue 18): the survey after a solved ticket. */
export const RATINGS = ['good', 'bad'] as const;
export type Rating = (typeof RATINGS)[number];

/** Why a bad rating was given (the page offers these). */
export const BAD_REASONS = ['slow', 'not_resolved', 'unhelpful', 'rude', 'other'] as const;
export type BadReason = (typeof BAD_REASONS)[number];

export const SURVEY_STATES = ['scheduled', 'sent', 'skipped', 'rated'] as const;
export type SurveyState = (typeof SURVEY_STATES)[number];

/** Why no survey went out (stored as a code; the console says it in the reader's language). */
export const SKIP_REASONS = ['disabled', 'spam', 'merged', 'no_address', 'erased', 'bouncing', 'automated', 'fatigue', 'major_incident'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type FollowUp = { kind: 'note' } | { kind: 'escalation'; pathId: string };

/** Workspace settings (settings key `satisfaction`), changed by administrators (audited). */
export interface SatisfactionSettings {
  enabled: boolean;
  /** Hours after the solve the survey goes out. */
  delayHours: number;
  /** At most one survey per customer per this many days. */
  fatigueDays: number;
  /** Days the rating link stays usable. */
  linkDays: number;
  /** What a bad rating opens for the team. */
  followUp: FollowUp;
}

// Off until an administrator turns it on: mailing customers is the desk's decision.
export const DEFAULT_SETTINGS: SatisfactionSettings = { enabled: false, delayHours: 24, fatigueDays: 30, linkDays: 14, followUp: { kind: 'note' } };

export const SATISFACTION_SETTINGS_KEY = 'satisfaction';
export const SURVEY_JOB = 'satisfaction.send';
export const FOLLOW_UP_JOB = 'satisfaction.follow_up';
