import { sql, type Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Reports (issue 18): one fact row per ticket, kept in the same transaction as every ticket
// change by the reports module's ticket hooks. It carries the ticket's current report
// dimensions (team, category, priority, channel: filters and ticket visibility read them
// without a join) and the durations computed once at write time (wall clock and business
// time on the desk's report calendar), so a 90-day report reads one index range of one narrow
// table instead of walking five million timeline events. Next responses are one row each
// (their median needs every value). Escalation, SLA and CSAT reports read their own tables
// through the indexes added here.
export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = 'bigint' as const;
  await db.schema
    .createTable('report_ticket_facts')
    .addColumn('id', 'text', (c) => c.primaryKey()) // the ticket's id: ticketVisibleCondition applies as is
    .addColumn('team_id', 'text')
    .addColumn('assignee_id', 'text')
    .addColumn('category', 'text')
    .addColumn('product', 'text')
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('first_response_at', ms)
    .addColumn('first_response_ms', ms)
    .addColumn('first_response_biz_ms', ms)
    .addColumn('awaiting_since', ms)
    .addColumn('solved_at', ms)
    .addColumn('first_solved_at', ms)
    .addColumn('resolution_ms', ms)
    .addColumn('resolution_biz_ms', ms)
    .addColumn('reopens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reassignments', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalations', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('report_ticket_facts_created').on('report_ticket_facts').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('report_ticket_facts_solved').on('report_ticket_facts').columns(['solved_at', 'id']).execute();
  await db.schema.createIndex('report_ticket_facts_first_response').on('report_ticket_facts').columns(['first_response_at', 'id']).execute();

  await db.schema
    .createTable('report_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('asked_at', ms, (c) => c.notNull())
    .addColumn('answered_at', ms, (c) => c.notNull())
    .addColumn('wall_ms', ms, (c) => c.notNull())
    .addColumn('biz_ms', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('report_responses_answered').on('report_responses').columns(['answered_at', 'ticket_id']).execute();
  await db.schema.createIndex('report_responses_ticket').on('report_responses').column('ticket_id').execute();

  // Existing tickets: their facts from the tickets table and the first agent reply; business
  // durations of these rows are the wall-clock ones (the calendar was not known at the time).
  await sql`insert into report_ticket_facts (id, team_id, assignee_id, category, product, priority, channel, status, created_at, solved_at, first_solved_at, resolution_ms, resolution_biz_ms)
    select id, team_id, assignee_id, category, product, priority, channel, status, created_at, solved_at, solved_at,
      case when solved_at is null then null else solved_at - created_at end, case when solved_at is null then null else solved_at - created_at end
    from tickets`.execute(db);
  await sql`update report_ticket_facts set first_response_at = (select min(e.created_at) from ticket_events e
      where e.ticket_id = report_ticket_facts.id and e.kind = 'message.added' and e.author_type = 'user' and e.visibility = 'public')`.execute(db);
  await sql`update report_ticket_facts set first_response_ms = first_response_at - created_at, first_response_biz_ms = first_response_at - created_at where first_response_at is not null`.execute(db);

  // Escalation reports: one range by request time, by ack deadline (overdue series), and the
  // expiries and warnings of the timeline by kind and time.
  await db.schema.createIndex('escalations_requested').on('escalations').columns(['requested_at', 'id']).execute();
  await db.schema.createIndex('escalations_ack_due').on('escalations').columns(['ack_due_at', 'id']).execute();
  await db.schema.createIndex('ticket_events_kind_created').on('ticket_events').columns(['kind', 'created_at']).execute();
  // SLA reports: outcomes by the instant they happened; open clocks by state.
  await db.schema.createIndex('sla_clocks_met').on('sla_clocks').columns(['met_at', 'id']).execute();
  await db.schema.createIndex('sla_clocks_breached').on('sla_clocks').columns(['breached_at', 'id']).execute();
  // Open clocks (nearing-SLA buckets) use 0010's sla_clocks_running_due.

  // CSAT (issue 18): one survey per ticket at most (unique ticket_id), whatever happens later.
  await db.schema
    .createTable('satisfaction_surveys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull().unique().references('tickets.id').onDelete('cascade'))
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('email', 'text')
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // scheduled | sent | skipped | rated
    .addColumn('skip_reason', 'text')
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('agent_id', 'text')
    .addColumn('team_id', 'text')
    .addColumn('path_id', 'text')
    .addColumn('escalated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('solved_at', ms, (c) => c.notNull())
    .addColumn('due_at', ms, (c) => c.notNull())
    .addColumn('sent_at', ms)
    .addColumn('expires_at', ms)
    .addColumn('rating', 'text') // good | bad
    .addColumn('score', 'integer')
    .addColumn('reason', 'text')
    .addColumn('comment', 'text')
    .addColumn('rated_at', ms)
    .addColumn('follow_up', 'text') // JSON: what the bad rating opened
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('satisfaction_surveys_customer').on('satisfaction_surveys').columns(['customer_id', 'sent_at']).execute();
  await db.schema.createIndex('satisfaction_surveys_sent').on('satisfaction_surveys').columns(['sent_at', 'id']).execute();
  await db.schema.createIndex('satisfaction_surveys_rated').on('satisfaction_surveys').columns(['rated_at', 'id']).execute();
}
