import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Issue 15 §2, merge: a merged ticket points at the ticket it was merged into, so its number
// (in a customer's old mail, a link) still leads there.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tickets').addColumn('merged_into_id', 'text').execute();
  await db.schema.createIndex('tickets_merged_into').on('tickets').column('merged_into_id').execute();
}
