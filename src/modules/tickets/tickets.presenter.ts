import { Type, type Static } from '@sinclair/typebox';
import { parseJson } from '../../db/database.js';
import type { TicketEventRow, TicketRow } from '../../db/schema.js';
import { OneOf, Nullable } from '../../http/schemas.js';
import { CHANNELS, PRIORITIES, STATUSES, TEMPERATURES, type Ticket } from './tickets.types.js';

const lit = <T extends readonly string[]>(values: T, description: string) => OneOf(values, { description });
export const StatusSchema = lit(STATUSES, 'new, open, pending, on_hold, solved or closed');
export const PrioritySchema = lit(PRIORITIES, 'low, normal, high or urgent');
export const TemperatureSchema = lit(TEMPERATURES, 'customer temperature: calm, concerned, upset or angry');
export const ChannelSchema = lit(CHANNELS, 'email, web, chat, phone or api');

/**
 * One SLA clock as shown with a ticket. The SLA module fills it (through a provider the
 * container injects), so the tickets module does not depend on it.
 */
export const SlaClockSummary = Type.Object({
  id: Type.String(),
  kind: OneOf(['first_response', 'next_response', 'resolution'] as const),
  state: OneOf(['running', 'paused', 'met', 'breached'] as const, { description: 'running, paused (waiting on the customer), met, or breached' }),
  dueAt: Nullable(Type.String({ description: 'due instant (UTC); null while paused or met' })),
  remainingSeconds: Type.Integer({ description: "business seconds left now on the clock's calendar; negative when overdue" }),
  targetSeconds: Type.Integer(),
  calendarId: Nullable(Type.String({ description: 'null = 24/7' })),
  policyId: Type.String(),
  policyName: Nullable(Type.String()),
  startedAt: Type.String(),
  metAt: Nullable(Type.String()),
  breachedAt: Nullable(Type.String()),
});
export type SlaClockSummary = Static<typeof SlaClockSummary>;

export const TicketView = Type.Object({
  id: Type.String(),
  number: Type.Integer({ description: 'human ticket number, shown as #1042' }),
  subject: Type.String(),
  status: StatusSchema,
  priority: PrioritySchema,
  category: Nullable(Type.String()),
  product: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  channel: ChannelSchema,
  requesterId: Nullable(Type.String()),
  teamId: Nullable(Type.String()),
  assigneeId: Nullable(Type.String()),
  temperature: TemperatureSchema,
  cc: Type.Array(Type.String(), { description: 'addresses copied on public replies (lower-case)' }),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  solvedAt: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
  version: Type.Integer({ description: 'increases on every change; send as expectedVersion to avoid overwriting someone else' }),
  mergedIntoId: Type.Optional(Nullable(Type.String({ description: 'set when this ticket was merged into another (it is closed; GET /api/v1/tickets/by-number/{number} leads there)' }))),
  slaClocks: Type.Optional(Type.Array(SlaClockSummary, { description: 'SLA clocks of the ticket (single-ticket responses only)' })),
});
export type TicketView = Static<typeof TicketView>;

/** Where a public reply went and how far it got (the replies module fills it). */
export const ReplyDeliverySummary = Type.Object({
  id: Type.String({ description: 'delivery id (GET /api/v1/deliveries/{id})' }),
  state: OneOf(['sending', 'sent', 'failed', 'bounced'] as const, { description: 'sending (queued or retrying), sent (accepted by the relay or endpoint), failed (gave up), bounced (a bounce report named it)' }),
  rawState: Type.String({ description: 'the delivery log state: pending, queued, failed, done, dead, bounced' }),
  channel: Type.String({ description: 'email or messaging' }),
  to: Nullable(Type.String()),
  cc: Type.Array(Type.String()),
  attempts: Type.Integer(),
  lastResponse: Nullable(Type.String()),
  retryable: Type.Boolean(),
  nextAttemptAt: Type.Optional(
    Nullable(Type.String({ description: 'while retrying: when the next attempt is due' })),
  ),
});
export type ReplyDeliverySummary = Static<typeof ReplyDeliverySummary>;

export const TimelineEventView = Type.Object({
  id: Type.String(),
  ticketId: Type.String(),
  kind: Type.String({ description: 'message.added, field.changed, ticket.assigned, escalation.*, sla.*, …' }),
  visibility: OneOf(['public', 'internal'] as const),
  author: Type.Object({ type: OneOf(['user', 'customer', 'system'] as const), id: Nullable(Type.String()), name: Nullable(Type.String()) }),
  body: Nullable(Type.String()),
  bodyFormat: OneOf(['text', 'markdown'] as const, { description: 'text: show as written, line breaks kept (inbound mail is always text); markdown: render the body as Markdown (no raw HTML)' }),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
  delivery: Type.Optional(ReplyDeliverySummary),
});
export type TimelineEventView = Static<typeof TimelineEventView>;

export const AttachmentView = Type.Object({
  id: Type.String(),
  ticketId: Type.String(),
  eventId: Nullable(Type.String()),
  filename: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  createdAt: Type.String(),
  previewable: Type.Boolean({ description: 'a raster image (type sniffed from its bytes): GET /api/v1/attachments/{id} sends it inline; all else is a download' }),
});

export const toTicket = (r: TicketRow): Ticket => ({
  id: r.id,
  number: Number(r.number),
  subject: r.subject,
  status: r.status as Ticket['status'],
  priority: r.priority as Ticket['priority'],
  category: r.category,
  product: r.product,
  tags: parseJson<string[]>(r.tags, []),
  channel: r.channel as Ticket['channel'],
  requesterId: r.requester_id,
  teamId: r.team_id,
  assigneeId: r.assignee_id,
  temperature: r.temperature as Ticket['temperature'],
  cc: parseJson<string[]>(r.cc ?? '[]', []),
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  solvedAt: r.solved_at,
  closedAt: r.closed_at,
  version: r.version,
  mergedIntoId: r.merged_into_id ?? null,
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const presentTicket = (t: Ticket): TicketView => ({
  ...t,
  createdAt: new Date(t.createdAt).toISOString(),
  updatedAt: new Date(t.updatedAt).toISOString(),
  solvedAt: iso(t.solvedAt),
  closedAt: iso(t.closedAt),
});

export const presentEvent = (e: TicketEventRow & { user_name?: string | null; customer_name?: string | null }): TimelineEventView => ({
  id: e.id,
  ticketId: e.ticket_id,
  kind: e.kind,
  visibility: e.visibility as TimelineEventView['visibility'],
  author: { type: e.author_type as TimelineEventView['author']['type'], id: e.author_id, name: e.user_name ?? e.customer_name ?? null },
  body: e.body,
  bodyFormat: e.body_format === 'markdown' ? 'markdown' : 'text',
  data: parseJson<Record<string, unknown>>(e.data, {}),
  createdAt: new Date(e.created_at).toISOString(),
});
