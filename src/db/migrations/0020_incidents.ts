import type { Kysely } from 'kysely';

// Forward-only: never edit a landed migration, add a new one.
// Major incidents (issue 17): the services catalogue, incidents with their linked tickets,
// audience, task force, action plan, updates and events (the RCA timeline), the RCA and its
// corrective actions, the status page's subscribers, and SLA holds of linked tickets.
export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = 'bigint' as const;

  await db.schema
    .createTable('services')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name_ja', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull().unique())
    .addColumn('description_ja', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description_en', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('owner_team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // active | resolved | closed
    .addColumn('internal_only', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', ms, (c) => c.notNull())
    .addColumn('declared_at', ms, (c) => c.notNull())
    .addColumn('declared_by', 'text', (c) => c.references('users.id'))
    .addColumn('problem_ref', 'text')
    .addColumn('links', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('cadence', 'text', (c) => c.notNull().defaultTo('{}')) // JSON severity targets snapshot
    .addColumn('last_internal_update_at', ms)
    .addColumn('last_customer_update_at', ms)
    .addColumn('next_update_at', ms)
    .addColumn('resolution', 'text') // JSON { ja, en }
    .addColumn('resolved_at', ms)
    .addColumn('resolved_by', 'text')
    .addColumn('closed_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('incidents_state').on('incidents').columns(['state', 'id']).execute();
  await db.schema.createIndex('incidents_started').on('incidents').columns(['started_at']).execute();

  await db.schema
    .createTable('incident_services')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('impact', 'text', (c) => c.notNull())
    .addColumn('status_before', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_services_pk', ['incident_id', 'service_id'])
    .execute();
  await db.schema.createIndex('incident_services_service').on('incident_services').columns(['service_id', 'incident_id']).execute();

  await db.schema
    .createTable('incident_tickets')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('linked_by', 'text')
    .addColumn('linked_at', ms, (c) => c.notNull())
    .addColumn('exclude_from_resolution', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('incident_tickets_pk', ['incident_id', 'ticket_id'])
    .execute();
  await db.schema.createIndex('incident_tickets_ticket').on('incident_tickets').columns(['ticket_id', 'incident_id']).execute();

  // Affected customers added beyond the linked tickets' requesters: an organisation or a tier.
  await db.schema
    .createTable('incident_audiences')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull()) // organization | tier
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text')
    .addColumn('added_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_audiences_pk', ['incident_id', 'kind', 'ref'])
    .execute();

  await db.schema
    .createTable('incident_roles')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('assigned_by', 'text')
    .addColumn('assigned_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_roles_pk', ['incident_id', 'role'])
    .execute();
  await db.schema.createIndex('incident_roles_user').on('incident_roles').columns(['user_id']).execute();

  await db.schema
    .createTable('incident_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull()) // action | corrective
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('due_at', ms)
    .addColumn('state', 'text', (c) => c.notNull()) // open | in_progress | done | cancelled
    .addColumn('created_by', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('done_at', ms)
    .execute();
  await db.schema.createIndex('incident_tasks_incident').on('incident_tasks').columns(['incident_id', 'id']).execute();
  await db.schema.createIndex('incident_tasks_owner').on('incident_tasks').columns(['owner_id']).execute();

  await db.schema
    .createTable('incident_updates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull()) // investigating | identified | monitoring | resolved
    .addColumn('body_ja', 'text', (c) => c.notNull())
    .addColumn('body_en', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull()) // internal | public
    .addColumn('next_update_at', ms)
    .addColumn('author_id', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_updates_incident').on('incident_updates').columns(['incident_id', 'id']).execute();

  // What happened, in order: the RCA's timeline is built from these.
  await db.schema
    .createTable('incident_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incident_events_incident').on('incident_events').columns(['incident_id', 'id']).execute();

  // Internal stakeholders told of every update: people and teams.
  await db.schema
    .createTable('incident_subscribers')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull()) // user | team
    .addColumn('ref_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_subscribers_pk', ['incident_id', 'kind', 'ref_id'])
    .execute();

  await db.schema
    .createTable('incident_rcas')
    .addColumn('incident_id', 'text', (c) => c.primaryKey().references('incidents.id').onDelete('cascade'))
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('due_at', ms, (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // requested | in_review | approved | shared
    .addColumn('internal', 'text', (c) => c.notNull().defaultTo('{}')) // JSON
    .addColumn('customer', 'text', (c) => c.notNull().defaultTo('{}')) // JSON { ja: {...}, en: {...} }
    .addColumn('requested_by', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', ms)
    .addColumn('shared_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  // Status page e-mail subscribers: personal data (privacy export/erase, demo removal).
  // Tokens are kept as SHA-256 hashes only.
  await db.schema
    .createTable('status_subscribers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.references('services.id').onDelete('cascade'))
    .addColumn('confirm_hash', 'text', (c) => c.unique())
    .addColumn('unsubscribe_hash', 'text', (c) => c.notNull().unique())
    .addColumn('confirmed_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('status_subscribers_email').on('status_subscribers').columns(['email']).execute();
  await db.schema.createIndex('status_subscribers_service').on('status_subscribers').columns(['service_id', 'id']).execute();

  // SLA clocks of a ticket held (paused) while something outside the ticket owns it: a major
  // incident it is linked to, under the workspace's "pause" rule. Owned by the sla module.
  await db.schema
    .createTable('sla_holds')
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('sla_holds_pk', ['ticket_id', 'source'])
    .execute();
}
