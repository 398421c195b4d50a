/**
 * The demo workspace after it is seeded: whether its sign-in accounts may be offered, and
 * `escalon demo remove`, which deletes everything the seed created in one transaction.
 */
import type { Container } from '../container.js';
import { inTransaction, type Executor, type Tx } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import { getSetting } from '../lib/settings.js';
import { DEMO_CALENDAR_NAME, DEMO_PATH_REASON, DEMO_ROTATION_NAME, DEMO_SLA_POLICY_NAMES } from './demo-config.js';
import { demoCustomers, demoOrganizations, demoTeams, demoUsers } from './demo-data.js';
import { demoLogins, type DemoLogin } from './seed.js';

const demoEmails = demoUsers.map((u) => u.email);

export const isDemoWorkspace = async (ex: Executor): Promise<boolean> => (await getSetting<boolean>(ex, 'workspace.demo')) === true;

/** An active administrator who is not one of the demo accounts. */
export async function hasRealAdministrator(ex: Executor): Promise<boolean> {
  const row = await ex.selectFrom('users').select('id').where('role', '=', 'admin').where('active', '=', 1).where('email', 'not in', demoEmails).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * The demo accounts (with their well-known password) are offered on the sign-in screen only on
 * the demo workspace of a developer's machine: never in a production-like start (even one that
 * seeded the demo with ESCALON_DEMO=1), and no longer once a real administrator exists.
 */
export async function demoLoginsToOffer(deps: Pick<Container, 'config' | 'database'>): Promise<DemoLogin[] | null> {
  if (deps.config.deployment.productionLikeReasons.length > 0) return null;
  const db = deps.database.db;
  if (!(await isDemoWorkspace(db)) || (await hasRealAdministrator(db))) return null;
  return demoLogins();
}

export interface DemoRemoval {
  users: number;
  teams: number;
  customers: number;
  organizations: number;
  tickets: number;
  escalations: number;
  escalationPaths: number;
  rotations: number;
  slaPolicies: number;
  calendars: number;
  jobs: number;
  /** Raised hands of demo operators, tickets or customers (issue 16). */
  hands: number;
}

const ids = (rows: { id: string }[]): string[] => rows.map((r) => r.id);
const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Deletes the demo workspace's data: its users, teams, organisations, customers, their tickets
 * (with timeline, tags, SLA clocks, links), escalations, escalation paths, rotation, SLA
 * policies, calendar, notifications, deliveries, pending jobs and the audit entries of demo
 * accounts. What real users created next to it stays: references from it to demo rows are
 * cleared (a real ticket assigned to a demo agent keeps its history, unassigned). One
 * transaction: all of it goes, or nothing.
 */
export async function removeDemo(deps: Container): Promise<DemoRemoval> {
  return inTransaction(deps.database.db, async (tx) => {
    if (!(await isDemoWorkspace(tx))) throw new AppError('not_found', 'This database holds no demo workspace (it was not seeded, or the demo was removed already).');
    const userIds = ids(await tx.selectFrom('users').select('id').where('email', 'in', demoEmails).execute());
    const teamIds = ids(await tx.selectFrom('teams').select('id').where('name', 'in', demoTeams.map((t) => t.name)).execute());
    const customerIds = ids(await tx.selectFrom('customers').select('id').where('email', 'in', demoCustomers.flatMap((c) => (c.email ? [c.email] : []))).execute());
    const orgIds = ids(await tx.selectFrom('organizations').select('id').where('name', 'in', demoOrganizations.map((o) => o.name)).execute());
    const pathIds = (
      await tx.selectFrom('escalation_path_versions').select('path_id').where('version', '=', 1).where('reason', '=', DEMO_PATH_REASON).execute()
    ).map((r) => r.path_id);
    const ticketIds = customerIds.length ? ids(await tx.selectFrom('tickets').select('id').where('requester_id', 'in', customerIds).execute()) : [];
    const escalationIds = ticketIds.length ? ids(await tx.selectFrom('escalations').select('id').where('ticket_id', 'in', ticketIds).execute()) : [];
    const rotationIds = ids(await tx.selectFrom('rotations').select('id').where('name', '=', DEMO_ROTATION_NAME).execute());
    const policyIds = ids(await tx.selectFrom('sla_policies').select('id').where('name', 'in', DEMO_SLA_POLICY_NAMES).execute());
    const calendarIds = ids(await tx.selectFrom('calendars').select('id').where('name', '=', DEMO_CALENDAR_NAME).execute());

    // Real configuration that names a demo account, team, rotation or calendar would break
    // silently (a path level aimed at a team that is gone): the operator changes it first.
    const referenced = new Set([...userIds, ...teamIds, ...rotationIds, ...calendarIds]);
    const names = (text: string) => [...text.matchAll(UUID_IN_TEXT)].some((m) => referenced.has(m[0].toLowerCase()));
    const blockers = [
      ...(await tx.selectFrom('escalation_paths').select(['id', 'name', 'owner_id', 'definition', 'deleted_at']).execute())
        .filter((p) => !pathIds.includes(p.id) && (userIds.includes(p.owner_id) || (p.deleted_at === null && names(p.definition))))
        .map((p) => `escalation path "${p.name}"`),
      ...(await tx.selectFrom('rotations').select(['id', 'name', 'definition']).execute()).filter((r) => !rotationIds.includes(r.id) && names(r.definition)).map((r) => `rotation "${r.name}"`),
      ...(await tx.selectFrom('sla_policies').select(['id', 'name', 'targets']).execute()).filter((p) => !policyIds.includes(p.id) && names(p.targets)).map((p) => `SLA policy "${p.name}"`),
    ];
    if (blockers.length)
      throw new AppError('conflict', `Change these first; they name demo accounts, teams, the demo rotation or calendar: ${blockers.join(', ')}. Nothing was removed.`, { blockers });

    const deliveryIds = ids(await anyIn(tx, 'deliveries', { user_id: userIds, ticket_id: ticketIds }));
    const notificationIds = ids(await anyIn(tx, 'notifications', { user_id: userIds, ticket_id: ticketIds, escalation_id: escalationIds }));
    const handIds = ids(await anyIn(tx, 'hands', { operator_id: userIds, ticket_id: ticketIds, customer_id: customerIds, escalation_id: escalationIds }));

    // Jobs (timers, deliveries, reviews) name what they act on in their payload.
    // Not the SLA policies and calendar: a real ticket's SLA timers keep running on their snapshot.
    const removed = new Set([...userIds, ...teamIds, ...customerIds, ...orgIds, ...pathIds, ...ticketIds, ...escalationIds, ...rotationIds, ...deliveryIds, ...notificationIds, ...handIds]);
    const jobIds = ids(
      (await tx.selectFrom('jobs').select(['id', 'payload', 'dedupe_key']).execute()).filter((j) =>
        [...`${j.payload} ${j.dedupe_key ?? ''}`.matchAll(UUID_IN_TEXT)].some((m) => removed.has(m[0].toLowerCase())),
      ),
    );

    await deleteIn(tx, 'jobs', 'id', jobIds);
    await deleteIn(tx, 'audit_log', 'actor_id', userIds);
    await deleteIn(tx, 'audit_log', 'target_id', [...removed]);
    await deleteIn(tx, 'delivery_attempts', 'delivery_id', deliveryIds);
    await deleteIn(tx, 'deliveries', 'id', deliveryIds);
    await deleteIn(tx, 'notifications', 'id', notificationIds);
    // Raised hands (0019): the demo's own go; real hands a demo supervisor claimed keep their story without the name.
    await deleteIn(tx, 'hand_events', 'hand_id', handIds);
    await deleteIn(tx, 'hands', 'id', handIds);
    await nullIn(tx, 'hand_events', 'actor_id', userIds);
    await nullIn(tx, 'hands', 'claimed_by', userIds);
    await nullIn(tx, 'hands', 'closed_by', userIds);
    await nullIn(tx, 'hands', 'team_id', teamIds);
    await deleteIn(tx, 'hand_presence', 'user_id', userIds);
    await deleteIn(tx, 'escalation_recipients', 'escalation_id', escalationIds);
    await deleteIn(tx, 'escalations', 'id', escalationIds);
    await nullIn(tx, 'escalations', 'path_id', pathIds);
    await nullIn(tx, 'escalations', 'requested_by', userIds);

    // Major incidents (0020): links of demo tickets go; real incidents keep their history without demo people.
    await deleteIn(tx, 'incident_tickets', 'ticket_id', ticketIds);
    await deleteIn(tx, 'sla_holds', 'ticket_id', ticketIds);
    await deleteIn(tx, 'incident_roles', 'user_id', userIds);
    await deleteIn(tx, 'incident_subscribers', 'ref_id', [...userIds, ...teamIds]);
    await nullIn(tx, 'incident_tasks', 'owner_id', userIds);
    await nullIn(tx, 'incident_rcas', 'owner_id', userIds);
    await nullIn(tx, 'incidents', 'declared_by', userIds);
    await nullIn(tx, 'services', 'owner_team_id', teamIds);
    await deleteIn(tx, 'incident_audiences', 'ref', orgIds);
    // reports and CSAT (issue 18): survey rows hold the customer's address and comment.
    await deleteIn(tx, 'satisfaction_surveys', 'ticket_id', ticketIds);
    await deleteIn(tx, 'satisfaction_surveys', 'customer_id', customerIds);
    await nullIn(tx, 'satisfaction_surveys', 'agent_id', userIds);
    await nullIn(tx, 'satisfaction_surveys', 'team_id', teamIds);
    await deleteIn(tx, 'report_responses', 'ticket_id', ticketIds);
    await deleteIn(tx, 'report_ticket_facts', 'id', ticketIds);
    await nullIn(tx, 'report_ticket_facts', 'assignee_id', userIds);
    await nullIn(tx, 'report_ticket_facts', 'team_id', teamIds);
    await deleteIn(tx, 'public_ticket_links', 'ticket_id', ticketIds);
    await deleteIn(tx, 'public_ticket_links', 'customer_id', customerIds);
    await deleteIn(tx, 'messaging_conversations', 'ticket_id', ticketIds);
    await nullIn(tx, 'messaging_conversations', 'customer_id', customerIds);
    await nullIn(tx, 'inbound_messages', 'ticket_id', ticketIds);
    await deleteIn(tx, 'ticket_message_ids', 'ticket_id', ticketIds);
    await deleteIn(tx, 'sla_clocks', 'ticket_id', ticketIds);
    await deleteIn(tx, 'ticket_sla', 'ticket_id', ticketIds);
    await deleteIn(tx, 'attachments', 'ticket_id', ticketIds);
    await deleteIn(tx, 'ticket_tags', 'ticket_id', ticketIds);
    await deleteIn(tx, 'ticket_events', 'ticket_id', ticketIds);
    // search and knowledge (0022): index rows hold the demo's names and texts.
    await deleteIn(tx, 'search_documents', 'ticket_id', ticketIds);
    await deleteIn(tx, 'search_documents', 'customer_id', customerIds);
    await deleteIn(tx, 'search_documents', 'ref_id', [...orgIds, ...escalationIds, ...handIds]);
    await deleteIn(tx, 'article_uses', 'ticket_id', ticketIds);
    await deleteIn(tx, 'escalation_deflections', 'ticket_id', ticketIds);
    await nullIn(tx, 'article_uses', 'user_id', userIds);
    await nullIn(tx, 'escalation_deflections', 'user_id', userIds);
    await nullIn(tx, 'articles', 'owner_id', userIds);
    await nullIn(tx, 'articles', 'created_by', userIds);
    // macros and saved views (0023): personal ones go with their owner.
    for (const table of ['macros', 'saved_views'] as const) {
      await deleteIn(tx, table, 'owner_id', userIds);
      await nullIn(tx, table, 'created_by', userIds);
      await nullIn(tx, table, 'updated_by', userIds);
    }
    await deleteIn(tx, 'tickets', 'id', ticketIds);
    await nullIn(tx, 'tickets', 'assignee_id', userIds);
    await nullIn(tx, 'tickets', 'created_by', userIds);
    await nullIn(tx, 'tickets', 'team_id', teamIds);

    await deleteIn(tx, 'escalation_path_versions', 'path_id', pathIds);
    await deleteIn(tx, 'escalation_paths', 'id', pathIds);
    await nullIn(tx, 'escalation_path_versions', 'author_id', userIds);
    await nullIn(tx, 'escalation_paths', 'last_reviewed_by', userIds);
    await deleteIn(tx, 'rotations', 'id', rotationIds);
    await deleteIn(tx, 'sla_policies', 'id', policyIds);
    await deleteIn(tx, 'calendars', 'id', calendarIds);

    await deleteIn(tx, 'team_channels', 'team_id', teamIds);
    await deleteIn(tx, 'team_members', 'team_id', teamIds);
    await deleteIn(tx, 'team_members', 'user_id', userIds);
    await deleteIn(tx, 'teams', 'id', teamIds);
    await deleteIn(tx, 'customers', 'id', customerIds);
    await nullIn(tx, 'customers', 'organization_id', orgIds);
    await deleteIn(tx, 'organizations', 'id', orgIds);

    await deleteIn(tx, 'sessions', 'user_id', userIds);
    await deleteIn(tx, 'api_tokens', 'user_id', userIds);
    await deleteIn(tx, 'notification_preferences', 'user_id', userIds);
    await nullIn(tx, 'users', 'delegate_user_id', userIds);
    await deleteIn(tx, 'users', 'id', userIds);
    await tx.deleteFrom('settings').where('key', '=', 'workspace.demo').execute();

    const counts: DemoRemoval = {
      users: userIds.length,
      teams: teamIds.length,
      customers: customerIds.length,
      organizations: orgIds.length,
      tickets: ticketIds.length,
      escalations: escalationIds.length,
      escalationPaths: pathIds.length,
      rotations: rotationIds.length,
      slaPolicies: policyIds.length,
      calendars: calendarIds.length,
      jobs: jobIds.length,
      hands: handIds.length,
    };
    await deps.audit.record(tx, { actorId: null, action: 'demo.removed', targetType: 'workspace', data: { ...counts } });
    return counts;
  });
}

type Table = keyof Database;

/** Deletes rows whose column is one of values, a few hundred at a time (bound-parameter limits). */
async function deleteIn(tx: Tx, table: Table, column: string, values: string[]): Promise<void> {
  for (let i = 0; i < values.length; i += 500) {
    // Table and column come from this file, never from input.
    await tx
      .deleteFrom(table)
      .where(column as never, 'in', values.slice(i, i + 500) as never)
      .execute();
  }
}

/** Ids of the rows where any of the columns holds one of its values. */
async function anyIn(tx: Tx, table: 'deliveries' | 'notifications' | 'hands', where: Record<string, string[]>): Promise<{ id: string }[]> {
  const found = new Map<string, { id: string }>();
  for (const [column, values] of Object.entries(where)) {
    for (let i = 0; i < values.length; i += 500) {
      const rows = await tx
        .selectFrom(table)
        .select('id')
        .where(column as never, 'in', values.slice(i, i + 500) as never)
        .execute();
      for (const r of rows) found.set(r.id, r);
    }
  }
  return [...found.values()];
}

/** Clears a reference to removed rows from rows that stay. */
async function nullIn(tx: Tx, table: Table, column: string, values: string[]): Promise<void> {
  for (let i = 0; i < values.length; i += 500) {
    await tx
      .updateTable(table)
      .set({ [column]: null } as never)
      .where(column as never, 'in', values.slice(i, i + 500) as never)
      .execute();
  }
}
