import { sql, type Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Customer data requests (issue 14 §4): an erased customer keeps its row (tickets still count
// in reports) with erased_at set and placeholders instead of its identity. The retention sweep
// reads closed tickets by closed_at and raw mail by age, one ordered index range per batch; the
// purge and the erasure delete or redact by ticket (inbound mail, notifications) and find the
// audit entries about a customer without walking those tables.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('customers').addColumn('erased_at', 'bigint').execute();
  // Literal predicate: the same text on both databases; the query repeats it literally.
  await sql`create index tickets_closed_retention on tickets (closed_at, id) where status = 'closed'`.execute(db);
  // A customer's own messages on other people's tickets (a CC'd customer replying): found for
  // the export and the erasure without walking the timeline of the whole desk.
  await sql`create index ticket_events_customer_author on ticket_events (author_id, id) where author_type = 'customer'`.execute(db);
  await db.schema.createIndex('inbound_messages_created').on('inbound_messages').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('inbound_messages_ticket').on('inbound_messages').column('ticket_id').execute();
  await db.schema.createIndex('notifications_ticket').on('notifications').column('ticket_id').execute();
  await db.schema.createIndex('deliveries_ticket').on('deliveries').column('ticket_id').execute();
  await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target_id', 'id']).execute();
}
