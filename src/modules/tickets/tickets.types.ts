export const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type Status = (typeof STATUSES)[number];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const TEMPERATURES = ['calm', 'concerned', 'upset', 'angry'] as const;
export type Temperature = (typeof TEMPERATURES)[number];
export const CHANNELS = ['email', 'web', 'chat', 'phone', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The fields of a ticket people change; each change becomes a timeline event. */
export interface TicketFields {
  subject: string;
  status: Status;
  priority: Priority;
  category: string | null;
  product: string | null;
  tags: string[];
  teamId: string | null;
  assigneeId: string | null;
  requesterId: string | null;
  temperature: Temperature;
  /** Lower-cased addresses copied on replies to the customer (from the Cc of the first mail). */
  cc: string[];
}

export interface Ticket extends TicketFields {
  id: string;
  number: number;
  channel: Channel;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  solvedAt: number | null;
  closedAt: number | null;
  version: number;
  /** The ticket this one was merged into (it is closed and leads there). */
  mergedIntoId?: string | null;
}

export type AuthorType = 'user' | 'customer' | 'system';
export type Visibility = 'public' | 'internal';

/**
 * Timeline event kinds (dotted, past tense). Later modules add their own
 * (escalation.requested, sla.breached, …); the timeline stores any kind.
 */
export type TimelineKind =
  | 'ticket.created'
  | 'message.added'
  | 'field.changed'
  | 'ticket.assigned'
  | 'attachment.added'
  | (string & {});

export interface TimelineEventInput {
  kind: TimelineKind;
  visibility: Visibility;
  authorType: AuthorType;
  authorId: string | null;
  body?: string | null;
  /** How the body is written (default text); see BodyFormat. */
  bodyFormat?: BodyFormat;
  data?: Record<string, unknown>;
}

/** text: shown as written, line breaks kept (inbound mail, the default); markdown: an agent's reply or note in Markdown. */
export type BodyFormat = 'text' | 'markdown';
