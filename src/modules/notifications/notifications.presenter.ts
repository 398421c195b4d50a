/** The only shapes of notifications that leave the server. */
import { Type, type Static } from '@sinclair/typebox';
import { parseJson } from '../../db/database.js';
import type { DeliveriesTable, DeliveryAttemptsTable, NotificationsTable, NotificationTemplatesTable, TeamChannelsTable, WebhookSubscriptionsTable } from '../../db/schema.js';
import { iso, Nullable } from '../../http/schemas.js';
import { DEFAULT_RETRY_WINDOW_MS } from './notifications.policy.js';


export const NotificationView = Type.Object({
  id: Type.String(),
  event: Type.String(),
  ticketId: Nullable(Type.String()),
  escalationId: Nullable(Type.String()),
  title: Type.String(),
  body: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  read: Type.Boolean(),
  readAt: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type NotificationView = Static<typeof NotificationView>;

export const presentNotification = (r: NotificationsTable): NotificationView => ({
  id: r.id,
  event: r.event,
  ticketId: r.ticket_id,
  escalationId: r.escalation_id,
  title: r.title,
  body: r.body,
  data: parseJson(r.data, {}),
  read: r.read_at !== null,
  readAt: iso(r.read_at === null ? null : Number(r.read_at)),
  createdAt: iso(Number(r.created_at))!,
});

export const AttemptView = Type.Object({ attempt: Type.Integer(), ok: Type.Boolean(), response: Type.String(), startedAt: Type.String(), durationMs: Type.Integer() });

export const DeliveryView = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  recipient: Type.String({ description: 'user:{id}:{channel}, team:{teamId}:{channelId} or webhook:{subscriptionId}' }),
  userId: Nullable(Type.String()),
  ticketId: Nullable(Type.String()),
  event: Type.String({ description: "the event, or 'digest' when several were grouped" }),
  events: Type.Array(Type.String()),
  state: Type.String({
    description:
      'pending, queued (behind an earlier message of the same ticket to the same recipient), failed (retrying: see nextAttemptAt), done, dead (its retry window ended), dropped (no longer useful: see dropReason)',
  }),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Type.String({ description: 'when a failed delivery is tried next' })),
  retryUntil: Nullable(
    Type.String({ description: 'the end of its retry window: dead if still failing then' }),
  ),
  dropReason: Nullable(
    Type.String({
      description:
        'why a dropped reminder was not sent: acknowledged, finished, level_moved, met, superseded, paused, clock_replaced',
    }),
  ),
  lastResponse: Nullable(Type.String()),
  scheduledAt: Type.String(),
  deliveredAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  attemptLog: Type.Optional(Type.Array(AttemptView)),
});
export type DeliveryView = Static<typeof DeliveryView>;

export const presentDelivery = (d: DeliveriesTable, attempts?: DeliveryAttemptsTable[]): DeliveryView => ({
  id: d.id,
  channel: d.channel,
  recipient: d.recipient_key,
  userId: d.user_id,
  ticketId: d.ticket_id,
  event: d.event,
  events: parseJson<{ event: string }[]>(d.items, []).map((i) => i.event),
  state: d.state,
  attempts: d.attempts,
  nextAttemptAt: d.state === 'failed' && d.next_attempt_at != null ? iso(Number(d.next_attempt_at)) : null,
  retryUntil: d.retry_until != null ? iso(Number(d.retry_until)) : null,
  dropReason: d.drop_reason ?? null,
  lastResponse: d.last_response,
  scheduledAt: iso(Number(d.scheduled_at))!,
  deliveredAt: iso(d.delivered_at === null ? null : Number(d.delivered_at)),
  createdAt: iso(Number(d.created_at))!,
  updatedAt: iso(Number(d.updated_at))!,
  ...(attempts && { attemptLog: attempts.map((a) => ({ attempt: a.attempt, ok: a.ok === 1, response: a.response, startedAt: iso(Number(a.started_at))!, durationMs: a.duration_ms })) }),
});

export const WebhookView = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  active: Type.Boolean(),
  retryWindowHours: Type.Number({ description: 'how long a failing delivery is retried before it is dead, in hours' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  secret: Type.Optional(Type.String({ description: 'shown once, when created or rotated; stored encrypted' })),
});
export const presentWebhook = (r: WebhookSubscriptionsTable, secret?: string): Static<typeof WebhookView> => ({
  id: r.id,
  url: r.url,
  events: parseJson<string[]>(r.events, []),
  active: r.active === 1,
  retryWindowHours: (r.retry_window_ms != null ? Number(r.retry_window_ms) : DEFAULT_RETRY_WINDOW_MS) / 3600_000,
  createdAt: iso(Number(r.created_at))!,
  updatedAt: iso(Number(r.updated_at))!,
  ...(secret && { secret }),
});

export const TeamChannelView = Type.Object({ id: Type.String(), teamId: Type.String(), kind: Type.String(), label: Type.String(), createdAt: Type.String() });
export const presentTeamChannel = (r: TeamChannelsTable): Static<typeof TeamChannelView> => ({ id: r.id, teamId: r.team_id, kind: r.kind, label: r.label, createdAt: iso(Number(r.created_at))! });

export const TemplateView = Type.Object({ event: Type.String(), locale: Type.String(), subject: Type.String(), text: Type.String(), html: Type.String(), edited: Type.Boolean(), updatedAt: Nullable(Type.String()) });
export const presentTemplate = (r: NotificationTemplatesTable): Static<typeof TemplateView> => ({ event: r.event, locale: r.language, subject: r.subject, text: r.text, html: r.html, edited: true, updatedAt: iso(Number(r.updated_at)) });
