import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Public surfaces (issue 14 §4):
// - messaging_messages: the platform's message ids already taken in, so a replayed signed
//   webhook makes no second message (durable, unlike a memory cache; the primary key decides
//   a race between two nodes).
// - public_ticket_links.revoked_at: a link stops working when the ticket's requester changes.
// - inbound_messages.auth / auth_verdict: the SPF/DKIM/DMARC evaluation of a mail (JSON facts
//   and the one-word verdict); resolved_by/resolved_at: who accepted or rejected a mail held
//   as unverified (status 'held').
export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = 'bigint' as const;
  await db.schema
    .createTable('messaging_messages')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('messaging_integrations.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('messaging_messages_pk', ['integration_id', 'message_id'])
    .execute();

  await db.schema.alterTable('public_ticket_links').addColumn('revoked_at', ms).execute();

  await db.schema.alterTable('inbound_messages').addColumn('auth', 'text').execute();
  await db.schema.alterTable('inbound_messages').addColumn('auth_verdict', 'text').execute();
  await db.schema.alterTable('inbound_messages').addColumn('resolved_by', 'text').execute();
  await db.schema.alterTable('inbound_messages').addColumn('resolved_at', ms).execute();
}
