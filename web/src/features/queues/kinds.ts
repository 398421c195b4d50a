/** Ticket lists (filtered by the ticket API) and the agent's other lists (SLA at risk, escalations). */
export const TICKET_QUEUE_KINDS = ['mine', 'team', 'unassigned', 'all'] as const;
export const QUEUE_KINDS = [
  ...TICKET_QUEUE_KINDS,
  'at-risk',
  'awaiting-reply',
  'escalated-by-me',
  'escalated-to-me',
] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];
export type TicketQueueKind = (typeof TICKET_QUEUE_KINDS)[number];
export const isQueueKind = (v: string): v is QueueKind => (QUEUE_KINDS as readonly string[]).includes(v);
export const isTicketQueueKind = (v: string): v is TicketQueueKind =>
  (TICKET_QUEUE_KINDS as readonly string[]).includes(v);
