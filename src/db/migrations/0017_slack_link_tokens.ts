import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Issue 14: a Slack member id can also be linked through a signed one-time link that the Slack
// slash command hands out. The row holds the token's hash (never the token), the Slack member
// it was issued to and its expiry; it is deleted when used, so it is single-use. No Escalon user
// is referenced until the link is used, and then the row is gone.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('slack_link_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('slack_user_id', 'text', (c) => c.notNull())
    .addColumn('slack_team_id', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('slack_link_tokens_expiry').on('slack_link_tokens').column('expires_at').execute();
}
