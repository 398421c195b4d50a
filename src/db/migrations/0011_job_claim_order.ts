import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Claiming due jobs (jobs.repository claimDueJobs) reads the pending jobs in (due_at, id) order
// straight from an index and stops after `limit` rows: no sort of every due job per claim. The
// (state, due_at, id) index serves everything the (state, due_at) one served (its prefix), so
// that one goes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('jobs_due_order').on('jobs').columns(['state', 'due_at', 'id']).execute();
  await db.schema.dropIndex('jobs_due').execute();
}
