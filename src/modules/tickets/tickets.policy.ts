import type { Status, Ticket, TicketFields } from './tickets.types.js';

export interface FieldChange {
  field: keyof TicketFields;
  from: unknown;
  to: unknown;
}

const FIELDS: (keyof TicketFields)[] = ['subject', 'status', 'priority', 'category', 'product', 'tags', 'teamId', 'assigneeId', 'requesterId', 'temperature', 'cc'];

/** Which fields a patch really changes (tags compared as sets). */
export function diffTicket(before: TicketFields, patch: Partial<TicketFields>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of FIELDS) {
    if (!(field in patch) || patch[field] === undefined) continue;
    const from = before[field];
    const to = patch[field];
    if (field === 'tags' || field === 'cc') {
      const a = [...(from as string[])].sort();
      const b = [...new Set(to as string[])].sort();
      if (a.length !== b.length || a.some((t, i) => t !== b[i])) changes.push({ field, from, to: b });
      continue;
    }
    if (from !== to) changes.push({ field, from, to });
  }
  return changes;
}

/** Normalises a CC list: trimmed, lower-case, unique, in the order given. */
export function normaliseCc(cc: string[]): string[] {
  return [...new Set(cc.map((a) => a.trim().toLowerCase()).filter(Boolean))];
}

/** Normalises tags: trimmed, lower-case, unique, in the order given. */
export function normaliseTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

/** Timestamps that follow a status change: solved_at / closed_at are set on entry, cleared on reopen. */
export function statusTimestamps(from: Status, to: Status, now: number, t: Pick<Ticket, 'solvedAt' | 'closedAt'>) {
  if (from === to) return {};
  return {
    solvedAt: to === 'solved' || to === 'closed' ? (t.solvedAt ?? now) : null,
    closedAt: to === 'closed' ? now : null,
  };
}

/** A closed ticket is final: it can only be read. New contact from the customer opens a follow-up. */
export function canChangeClosed(from: Status): boolean {
  return from !== 'closed';
}

/**
 * Status after a message: an agent's public reply moves a new ticket to open; a customer's
 * message reopens a pending, on-hold or solved ticket.
 */
export function statusAfterMessage(status: Status, by: 'user' | 'customer' | 'system', visibility: 'public' | 'internal'): Status {
  if (by === 'user' && visibility === 'public' && status === 'new') return 'open';
  if (by === 'customer' && (status === 'pending' || status === 'on_hold' || status === 'solved')) return 'open';
  return status;
}

/** What a bulk action changes on the tickets of a selection (tags added or removed, not replaced). */
export interface BulkChanges {
  status?: Status;
  priority?: TicketFields['priority'];
  teamId?: string | null;
  assigneeId?: string | null;
  addTags?: string[];
  removeTags?: string[];
}

/** Most tickets one bulk request changes: each is its own transaction, so a request stays well under a minute. */
export const BULK_MAX_IDS = 500;

/** The patch a bulk action makes to one ticket, given its fields now. */
export function bulkPatch(before: Pick<TicketFields, 'tags'>, c: BulkChanges): Partial<TicketFields> {
  const patch: Partial<TicketFields> = {};
  if (c.status !== undefined) patch.status = c.status;
  if (c.priority !== undefined) patch.priority = c.priority;
  if (c.teamId !== undefined) patch.teamId = c.teamId;
  if (c.assigneeId !== undefined) patch.assigneeId = c.assigneeId;
  if (c.addTags?.length || c.removeTags?.length) {
    const remove = new Set(normaliseTags(c.removeTags ?? []));
    patch.tags = normaliseTags([...before.tags, ...(c.addTags ?? [])]).filter((t) => !remove.has(t));
  }
  return patch;
}
