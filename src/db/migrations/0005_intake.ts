import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Inbound channels: raw mail kept before parsing, message ids per ticket for threading,
// signed messaging integrations and their conversations, private links for requesters.
export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = 'bigint' as const;

  await db.schema
    .createTable('inbound_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull()) // smtp | imap | reprocess
    // Message-ID plus a fingerprint of the content: the same mail delivered twice has the same
    // key; a different mail that reuses a Message-ID (broken mailers) does not.
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // received | processed | rejected | failed
    .addColumn('reason', 'text')
    .addColumn('error', 'text')
    .addColumn('raw_key', 'text', (c) => c.notNull())
    .addColumn('raw_size', 'bigint', (c) => c.notNull())
    .addColumn('raw_sha256', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('subject', 'text')
    .addColumn('from_address', 'text')
    .addColumn('ticket_id', 'text', (c) => c.references('tickets.id').onDelete('set null'))
    .addColumn('event_id', 'text')
    .addColumn('deliveries', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('inbound_messages_status').on('inbound_messages').columns(['status', 'id']).execute();
  await db.schema.createIndex('inbound_messages_message_id').on('inbound_messages').column('message_id').execute();

  await db.schema
    .createTable('ticket_message_ids')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('direction', 'text', (c) => c.notNull()) // in | out
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ticket_message_ids_ticket').on('ticket_message_ids').column('ticket_id').execute();

  await db.schema
    .createTable('messaging_integrations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull()) // sealed with the secret box
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('messaging_conversations')
    .addColumn('integration_id', 'text', (c) => c.notNull().references('messaging_integrations.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('customer_id', 'text', (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('messaging_conversations_pk', ['integration_id', 'conversation_id'])
    .execute();

  await db.schema
    .createTable('public_ticket_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey()) // SHA-256 of the link's secret
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('public_ticket_links_ticket').on('public_ticket_links').column('ticket_id').execute();
}
