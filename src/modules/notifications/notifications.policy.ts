/** Pure rules of notification delivery: who wants what, when, and what is still worth sending. */
import { DateTime } from 'luxon';
import {
  RECIPIENT_ROLES,
  type Intent,
  type NotificationPreferences,
  type QuietHours,
  type RecipientRole,
  type UserChannel,
} from './notifications.types.js';

export const DEFAULT_PREFERENCES: NotificationPreferences = { channels: {}, quietHours: null, slackUserId: null };

/**
 * The channels a person gets an event on: their choice for the event, else for its family
 * (`escalation.*`), else for '*', else the default — in-app and email for escalations,
 * breaches and held replies (plus Slack once they linked a Slack id), in-app only for everything else.
 */
/** Incident events with a template of their own (issue 17): they go out by email and Slack too. */
export const INCIDENT_TEMPLATE_EVENTS: readonly string[] = ['incident.declared', 'incident.update_posted', 'incident.role_changed', 'incident.resolved', 'incident.rca_approved', 'incident.resolve_target_passed'];

/** The reminder to a path's owner that its periodic review is due (paths module). */
export const PATH_REVIEW_EVENT = 'escalation_path.review_due';

export function channelsFor(event: string, prefs: NotificationPreferences): UserChannel[] {
  const family = `${event.split('.')[0]}.*`;
  const chosen = prefs.channels[event] ?? prefs.channels[family] ?? prefs.channels['*'];
  if (chosen) return [...new Set(chosen)];
  // A reply held as unverified waits on a person's decision: it reaches them like an escalation.
  // A major incident's stakeholders hear of it by email (and Slack when linked) unless they chose otherwise.
  // A path's owner hears that its review is due by email too: it is the only reminder they get.
  const important = event.startsWith('escalation.') || event === 'sla.breached' || event === 'email.held' || event === PATH_REVIEW_EVENT || INCIDENT_TEMPLATE_EVENTS.includes(event);
  if (!important) return ['in_app'];
  return prefs.slackUserId ? ['in_app', 'email', 'slack'] : ['in_app', 'email'];
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * When quiet hours are in force at `now` in `timeZone`, the instant they end; otherwise null.
 * A window whose start equals its end is empty.
 */
export function quietHoursEnd(now: number, timeZone: string, quiet: QuietHours | null): number | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const local = DateTime.fromMillis(now, { zone: timeZone });
  if (!local.isValid) return null;
  const t = local.hour * 60 + local.minute;
  const inside = start < end ? t >= start && t < end : t >= start || t < end;
  if (!inside) return null;
  let endAt = local.startOf('day').plus({ minutes: end });
  if (endAt.toMillis() <= now) endAt = local.startOf('day').plus({ days: 1, minutes: end });
  return endAt.toMillis();
}

/** Urgent tickets and breaches pass quiet hours; everything else waits for their end. */
export const passesQuietHours = (event: string, priority: string | null): boolean => event === 'sla.breached' || priority === 'urgent';

/**
 * Anti-flood: the first event for a person and ticket goes at once; events arriving within
 * `windowMs` of the last message join one digest sent when the window closes.
 */
export function groupedDueAt(now: number, lastCreatedAt: number | null, windowMs: number): number {
  if (lastCreatedAt === null || windowMs <= 0 || now - lastCreatedAt >= windowMs) return now;
  return lastCreatedAt + windowMs;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * The `notify` payloads of the escalation engine ({event, recipients: {userIds}, ticketId,
 * escalationId, data}) and of SLA actions ({event, ticketId, clockId, clockKind, dueAt,
 * recipients: ['assignee' | 'team' | 'team_manager'], userIds}) as one shape.
 */
export function normaliseIntent(p: Record<string, unknown>, at: number): Intent {
  const rec = p.recipients;
  const roles: RecipientRole[] = [];
  const userIds: string[] = [];
  const addIds = (v: unknown) => {
    if (Array.isArray(v)) for (const id of v) if (typeof id === 'string') userIds.push(id);
  };
  if (Array.isArray(rec)) {
    for (const r of rec) if ((RECIPIENT_ROLES as readonly string[]).includes(r as string)) roles.push(r as RecipientRole);
  } else if (rec && typeof rec === 'object') {
    const o = rec as Record<string, unknown>;
    addIds(o.userIds);
    if (Array.isArray(o.roles)) for (const r of o.roles) if ((RECIPIENT_ROLES as readonly string[]).includes(r as string)) roles.push(r as RecipientRole);
  }
  addIds(p.userIds);
  const dueRaw = p.dueAt;
  const dueAtMs = typeof dueRaw === 'number' ? dueRaw : typeof dueRaw === 'string' ? Date.parse(dueRaw) : NaN;
  const data = p.data && typeof p.data === 'object' ? (p.data as Record<string, unknown>) : {};
  return {
    event: String(p.event),
    ticketId: str(p.ticketId),
    escalationId: str(p.escalationId),
    clockId: str(p.clockId),
    clockKind: str(p.clockKind),
    dueAtMs: Number.isFinite(dueAtMs) ? dueAtMs : null,
    userIds: [...new Set(userIds)],
    roles: [...new Set(roles)],
    data,
    at,
  };
}

/** Events that chase someone: pointless once the escalation is acknowledged or finished. */
export const CHASING_EVENTS = new Set(['escalation.requested', 'escalation.reminder', 'escalation.advanced', 'escalation.fallback']);

/** The part of an escalation's state that decides whether a chase still matters. */
export interface EscalationChaseFacts {
  escalationStatus?: string | null;
  /** The escalation's current level (state.levelIndex), when known. */
  levelIndex?: number | null;
  /** Phase of each target of the current level by key, when known. */
  targetPhases?: Record<string, string> | null;
  clockState?: string | null;
}

const FINISHED = new Set(['resolved', 'returned', 'cancelled']);

/** Why a reminder to people is not sent any more (recorded on the delivery row). */
export type DropReason =
  'acknowledged' | 'finished' | 'level_moved' | 'met' | 'superseded' | 'paused' | 'clock_replaced';

/**
 * Why an item is no longer worth sending to people, given what is true now; null while it
 * still is. A chase aimed at one target of a level (a request or reminder carrying its
 * `targetKey`) is decided per target: it goes while that target has not acknowledged and the
 * escalation is still on that level and open — another department acknowledging does not
 * silence it, since fan-out needs every target. Other chases go while the escalation is
 * waiting for someone. An SLA warning goes only while its clock still runs and its breach is
 * not due yet: a warning whose breach has passed is superseded by it.
 * Webhook subscriptions never ask: they are an event stream and get every event.
 */
export function dropReasonOf(
  item: {
    event: string;
    escalationId: string | null;
    clockId: string | null;
    dueAtMs?: number | null;
    data?: Record<string, unknown>;
  },
  facts: EscalationChaseFacts,
  now?: number,
): DropReason | null {
  if (item.escalationId && CHASING_EVENTS.has(item.event)) {
    const targetKey = typeof item.data?.targetKey === 'string' ? item.data.targetKey : null;
    const level = typeof item.data?.levelIndex === 'number' ? item.data.levelIndex : null;
    const phase = targetKey && facts.targetPhases ? facts.targetPhases[targetKey] : undefined;
    const status = facts.escalationStatus ?? null;
    const gone: DropReason = status && FINISHED.has(status) ? 'finished' : 'acknowledged';
    if (targetKey && phase !== undefined && status && !FINISHED.has(status) && status !== 'pending') {
      if (
        level !== null &&
        facts.levelIndex !== undefined &&
        facts.levelIndex !== null &&
        level !== facts.levelIndex
      )
        return 'level_moved';
      return phase === 'waiting' || phase === 'reminding' ? null : 'acknowledged';
    }
    return status === 'requested' || status === 'pending' ? null : gone;
  }
  if (item.event === 'sla.warning' && item.clockId) {
    const state = facts.clockState ?? null;
    if (state === 'running')
      return now !== undefined && item.dueAtMs !== null && item.dueAtMs !== undefined && now >= item.dueAtMs
        ? 'superseded'
        : null;
    if (state === 'breached') return 'superseded';
    if (state === 'met') return 'met';
    if (state === 'paused') return 'paused';
    return 'clock_replaced';
  }
  return null;
}

/** Whether an item is still worth sending to people (see dropReasonOf). */
export const isStillRelevant = (
  item: {
    event: string;
    escalationId: string | null;
    clockId: string | null;
    dueAtMs?: number | null;
    data?: Record<string, unknown>;
  },
  facts: EscalationChaseFacts,
  now?: number,
): boolean => dropReasonOf(item, facts, now) === null;

/** Retry policy of deliveries: by time, not by count. */
export const DEFAULT_RETRY_WINDOW_MS = 24 * 3600_000;
export const MAX_RETRY_DELAY_MS = 10 * 60_000;

/**
 * When a failed delivery is tried next, or null when its retry window is over (dead): capped
 * exponential backoff with jitter (1 s, 2 s, 4 s … up to 10 minutes, each between half and
 * the whole step), never sooner than the receiver's Retry-After, and a last attempt at the
 * end of the window rather than none.
 */
export function nextAttemptAt(
  now: number,
  attempt: number,
  retryUntil: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | null {
  if (now >= retryUntil) return null;
  const step = Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  const delay = Math.max(Math.round(step / 2 + random() * (step / 2)), retryAfterMs ?? 0);
  return Math.min(now + delay, retryUntil);
}

/** Template events by intent event; null = in-app and webhooks only. */
export function templateEventOf(event: string): string | null {
  const known = ['escalation.requested', 'escalation.reminder', 'escalation.advanced', 'escalation.returned', 'escalation.acknowledged', 'escalation.target_expired', 'escalation.resolved', 'escalation.message', 'sla.warning', 'sla.breached', 'email.held', PATH_REVIEW_EVENT];
  if (known.includes(event) || INCIDENT_TEMPLATE_EVENTS.includes(event)) return event;
  // Reaching the fallback, and the alert to administrators that nobody on the path could be
  // reached, read like a move past the last level: both go out by email too, not only in-app.
  if (event === 'escalation.fallback' || event === 'escalation.admin_alert') return 'escalation.advanced';
  return null;
}
