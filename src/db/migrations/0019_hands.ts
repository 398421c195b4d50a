import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Raise a hand (手上げ, issue 16): an operator's live question to a supervisor, every
// transition a row in hand_events (actor and instant), and per person the hands presence
// (available for hands, independent of ticket availability) and phone state (on a call,
// with which caller) a CTI or PBX reports.
export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = 'bigint' as const;

  await db.schema
    .createTable('hands')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('operator_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('ticket_id', 'text', (c) => c.references('tickets.id'))
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('call_id', 'text')
    .addColumn('caller_number', 'text')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('ask', 'text', (c) => c.notNull())
    .addColumn('concern', 'text', (c) => c.notNull())
    .addColumn('tried', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('background', 'text', (c) => c.notNull())
    .addColumn('temperature', 'text')
    .addColumn('tiers', 'text', (c) => c.notNull())
    .addColumn('tier_index', 'integer', (c) => c.notNull())
    .addColumn('alerted', 'text', (c) => c.notNull())
    .addColumn('next_tier_at', ms)
    .addColumn('exhausted_at', ms)
    .addColumn('claimed_by', 'text', (c) => c.references('users.id'))
    .addColumn('claimed_at', ms)
    .addColumn('joined_call_mode', 'text')
    .addColumn('joined_call_at', ms)
    .addColumn('outcome', 'text')
    .addColumn('answer', 'text')
    .addColumn('callback_due_at', ms)
    .addColumn('escalation_id', 'text', (c) => c.references('escalations.id'))
    .addColumn('closed_by', 'text', (c) => c.references('users.id'))
    .addColumn('closed_at', ms)
    .addColumn('raised_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hands_state_raised').on('hands').columns(['state', 'raised_at']).execute();
  await db.schema.createIndex('hands_operator').on('hands').columns(['operator_id', 'raised_at']).execute();
  await db.schema.createIndex('hands_claimed_by').on('hands').columns(['claimed_by', 'state']).execute();
  await db.schema.createIndex('hands_ticket').on('hands').columns(['ticket_id']).execute();
  await db.schema.createIndex('hands_customer').on('hands').columns(['customer_id']).execute();

  await db.schema
    .createTable('hand_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hand_id', 'text', (c) => c.notNull().references('hands.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('users.id'))
    .addColumn('body', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('hand_events_hand').on('hand_events').columns(['hand_id', 'id']).execute();

  await db.schema
    .createTable('hand_presence')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('available_for_hands', 'integer', (c) => c.notNull())
    .addColumn('on_call', 'integer', (c) => c.notNull())
    .addColumn('call_id', 'text')
    .addColumn('caller_number', 'text')
    .addColumn('call_started_at', ms)
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
}
