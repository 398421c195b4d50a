import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Escalation paths (current row + every saved version), on-call rotations, escalations with
// their engine state, and people's out-of-office windows and standing delegate.
export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = 'bigint' as const;

  await db.schema
    .alterTable('users')
    .addColumn('out_of_office', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('users').addColumn('delegate_user_id', 'text').execute();

  await db.schema
    .createTable('escalation_paths')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('auto_escalate', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('review_interval_days', 'integer', (c) => c.notNull())
    .addColumn('last_reviewed_at', ms)
    .addColumn('last_reviewed_by', 'text', (c) => c.references('users.id'))
    .addColumn('review_due_at', ms, (c) => c.notNull())
    .addColumn('deleted_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('escalation_paths_review_due').on('escalation_paths').columns(['review_due_at']).execute();

  await db.schema
    .createTable('escalation_path_versions')
    .addColumn('path_id', 'text', (c) => c.notNull().references('escalation_paths.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.references('users.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('escalation_path_versions_pk', ['path_id', 'version'])
    .execute();

  await db.schema
    .createTable('rotations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('escalations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id'))
    .addColumn('path_id', 'text', (c) => c.references('escalation_paths.id'))
    .addColumn('path_version', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('level_index', 'integer', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('brief', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.references('users.id'))
    .addColumn('requested_at', ms, (c) => c.notNull())
    .addColumn('ack_due_at', ms)
    .addColumn('acknowledged_at', ms)
    .addColumn('finished_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('escalations_ticket').on('escalations').columns(['ticket_id']).execute();
  await db.schema.createIndex('escalations_status').on('escalations').columns(['status', 'ack_due_at']).execute();
  await db.schema.createIndex('escalations_path').on('escalations').columns(['path_id']).execute();

  // Who the escalation currently reaches (users) and which teams its current targets name:
  // the index behind "addressed to me" and "my teams".
  await db.schema
    .createTable('escalation_recipients')
    .addColumn('escalation_id', 'text', (c) => c.notNull().references('escalations.id'))
    .addColumn('kind', 'text', (c) => c.notNull()) // user | team
    .addColumn('ref_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('escalation_recipients_pk', ['escalation_id', 'kind', 'ref_id'])
    .execute();
  await db.schema.createIndex('escalation_recipients_ref').on('escalation_recipients').columns(['kind', 'ref_id']).execute();
}
