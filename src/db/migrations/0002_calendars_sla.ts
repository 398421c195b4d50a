import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Business calendars, SLA policies, the policy snapshot applied to a ticket and its clocks.
export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = 'bigint' as const;

  await db.schema
    .createTable('calendars')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sla_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('pause_statuses', 'text', (c) => c.notNull())
    .addColumn('warnings', 'text', (c) => c.notNull())
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sla_policies_order').on('sla_policies').columns(['active', 'position']).execute();

  // The policy as it was when applied to the ticket: later edits of the policy or of a
  // calendar never move running clocks (an explicit re-apply replaces this row).
  await db.schema
    .createTable('ticket_sla')
    .addColumn('ticket_id', 'text', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('policy_name', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('applied_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sla_clocks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('target_seconds', 'bigint', (c) => c.notNull())
    .addColumn('calendar_id', 'text')
    .addColumn('calendar', 'text') // definition snapshot (JSON); null = 24/7
    .addColumn('cycle', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('started_at', ms, (c) => c.notNull())
    .addColumn('consumed_ms', ms, (c) => c.notNull())
    .addColumn('segment_started_at', ms)
    .addColumn('due_at', ms)
    .addColumn('met_at', ms)
    .addColumn('breached_at', ms)
    .addColumn('superseded_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sla_clocks_ticket').on('sla_clocks').columns(['ticket_id', 'kind']).execute();
}
