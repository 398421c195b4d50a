import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Accounts and sessions (issue 14 §3):
// - api_tokens.expires_at: a token may carry an expiry (null: never expires).
// - rate_limit_hits: fixed-window counters shared by every node (login per address and per
//   account, contact form, public links), so N nodes do not allow N times the limit.
// - notification_preferences.slack_verified_at: when the Slack member id was verified to
//   belong to this person (matching verified email through users.info); unverified ids are
//   never trusted for the Acknowledge button or direct messages.
export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = 'bigint' as const;
  await db.schema.alterTable('api_tokens').addColumn('expires_at', ms).execute();
  await db.schema
    .createTable('rate_limit_hits')
    .addColumn('key', 'text', (c) => c.primaryKey()) // <limit name>:<subject>:<window number>
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('rate_limit_hits_expiry')
    .on('rate_limit_hits')
    .columns(['expires_at'])
    .execute();
  await db.schema.alterTable('notification_preferences').addColumn('slack_verified_at', ms).execute();
}
