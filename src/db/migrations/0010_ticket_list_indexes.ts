import { sql, type Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Ticket lists that stay flat as the desk grows (issue 13, Growth). The list query reads one
// ordered index range per (assignee, team or priority) × status and merges them (tickets.repository.ts
// listTickets), so every queue the console shows is a few index ranges of `limit` rows, in both
// sort orders: by id (= creation, UUIDv7) and by updated_at. The (assignee, status, …) and
// (team, status, …) and (priority, status, …) indexes also serve everything the old
// single-column ones served (their prefix), so those go; category is checked on the rows.
// SLA "at risk"/"breached" find their clocks through partial indexes that hold only the open
// clocks that can be at risk, not the whole history of clocks.
export async function up(db: Kysely<unknown>): Promise<void> {
  const idx = (name: string, columns: string[]) =>
    db.schema.createIndex(name).on('tickets').columns(columns).execute();
  await idx('tickets_status_updated', ['status', 'updated_at', 'id']);
  await idx('tickets_assignee_status', ['assignee_id', 'status', 'id']);
  await idx('tickets_assignee_status_updated', ['assignee_id', 'status', 'updated_at', 'id']);
  await idx('tickets_team_status', ['team_id', 'status', 'id']);
  await idx('tickets_team_status_updated', ['team_id', 'status', 'updated_at', 'id']);
  await idx('tickets_priority_status', ['priority', 'status', 'id']);
  await idx('tickets_priority_status_updated', ['priority', 'status', 'updated_at', 'id']);
  await db.schema.dropIndex('tickets_assignee_id').execute();
  await db.schema.dropIndex('tickets_team_id').execute();
  // The (priority, id) and (category, id) indexes also deliver id order, so SQLite (no
  // statistics) picked them for `status = 'open' and priority = 'high'` and walked every
  // high-priority ticket of the desk's history.
  await db.schema.dropIndex('tickets_priority').execute();
  await db.schema.dropIndex('tickets_category').execute();
  // Literal predicates (the same text on both databases); the queries repeat them literally.
  await sql`create index sla_clocks_running_due on sla_clocks (due_at, ticket_id) where state = 'running' and superseded_at is null`.execute(
    db,
  );
  await sql`create index sla_clocks_breached_open on sla_clocks (ticket_id) where state = 'breached' and met_at is null and superseded_at is null`.execute(
    db,
  );
  // The same running clocks by ticket: the probe for each ticket when many are at risk.
  await sql`create index sla_clocks_running_ticket on sla_clocks (ticket_id, due_at) where state = 'running' and superseded_at is null`.execute(
    db,
  );
}
