/** Domain types of notifications: intents, channels, preferences and deliveries. */

export const CHANNELS = ['in_app', 'email', 'slack', 'teams'] as const;
export type UserChannel = (typeof CHANNELS)[number];
export type DeliveryChannel = 'email' | 'slack' | 'teams' | 'webhook';

export const DELIVERY_STATES = ['pending', 'queued', 'failed', 'done', 'dead', 'dropped', 'bounced'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export const RECIPIENT_ROLES = ['assignee', 'team', 'team_manager'] as const;
export type RecipientRole = (typeof RECIPIENT_ROLES)[number];

export const TEAM_CHANNEL_KINDS = ['slack_webhook', 'slack_bot', 'teams_webhook'] as const;
export type TeamChannelKind = (typeof TEAM_CHANNEL_KINDS)[number];

export interface QuietHours {
  /** Local HH:MM in the person's time zone; a window may cross midnight (22:00–07:00). */
  start: string;
  end: string;
}

export interface NotificationPreferences {
  /** Channels per event ('escalation.requested'), per family ('escalation.*') or '*'. */
  channels: Record<string, UserChannel[]>;
  quietHours: QuietHours | null;
  slackUserId: string | null;
  /** The Slack id was verified to be this person's (same verified email); only then is it used. */
  slackVerified?: boolean;
}

/** A notification intent as another module queued it (the `notify` job payload), normalised. */
export interface Intent {
  event: string;
  ticketId: string | null;
  escalationId: string | null;
  clockId: string | null;
  clockKind: string | null;
  dueAtMs: number | null;
  userIds: string[];
  roles: RecipientRole[];
  data: Record<string, unknown>;
  /** When the causing change happened (the job's due instant). */
  at: number;
}

/** One event inside a delivery; a digest carries several. */
export interface DeliveryItem {
  event: string;
  ticketId: string | null;
  escalationId: string | null;
  clockId: string | null;
  clockKind: string | null;
  dueAtMs: number | null;
  at: number;
  data: Record<string, unknown>;
}

export const DELIVER_JOB = 'deliver';
export const NOTIFY_JOB = 'notify';
/**
 * Deliveries retry by time (their retry window), not by count: this only bounds how often the
 * runner retries a deliver job whose handler itself crashed (e.g. the database was down).
 */
export const DELIVER_MAX_ATTEMPTS = 10_000;
