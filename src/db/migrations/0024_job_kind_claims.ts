import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Forward-only: never edit a landed migration, add a new one.
// The job runner claims its timers, its outbox fan-outs and its network jobs separately
// (jobs.repository claimDueJobs with a kind list). On the (state, due_at, id) index a claim for
// some kinds walked every due job of the other kinds first: a backlog of 10,000 due mail jobs
// made every timer claim and every wake-up query read all of them (issue 17). With the kind in
// the index, each kind is its own ordered range that stops after `limit` rows. PostgreSQL gets
// a partial index of pending jobs (small, and the planner prefers it to the state index).
export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres')
    await sql`create index jobs_kind_due on jobs (kind, due_at, id) where state = 'pending'`.execute(db);
  else
    await db.schema
      .createIndex('jobs_kind_due')
      .on('jobs')
      .columns(['state', 'kind', 'due_at', 'id'])
      .execute();
}
