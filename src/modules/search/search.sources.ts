/** The documents of Escalon's own things (tickets, their messages, escalations, customers), for writes and reindex. */
import type { Executor } from '../../db/database.js';
import { parseJson } from '../../db/database.js';
import type { CustomersTable, EscalationsTable, OrganizationsTable } from '../../db/schema.js';
import type { Selectable } from 'kysely';
import type { Ticket } from '../tickets/index.js';
import { toTicket } from '../tickets/index.js';
import type { IndexDocumentInput, SearchSource } from './search.types.js';

/** Timeline events with text worth finding, and the kind their document gets. */
export function eventKind(kind: string, visibility: string): 'message' | 'note' | 'call' | null {
  if (kind === 'message.added') return visibility === 'internal' ? 'note' : 'message';
  if (kind === 'call.logged') return 'call';
  return null;
}

export function ticketDocument(t: Pick<Ticket, 'id' | 'number' | 'subject' | 'tags' | 'category' | 'product' | 'createdAt'>): IndexDocumentInput {
  const tags = t.tags.join(' ');
  return { kind: 'ticket', id: t.id, ticketId: t.id, title: t.subject, fields: [t.subject, `#${t.number}`, tags, t.category, t.product], body: [t.subject, tags].filter(Boolean).join(' · '), at: t.createdAt };
}

export function eventDocument(e: { id: string; ticket_id: string; kind: string; visibility: string; body: string | null; created_at: number }): IndexDocumentInput | null {
  const kind = eventKind(e.kind, e.visibility);
  if (!kind || !e.body) return null;
  return { kind, id: e.id, ticketId: e.ticket_id, fields: [e.body], at: Number(e.created_at) };
}

interface BriefLike {
  category?: string;
  ask?: string;
  concern?: string;
  tried?: string;
  environment?: string;
  background?: string;
  impact?: { note?: string };
}

/** An escalation: its brief, the path it followed, and the answer once resolved. */
export function escalationDocument(row: Selectable<EscalationsTable>, ticketSubject = ''): IndexDocumentInput {
  const brief = parseJson<BriefLike>(row.brief, {});
  const snapshot = parseJson<{ pathName?: string }>(row.snapshot, {});
  const state = parseJson<{ resolved?: { answer?: string | null } | null }>(row.state, {});
  const answer = state.resolved?.answer ?? null;
  return {
    kind: 'escalation',
    id: row.id,
    ticketId: row.ticket_id,
    title: brief.ask ?? '',
    fields: [ticketSubject, brief.category, brief.concern, brief.tried, brief.environment, brief.background, brief.impact?.note, snapshot.pathName, answer],
    body: [brief.concern, brief.tried, brief.environment, answer, brief.background, snapshot.pathName].filter(Boolean).join('\n'),
    at: Number(row.requested_at),
  };
}

/** A customer (not once erased: the placeholders are nobody's). */
export function customerDocument(row: Selectable<CustomersTable>): IndexDocumentInput | null {
  if (row.erased_at) return null;
  return { kind: 'customer', id: row.id, customerId: row.id, title: row.name, fields: [row.name, row.email, row.phone], body: [row.email, row.phone].filter(Boolean).join(' · '), at: Number(row.created_at) };
}

export function organizationDocument(row: Selectable<OrganizationsTable>): IndexDocumentInput {
  return { kind: 'organization', id: row.id, title: row.name, fields: [row.name], body: row.name, at: Number(row.created_at) };
}

/** Every document of these tickets: the ticket itself, its messages, notes and calls. */
export async function ticketDocuments(ex: Executor, ticketIds: string[]): Promise<IndexDocumentInput[]> {
  if (!ticketIds.length) return [];
  const tickets = await ex.selectFrom('tickets').selectAll().where('id', 'in', ticketIds).orderBy('id').execute();
  const events = await ex
    .selectFrom('ticket_events')
    .select(['id', 'ticket_id', 'kind', 'visibility', 'body', 'created_at'])
    .where('ticket_id', 'in', ticketIds)
    .where('kind', 'in', ['message.added', 'call.logged'])
    .orderBy('id')
    .execute();
  const docs: IndexDocumentInput[] = tickets.map((t) => ticketDocument(toTicket(t)));
  for (const e of events) {
    const d = eventDocument(e);
    if (d) docs.push(d);
  }
  return docs;
}

const byId = <T extends { id: string }>(rows: T[]) => (rows.length ? rows[rows.length - 1]!.id : null);

export function builtInSources(): SearchSource[] {
  return [
    {
      kind: ['ticket', 'message', 'note', 'call'],
      async page(ex, afterId, limit) {
        const ids = (await ex.selectFrom('tickets').select('id').where('id', '>', afterId).orderBy('id').limit(limit).execute()).map((r) => r.id);
        return { docs: await ticketDocuments(ex, ids), last: ids.length ? ids[ids.length - 1]! : null };
      },
    },
    {
      kind: 'escalation',
      async page(ex, afterId, limit) {
        const rows = await ex
          .selectFrom('escalations')
          .innerJoin('tickets', 'tickets.id', 'escalations.ticket_id')
          .selectAll('escalations')
          .select('tickets.subject as ticket_subject')
          .where('escalations.id', '>', afterId)
          .orderBy('escalations.id')
          .limit(limit)
          .execute();
        return { docs: rows.map((r) => escalationDocument(r, r.ticket_subject)), last: byId(rows) };
      },
    },
    {
      kind: 'customer',
      async page(ex, afterId, limit) {
        const rows = await ex.selectFrom('customers').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
        return { docs: rows.map(customerDocument).filter((d): d is IndexDocumentInput => d !== null), last: byId(rows) };
      },
    },
    {
      kind: 'organization',
      async page(ex, afterId, limit) {
        const rows = await ex.selectFrom('organizations').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
        return { docs: rows.map(organizationDocument), last: byId(rows) };
      },
    },
  ];
}
