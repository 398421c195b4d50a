import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// A restricted team's tickets are seen only by its members, receivers of their escalations and
// administrators (tickets/ticket-access.policy.ts). 0 = as before: every agent sees them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('teams').addColumn('restricted', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
