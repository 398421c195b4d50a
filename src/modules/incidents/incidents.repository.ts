/** Queries of the incidents module; nothing else touches its tables. */
import type { Insertable, Updateable } from 'kysely';
import { sql } from 'kysely';
import type { Executor } from '../../db/database.js';
import type {
  IncidentEventsTable,
  IncidentRcasTable,
  IncidentsTable,
  IncidentTasksTable,
  IncidentUpdatesTable,
  StatusSubscribersTable,
} from '../../db/incidents-schema.js';

export const findIncident = (ex: Executor, id: string) => ex.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
export const insertIncident = (ex: Executor, row: Insertable<IncidentsTable>) => ex.insertInto('incidents').values(row).execute();
export const updateIncident = (ex: Executor, id: string, patch: Updateable<IncidentsTable>) =>
  ex.updateTable('incidents').set(patch).set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', id).execute();

export function listIncidents(ex: Executor, opts: { states?: string[]; limit: number; before?: string; publicOnly?: boolean; startedSince?: number }) {
  let q = ex.selectFrom('incidents').selectAll().orderBy('id', 'desc').limit(opts.limit + 1);
  if (opts.states?.length) q = q.where('state', 'in', opts.states);
  if (opts.before) q = q.where('id', '<', opts.before);
  if (opts.publicOnly) q = q.where('internal_only', '=', 0);
  if (opts.startedSince !== undefined) q = q.where('started_at', '>=', opts.startedSince);
  return q.execute();
}

// ---- services of an incident ----
export const servicesOf = (ex: Executor, incidentIds: string[]) =>
  incidentIds.length === 0
    ? Promise.resolve([])
    : ex
        .selectFrom('incident_services')
        .innerJoin('services', 'services.id', 'incident_services.service_id')
        .select(['incident_services.incident_id', 'incident_services.service_id', 'incident_services.impact', 'incident_services.status_before', 'services.name_ja', 'services.name_en', 'services.status'])
        .where('incident_services.incident_id', 'in', incidentIds)
        .orderBy('services.position')
        .execute();
/** The affected services' owner teams (outreach tickets go to the worst-hit one's). */
export const serviceOwners = (ex: Executor, incidentId: string) =>
  ex
    .selectFrom('incident_services')
    .innerJoin('services', 'services.id', 'incident_services.service_id')
    .select(['incident_services.impact', 'services.owner_team_id', 'services.position'])
    .where('incident_services.incident_id', '=', incidentId)
    .execute();
export const insertIncidentServices = (ex: Executor, rows: { incident_id: string; service_id: string; impact: string; status_before: string }[]) =>
  rows.length ? ex.insertInto('incident_services').values(rows).execute() : Promise.resolve();
/** Other active incidents naming a service (its status returns only when none is left). */
export const activeIncidentsOfService = (ex: Executor, serviceId: string, except: string) =>
  ex
    .selectFrom('incident_services')
    .innerJoin('incidents', 'incidents.id', 'incident_services.incident_id')
    .select(['incidents.id', 'incident_services.impact'])
    .where('incident_services.service_id', '=', serviceId)
    .where('incidents.state', '=', 'active')
    .where('incidents.id', '!=', except)
    .execute();

// ---- linked tickets ----
export const linkedTicketIds = async (ex: Executor, incidentId: string): Promise<string[]> =>
  (await ex.selectFrom('incident_tickets').select('ticket_id').where('incident_id', '=', incidentId).execute()).map((r) => r.ticket_id);
/** Customers' languages by id (a fan-out batch's requesters). */
export const customerLocales = async (ex: Executor, ids: string[]): Promise<Map<string, string>> =>
  ids.length === 0 ? new Map() : new Map((await ex.selectFrom('customers').select(['id', 'locale']).where('id', 'in', [...new Set(ids)]).execute()).map((r) => [r.id, r.locale]));
export const linkedTicketPage = (ex: Executor, incidentId: string, after: string | null, limit: number) => {
  let q = ex
    .selectFrom('incident_tickets')
    .select(['ticket_id', 'exclude_from_resolution'])
    .where('incident_id', '=', incidentId)
    .orderBy('ticket_id')
    .limit(limit);
  if (after) q = q.where('ticket_id', '>', after);
  return q.execute();
};
export const insertLinks = (ex: Executor, rows: { incident_id: string; ticket_id: string; linked_by: string | null; linked_at: number }[]) =>
  rows.length ? ex.insertInto('incident_tickets').values(rows).onConflict((oc) => oc.columns(['incident_id', 'ticket_id']).doNothing()).execute() : Promise.resolve();
export const deleteLink = async (ex: Executor, incidentId: string, ticketId: string) =>
  Number((await ex.deleteFrom('incident_tickets').where('incident_id', '=', incidentId).where('ticket_id', '=', ticketId).executeTakeFirst()).numDeletedRows) > 0;
export const setExcluded = async (ex: Executor, incidentId: string, ticketId: string, excluded: boolean) =>
  Number(
    (await ex.updateTable('incident_tickets').set({ exclude_from_resolution: excluded ? 1 : 0 }).where('incident_id', '=', incidentId).where('ticket_id', '=', ticketId).executeTakeFirst())
      .numUpdatedRows,
  ) > 0;
export const linkedTickets = (ex: Executor, incidentId: string, limit: number, after?: string) => {
  let q = ex
    .selectFrom('incident_tickets')
    .innerJoin('tickets', 'tickets.id', 'incident_tickets.ticket_id')
    .leftJoin('customers', 'customers.id', 'tickets.requester_id')
    .select([
      'tickets.id',
      'tickets.number',
      'tickets.subject',
      'tickets.status',
      'tickets.priority',
      'tickets.created_at',
      'customers.name as requester_name',
      'customers.locale as requester_locale',
      'incident_tickets.linked_at',
      'incident_tickets.exclude_from_resolution',
    ])
    .where('incident_tickets.incident_id', '=', incidentId)
    .orderBy('tickets.id')
    .limit(limit + 1);
  if (after) q = q.where('tickets.id', '>', after);
  return q.execute();
};
export async function ticketCounts(ex: Executor, incidentIds: string[]) {
  if (incidentIds.length === 0) return new Map<string, { total: number; open: number }>();
  const rows = await ex
    .selectFrom('incident_tickets')
    .innerJoin('tickets', 'tickets.id', 'incident_tickets.ticket_id')
    .select((eb) => [
      'incident_tickets.incident_id',
      eb.fn.countAll<number>().as('total'),
      eb.fn.sum<number>(eb.case().when('tickets.status', 'in', ['solved', 'closed']).then(0).else(1).end()).as('open'),
    ])
    .where('incident_tickets.incident_id', 'in', incidentIds)
    .groupBy('incident_tickets.incident_id')
    .execute();
  return new Map(rows.map((r) => [r.incident_id, { total: Number(r.total), open: Number(r.open ?? 0) }]));
}
/** Active or resolved incidents a ticket is linked to, newest first. */
export const incidentsOfTicket = (ex: Executor, ticketId: string) =>
  ex
    .selectFrom('incident_tickets')
    .innerJoin('incidents', 'incidents.id', 'incident_tickets.incident_id')
    .selectAll('incidents')
    .where('incident_tickets.ticket_id', '=', ticketId)
    .orderBy('incidents.id', 'desc')
    .execute();
export const ticketsExist = async (ex: Executor, ids: string[]) =>
  ids.length === 0 ? [] : (await ex.selectFrom('tickets').select(['id', 'status']).where('id', 'in', ids).execute());

// ---- affected customers ----
export const audiencesOf = (ex: Executor, incidentId: string) => ex.selectFrom('incident_audiences').selectAll().where('incident_id', '=', incidentId).orderBy('added_at').execute();
export const insertAudience = (ex: Executor, row: { incident_id: string; kind: string; ref: string; added_by: string | null; added_at: number }) =>
  ex.insertInto('incident_audiences').values(row).onConflict((oc) => oc.columns(['incident_id', 'kind', 'ref']).doNothing()).execute();
export const deleteAudience = async (ex: Executor, incidentId: string, kind: string, ref: string) =>
  Number((await ex.deleteFrom('incident_audiences').where('incident_id', '=', incidentId).where('kind', '=', kind).where('ref', '=', ref).executeTakeFirst()).numDeletedRows) > 0;

/** Requesters of the linked tickets (with the ticket they wrote in). */
export const ticketCustomers = (ex: Executor, incidentId: string, limit: number) =>
  ex
    .selectFrom('incident_tickets')
    .innerJoin('tickets', 'tickets.id', 'incident_tickets.ticket_id')
    .innerJoin('customers', 'customers.id', 'tickets.requester_id')
    .leftJoin('organizations', 'organizations.id', 'customers.organization_id')
    .select(['customers.id', 'customers.name', 'customers.email', 'customers.locale', 'customers.tier', 'organizations.name as organization_name', 'organizations.tier as organization_tier', 'tickets.id as ticket_id'])
    .where('incident_tickets.incident_id', '=', incidentId)
    .where('customers.erased_at', 'is', null)
    .orderBy('customers.id')
    .limit(limit)
    .execute();
/** Of these customers, the ones who already have a ticket linked to the incident (they hear on it). */
export const customersWithLinkedTicket = async (ex: Executor, incidentId: string, customerIds: string[]): Promise<Set<string>> =>
  customerIds.length === 0
    ? new Set()
    : new Set(
        (
          await ex
            .selectFrom('incident_tickets')
            .innerJoin('tickets', 'tickets.id', 'incident_tickets.ticket_id')
            .select('tickets.requester_id')
            .where('incident_tickets.incident_id', '=', incidentId)
            .where('tickets.requester_id', 'in', customerIds)
            .execute()
        ).map((r) => r.requester_id!),
      );
/** Customers of organisations, or of tiers (own or their organisation's). */
export function audienceCustomers(ex: Executor, orgIds: string[], tiers: string[], limit: number, after: string | null = null) {
  if (orgIds.length === 0 && tiers.length === 0) return Promise.resolve([]);
  return ex
    .selectFrom('customers')
    .leftJoin('organizations', 'organizations.id', 'customers.organization_id')
    .select(['customers.id', 'customers.name', 'customers.email', 'customers.locale', 'customers.tier', 'customers.organization_id', 'organizations.name as organization_name', 'organizations.tier as organization_tier'])
    .where('customers.erased_at', 'is', null)
    .where((eb) =>
      eb.or([
        ...(orgIds.length ? [eb('customers.organization_id', 'in', orgIds)] : []),
        ...(tiers.length ? [eb('customers.tier', 'in', tiers), eb('organizations.tier', 'in', tiers)] : []),
      ]),
    )
    .$if(after !== null, (q) => q.where('customers.id', '>', after!))
    .orderBy('customers.id')
    .limit(limit)
    .execute();
}

// ---- task force ----
export const rolesOf = (ex: Executor, incidentIds: string[]) =>
  incidentIds.length === 0
    ? Promise.resolve([])
    : ex
        .selectFrom('incident_roles')
        .innerJoin('users', 'users.id', 'incident_roles.user_id')
        .select(['incident_roles.incident_id', 'incident_roles.role', 'incident_roles.user_id', 'incident_roles.assigned_at', 'users.name'])
        .where('incident_roles.incident_id', 'in', incidentIds)
        .execute();
export const findRole = (ex: Executor, incidentId: string, role: string) =>
  ex.selectFrom('incident_roles').selectAll().where('incident_id', '=', incidentId).where('role', '=', role).executeTakeFirst();
export async function putRole(ex: Executor, row: { incident_id: string; role: string; user_id: string; assigned_by: string | null; assigned_at: number }) {
  await ex.deleteFrom('incident_roles').where('incident_id', '=', row.incident_id).where('role', '=', row.role).execute();
  await ex.insertInto('incident_roles').values(row).execute();
}
export const deleteRoles = (ex: Executor, incidentId: string) => ex.deleteFrom('incident_roles').where('incident_id', '=', incidentId).execute();
export const deleteRole = (ex: Executor, incidentId: string, role: string) => ex.deleteFrom('incident_roles').where('incident_id', '=', incidentId).where('role', '=', role).execute();

// ---- tasks ----
export const tasksOf = (ex: Executor, incidentId: string, kind: string) =>
  ex
    .selectFrom('incident_tasks')
    .leftJoin('users', 'users.id', 'incident_tasks.owner_id')
    .selectAll('incident_tasks')
    .select('users.name as owner_name')
    .where('incident_id', '=', incidentId)
    .where('kind', '=', kind)
    .orderBy('incident_tasks.id')
    .execute();
export const findTask = (ex: Executor, id: string) => ex.selectFrom('incident_tasks').selectAll().where('id', '=', id).executeTakeFirst();
export const insertTask = (ex: Executor, row: Insertable<IncidentTasksTable>) => ex.insertInto('incident_tasks').values(row).execute();
export const updateTask = (ex: Executor, id: string, patch: Updateable<IncidentTasksTable>) => ex.updateTable('incident_tasks').set(patch).where('id', '=', id).execute();

// ---- updates ----
export const insertUpdate = (ex: Executor, row: Insertable<IncidentUpdatesTable>) => ex.insertInto('incident_updates').values(row).execute();
export const findUpdate = (ex: Executor, id: string) => ex.selectFrom('incident_updates').selectAll().where('id', '=', id).executeTakeFirst();
export const updatesOf = (ex: Executor, incidentIds: string[], opts: { publicOnly?: boolean } = {}) => {
  if (incidentIds.length === 0) return Promise.resolve([]);
  let q = ex
    .selectFrom('incident_updates')
    .leftJoin('users', 'users.id', 'incident_updates.author_id')
    .selectAll('incident_updates')
    .select('users.name as author_name')
    .where('incident_id', 'in', incidentIds)
    .orderBy('incident_updates.id', 'desc');
  if (opts.publicOnly) q = q.where('audience', '=', 'public');
  return q.execute();
};
export const latestPublicUpdates = async (ex: Executor, incidentIds: string[]) => {
  const rows = await updatesOf(ex, incidentIds, { publicOnly: true });
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!latest.has(r.incident_id)) latest.set(r.incident_id, r);
  return latest;
};

// ---- events (the RCA timeline) ----
export const insertEvent = (ex: Executor, row: IncidentEventsTable) => ex.insertInto('incident_events').values(row).execute();
export const lastEvent = (ex: Executor, incidentId: string, kind: string) =>
  ex.selectFrom('incident_events').select('data').where('incident_id', '=', incidentId).where('kind', '=', kind).orderBy('id', 'desc').limit(1).executeTakeFirst();
export const eventsOf = (ex: Executor, incidentId: string) =>
  ex
    .selectFrom('incident_events')
    .leftJoin('users', 'users.id', 'incident_events.actor_id')
    .selectAll('incident_events')
    .select('users.name as actor_name')
    .where('incident_id', '=', incidentId)
    .orderBy('incident_events.id')
    .execute();

// ---- internal subscribers ----
export const subscribersOf = (ex: Executor, incidentId: string) => ex.selectFrom('incident_subscribers').selectAll().where('incident_id', '=', incidentId).execute();
export async function replaceSubscribers(ex: Executor, incidentId: string, rows: { kind: string; ref_id: string }[]) {
  await ex.deleteFrom('incident_subscribers').where('incident_id', '=', incidentId).execute();
  if (rows.length) await ex.insertInto('incident_subscribers').values(rows.map((r) => ({ incident_id: incidentId, ...r }))).execute();
}
export const teamMemberIds = async (ex: Executor, teamIds: string[]) =>
  teamIds.length === 0 ? [] : (await ex.selectFrom('team_members').select('user_id').where('team_id', 'in', teamIds).execute()).map((r) => r.user_id);
export const teamsOfUser = (ex: Executor, userId: string) =>
  ex.selectFrom('team_members').innerJoin('teams', 'teams.id', 'team_members.team_id').select(['teams.id', 'teams.name']).where('team_members.user_id', '=', userId).execute();
export const existingUserIds = async (ex: Executor, ids: string[]) =>
  ids.length === 0 ? new Set<string>() : new Set((await ex.selectFrom('users').select('id').where('id', 'in', ids).where('active', '=', 1).execute()).map((r) => r.id));
export const existingTeamIds = async (ex: Executor, ids: string[]) =>
  ids.length === 0 ? new Set<string>() : new Set((await ex.selectFrom('teams').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
export const userNames = async (ex: Executor, ids: string[]) =>
  ids.length === 0 ? new Map<string, string>() : new Map((await ex.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute()).map((r) => [r.id, r.name]));

// ---- RCA ----
export const findRca = (ex: Executor, incidentId: string) => ex.selectFrom('incident_rcas').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
export const insertRca = (ex: Executor, row: IncidentRcasTable) => ex.insertInto('incident_rcas').values(row).execute();
export const updateRca = (ex: Executor, incidentId: string, patch: Updateable<IncidentRcasTable>) => ex.updateTable('incident_rcas').set(patch).where('incident_id', '=', incidentId).execute();

// ---- candidates ----
/** New tickets since an instant that no active incident holds yet. */
export const recentUnlinkedTickets = (ex: Executor, since: number, limit: number) =>
  ex
    .selectFrom('tickets')
    .select(['id', 'number', 'subject', 'category', 'product', 'created_at'])
    .where('created_at', '>=', since)
    .where('status', 'not in', ['solved', 'closed'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('incident_tickets')
            .innerJoin('incidents', 'incidents.id', 'incident_tickets.incident_id')
            .select(sql<number>`1`.as('one'))
            .whereRef('incident_tickets.ticket_id', '=', 'tickets.id')
            .where('incidents.state', '=', 'active'),
        ),
      ),
    )
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();

/** Status-page subscribers by id (the mail jobs that run together read them in one query). */
export const subscribersByIds = (ex: Executor, ids: string[]) =>
  ids.length === 0 ? Promise.resolve([]) : ex.selectFrom('status_subscribers').selectAll().where('id', 'in', ids).execute();

// ---- status page subscribers ----
export const insertSubscriber = (ex: Executor, row: StatusSubscribersTable) => ex.insertInto('status_subscribers').values(row).execute();
export const subscriberByConfirm = (ex: Executor, hash: string) => ex.selectFrom('status_subscribers').selectAll().where('confirm_hash', '=', hash).executeTakeFirst();
export const subscriberByUnsubscribe = (ex: Executor, hash: string) => ex.selectFrom('status_subscribers').selectAll().where('unsubscribe_hash', '=', hash).executeTakeFirst();
export const confirmSubscriber = (ex: Executor, id: string, now: number) => ex.updateTable('status_subscribers').set({ confirmed_at: now, confirm_hash: null }).where('id', '=', id).execute();
export const deleteSubscriber = (ex: Executor, id: string) => ex.deleteFrom('status_subscribers').where('id', '=', id).execute();
/** Confirmed subscribers of any of the services (or of every service: service_id null), a page at a time. */
export const subscribersPage = (ex: Executor, serviceIds: string[], after: string | null, limit: number) => {
  let q = ex
    .selectFrom('status_subscribers')
    .select(['id', 'email', 'locale'])
    .where('confirmed_at', 'is not', null)
    .where((eb) => eb.or([eb('service_id', 'is', null), ...(serviceIds.length ? [eb('service_id', 'in', serviceIds)] : [])]))
    .orderBy('id')
    .limit(limit);
  if (after) q = q.where('id', '>', after);
  return q.execute();
};
export const subscribersByEmail = (ex: Executor, email: string) => ex.selectFrom('status_subscribers').selectAll().where('email', '=', email).execute();
export const deleteSubscribersByEmail = (ex: Executor, email: string) => ex.deleteFrom('status_subscribers').where('email', '=', email).execute();

// ---- link suggestions ----
/** What the linked tickets share: subjects, categories, products and requesters' organisations (a sample). */
export const linkedProfile = (ex: Executor, incidentId: string, limit: number) =>
  ex
    .selectFrom('incident_tickets')
    .innerJoin('tickets', 'tickets.id', 'incident_tickets.ticket_id')
    .leftJoin('customers', 'customers.id', 'tickets.requester_id')
    .select(['tickets.subject', 'tickets.category', 'tickets.product', 'customers.organization_id'])
    .where('incident_tickets.incident_id', '=', incidentId)
    .orderBy('incident_tickets.linked_at', 'desc')
    .limit(limit)
    .execute();
/** Open tickets created since an instant that are not linked to this incident. */
export const recentTicketsOutside = (ex: Executor, incidentId: string, since: number, limit: number) =>
  ex
    .selectFrom('tickets')
    .leftJoin('customers', 'customers.id', 'tickets.requester_id')
    .select(['tickets.id', 'tickets.number', 'tickets.subject', 'tickets.category', 'tickets.product', 'tickets.created_at', 'customers.organization_id'])
    .where('tickets.created_at', '>=', since)
    .where('tickets.status', 'not in', ['solved', 'closed'])
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('incident_tickets').select(sql<number>`1`.as('one')).whereRef('incident_tickets.ticket_id', '=', 'tickets.id').where('incident_tickets.incident_id', '=', incidentId))),
    )
    .orderBy('tickets.created_at', 'desc')
    .limit(limit)
    .execute();

/** Whether the incident recorded an event of this kind already (timers that act once). */
export const hasEvent = async (ex: Executor, incidentId: string, kind: string): Promise<boolean> =>
  !!(await ex.selectFrom('incident_events').select('id').where('incident_id', '=', incidentId).where('kind', '=', kind).limit(1).executeTakeFirst());

/** The incident's anchor ticket for an escalation: the first linked one (by link time) that is not closed. */
export const firstOpenLinkedTicket = async (ex: Executor, incidentId: string): Promise<string | undefined> =>
  (
    await ex
      .selectFrom('incident_tickets as it')
      .innerJoin('tickets as t', 't.id', 'it.ticket_id')
      .select('it.ticket_id')
      .where('it.incident_id', '=', incidentId)
      .where('t.status', '!=', 'closed')
      .orderBy('it.linked_at')
      .orderBy('it.ticket_id')
      .limit(1)
      .executeTakeFirst()
  )?.ticket_id;
