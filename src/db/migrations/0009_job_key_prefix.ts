import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Forward-only: never edit a landed migration, add a new one.
// Access paths for the hot queries (issue 13).
// Cancelling a clock's or a target's timers by key prefix (jobs.repository cancelJobsByPrefix)
// must read only that key's few rows, however many jobs are pending. PostgreSQL compares the
// key byte-wise (COLLATE "C", so the prefix range is right under any database collation) on a
// partial index of pending jobs. SQLite compares text byte-wise already and uses the unique
// dedupe_key index (the query keeps the planner off the state indexes); nothing to add there.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Automatic escalation checks max(updated_at) of the paths on every ticket change: an index
  // answers it without reading every path's definition.
  await db.schema
    .createIndex('escalation_paths_updated')
    .on('escalation_paths')
    .column('updated_at')
    .execute();
  if (dialectOf(db) === 'postgres')
    await sql`create index jobs_pending_key on jobs (dedupe_key collate "C") where state = 'pending'`.execute(
      db,
    );
}
