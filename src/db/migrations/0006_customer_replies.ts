import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Replies reach the customer: a ticket's CC list, outbound URLs of messaging integrations,
// deliveries tied to the reply they carry (and the Message-ID a bounce names), and a log of
// automatic mails per address (the loop cap).
export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = 'bigint' as const;
  await db.schema.alterTable('tickets').addColumn('cc', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  await db.schema.alterTable('messaging_integrations').addColumn('outbound_url', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('event_id', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('message_id', 'text').execute();
  await db.schema.createIndex('deliveries_event_id').on('deliveries').column('event_id').execute();
  await db.schema.createIndex('deliveries_message_id').on('deliveries').column('message_id').execute();
  await db.schema
    .createTable('automatic_mail_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('automatic_mail_log_address').on('automatic_mail_log').columns(['address', 'created_at']).execute();
}

