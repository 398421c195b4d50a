import { Type, type Static } from '@sinclair/typebox';
import { parseJson } from '../../db/database.js';
import type { Selectable } from 'kysely';
import type { InboundMessagesTable } from '../../db/schema.js';
import { iso } from '../../http/schemas.js';

export const InboundMessageView = Type.Object({
  id: Type.String(),
  source: Type.String({ description: 'smtp, imap or reprocess' }),
  messageId: Type.String(),
  status: Type.String({ description: 'received, processed, rejected, failed, or held (a reply from a sender failing DMARC, waiting for an agent)' }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'machine-readable: ticket_created, reply_added, bounce, auto_reply:<why>, no_sender, or the parse failure (empty, no_headers, malformed, …)' }),
  error: Type.Union([Type.String(), Type.Null()]),
  subject: Type.Union([Type.String(), Type.Null()]),
  from: Type.Union([Type.String(), Type.Null()]),
  size: Type.Number(),
  sha256: Type.String(),
  envelope: Type.Unknown(),
  ticketId: Type.Union([Type.String(), Type.Null()]),
  eventId: Type.Union([Type.String(), Type.Null()]),
  deliveries: Type.Integer({ description: 'how many times this message arrived' }),
  attempts: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  auth: Type.Unknown({ description: 'SPF/DKIM/DMARC: { verdict: pass|fail|none|temperror, basis: smtp|message, spf, dkim[], dmarc }, or null when not evaluated' }),
  resolvedBy: Type.Union([Type.String(), Type.Null()], { description: 'who accepted or rejected a held message' }),
  resolvedAt: Type.Union([Type.String(), Type.Null()]),
});
export type InboundMessageView = Static<typeof InboundMessageView>;

export const presentInbound = (r: Selectable<InboundMessagesTable>): InboundMessageView => ({
  id: r.id,
  source: r.source,
  messageId: r.message_id,
  status: r.status,
  reason: r.reason,
  error: r.error,
  subject: r.subject,
  from: r.from_address,
  size: Number(r.raw_size),
  sha256: r.raw_sha256,
  envelope: parseJson(r.envelope, {}),
  ticketId: r.ticket_id,
  eventId: r.event_id,
  deliveries: Number(r.deliveries),
  attempts: Number(r.attempts),
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
  auth: parseJson(r.auth ?? 'null', null),
  resolvedBy: r.resolved_by,
  resolvedAt: iso(r.resolved_at),
});
