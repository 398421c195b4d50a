import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// A hard bounce (5.x.x) of a customer's address marks it bouncing: agents see it, automatic
// mail stops going to it, and a later mail from the customer clears it. Status and diagnostic
// are the report's own facts (rendered by the console), not sentences.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('customers').addColumn('email_bouncing_at', 'bigint').execute();
  await db.schema.alterTable('customers').addColumn('email_bouncing_status', 'text').execute();
  await db.schema.alterTable('customers').addColumn('email_bouncing_diagnostic', 'text').execute();
}
