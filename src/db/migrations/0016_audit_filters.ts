import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// The audit log is filtered by target (one webhook's history), by actor and by time (issue 14):
// every download of an attachment or raw mail now adds a row, so these are index ranges
// rather than scans of the whole log. Newest first is id order (UUIDv7), hence `id` last.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('audit_log_by_target').on('audit_log').columns(['target_type', 'target_id', 'id']).execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'id']).execute();
  await db.schema.createIndex('audit_log_created').on('audit_log').columns(['created_at']).execute();
}
