import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Notifications: the in-app centre, per-person preferences, outgoing deliveries with every
// attempt logged, per-team chat channels, webhook subscriptions and edited templates.
export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = 'bigint' as const;

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('channels', 'text', (c) => c.notNull().defaultTo('{}')) // JSON { [event]: channel[] }
    .addColumn('quiet_hours', 'text') // JSON { start: 'HH:MM', end: 'HH:MM' } | null
    .addColumn('slack_user_id', 'text')
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notification_preferences_slack').on('notification_preferences').columns(['slack_user_id']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'text')
    .addColumn('escalation_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('read_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'id']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull()) // email | slack | teams | webhook
    .addColumn('recipient_key', 'text', (c) => c.notNull()) // user:{id}:{channel} | team:{id}:{channelId} | webhook:{id}
    .addColumn('user_id', 'text')
    .addColumn('ticket_id', 'text')
    .addColumn('group_key', 'text')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('items', 'text', (c) => c.notNull()) // JSON DeliveryItem[]
    .addColumn('state', 'text', (c) => c.notNull()) // pending | queued | failed | done | dead | dropped
    .addColumn('sealed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_response', 'text')
    .addColumn('scheduled_at', ms, (c) => c.notNull())
    .addColumn('delivered_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deliveries_recipient').on('deliveries').columns(['recipient_key', 'state', 'scheduled_at']).execute();
  await db.schema.createIndex('deliveries_group').on('deliveries').columns(['group_key', 'created_at']).execute();
  await db.schema.createIndex('deliveries_state').on('deliveries').columns(['state', 'id']).execute();

  await db.schema
    .createTable('delivery_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('started_at', ms, (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('delivery_attempts_delivery').on('delivery_attempts').columns(['delivery_id', 'attempt']).execute();

  await db.schema
    .createTable('team_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('kind', 'text', (c) => c.notNull()) // slack_webhook | slack_bot | teams_webhook
    .addColumn('config', 'text', (c) => c.notNull()) // sealed JSON (secret-box)
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('team_channels_team').on('team_channels').columns(['team_id']).execute();

  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull()) // JSON string[]; '*' = every event
    .addColumn('secret', 'text', (c) => c.notNull()) // sealed
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notification_templates')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_templates_pk', ['event', 'language'])
    .execute();
}
