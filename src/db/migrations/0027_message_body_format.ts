import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Issue 15 §2. A message records how its body is written: 'text' (every row so far, inbound mail,
// the API's default: shown with its line breaks) or 'markdown' (an agent's reply or note written
// in Markdown: rendered in the console and as the HTML part of the reply mail).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ticket_events').addColumn('body_format', 'text', (c) => c.notNull().defaultTo('text')).execute();
}
