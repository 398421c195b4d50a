import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Issue 18 §Speed. The reports aggregate in SQL over the rows of a period (a 90-day report of a
// 1,000,000-ticket desk reads ~250,000 of them): their period indexes now also hold the columns
// those aggregates read (the group-by dimensions, the visibility's team and id, the durations),
// so a report reads the index alone instead of looking up every row of the period in the table.
// Each replaces the index of the same leading columns (kept as its prefix, so every query that
// used the old one can use the new one); they are maintained in the writing transaction, like any
// index (the facts row is already written in the ticket change's transaction).
export async function up(db: Kysely<unknown>): Promise<void> {
  const replace = async (old: string, name: string, table: string, columns: string[]) => {
    await db.schema.createIndex(name).on(table).columns(columns).execute();
    await db.schema.dropIndex(old).execute();
  };
  const dims = ['team_id', 'category', 'priority', 'channel', 'assignee_id'];
  await replace('report_ticket_facts_created', 'report_ticket_facts_created_cover', 'report_ticket_facts', ['created_at', 'id', ...dims, 'solved_at']);
  await replace('report_ticket_facts_solved', 'report_ticket_facts_solved_cover', 'report_ticket_facts', ['solved_at', 'id', ...dims, 'created_at', 'resolution_ms', 'resolution_biz_ms', 'reopens', 'reassignments', 'escalations']);
  await replace('report_ticket_facts_first_response', 'report_ticket_facts_first_response_cover', 'report_ticket_facts', ['first_response_at', 'id', ...dims, 'first_response_ms', 'first_response_biz_ms']);
  await replace('report_responses_answered', 'report_responses_answered_cover', 'report_responses', ['answered_at', 'ticket_id', 'wall_ms', 'biz_ms']);
  await replace('sla_clocks_met', 'sla_clocks_met_cover', 'sla_clocks', ['met_at', 'id', 'superseded_at', 'breached_at', 'kind', 'policy_id', 'ticket_id']);
  await replace('sla_clocks_breached', 'sla_clocks_breached_cover', 'sla_clocks', ['breached_at', 'id', 'superseded_at', 'met_at', 'kind', 'policy_id', 'ticket_id']);
  // The lookup of a next response's, a clock's or an escalation's facts row by ticket id, index only (the table row was a second probe per row).
  await db.schema.createIndex('report_ticket_facts_id_cover').on('report_ticket_facts').columns(['id', ...dims]).execute();
  await replace('escalations_requested', 'escalations_requested_cover', 'escalations', ['requested_at', 'id', 'ticket_id', 'path_id', 'stage', 'level_index', 'trigger', 'kind', 'status']);
}
