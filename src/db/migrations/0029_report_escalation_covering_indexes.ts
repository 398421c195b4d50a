import { sql, type Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Issue 18 §Speed, after 0028: the escalation and open-clock reports aggregate in SQL too.
// - The escalations of a period are read with their times (deadline, acknowledgement, finish):
//   escalations_requested_cover also holds those, so the times, the receiving teams' delays, the
//   returns and the overdue series read the index alone (it replaces 0028's index, which is its
//   prefix). The state JSON (return reasons, acknowledgers) is still read from the table, and
//   only where a report needs it.
// - The running clocks on the 24/7 calendar (no calendar of their own): what the nearing buckets
//   read (kind, target, time used, running segment), index only. The literal predicate is the
//   same text on both databases; the query repeats it. Clocks with a calendar keep 0010's index.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('escalations_requested_times')
    .on('escalations')
    .columns(['requested_at', 'id', 'ticket_id', 'path_id', 'stage', 'level_index', 'trigger', 'kind', 'status', 'ack_due_at', 'acknowledged_at', 'finished_at'])
    .execute();
  await db.schema.dropIndex('escalations_requested_cover').execute();
  await sql`create index sla_clocks_running_wall on sla_clocks (due_at, ticket_id, kind, target_seconds, consumed_ms, segment_started_at) where state = 'running' and superseded_at is null and calendar is null`.execute(db);
}
