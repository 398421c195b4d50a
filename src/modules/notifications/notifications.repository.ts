/** Queries of the notifications module (portable SQL; no rules here). */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import { dialectOf } from '../../db/dialect.js';
import type { DeliveriesTable, NotificationsTable } from '../../db/schema.js';
import type { CursorKey } from '../../http/cursor.js';

// ------------------------------------------------------------------ people, tickets, facts

export const usersByIds = (ex: Executor, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : ex.selectFrom('users').select(['id', 'name', 'email', 'locale', 'time_zone', 'role', 'active']).where('id', 'in', ids).execute();

export const preferencesOf = (ex: Executor, ids: string[]) =>
  ids.length === 0 ? Promise.resolve([]) : ex.selectFrom('notification_preferences').selectAll().where('user_id', 'in', ids).execute();

export async function upsertPreferences(ex: Executor, row: { user_id: string; channels: string; quiet_hours: string | null; slack_user_id: string | null; slack_verified_at: number | null; updated_at: number }): Promise<void> {
  await ex
    .insertInto('notification_preferences')
    .values(row)
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ channels: row.channels, quiet_hours: row.quiet_hours, slack_user_id: row.slack_user_id, slack_verified_at: row.slack_verified_at, updated_at: row.updated_at }))
    .execute();
}

export const userIdBySlackId = async (ex: Executor, slackUserId: string): Promise<string | null> =>
  (await ex.selectFrom('notification_preferences').select('user_id').where('slack_user_id', '=', slackUserId).executeTakeFirst())?.user_id ?? null;

/** Who a Slack id was verified to belong to (0013); an unverified claim is nobody. */
export const userIdByVerifiedSlackId = async (ex: Executor, slackUserId: string): Promise<string | null> =>
  (await ex.selectFrom('notification_preferences').select('user_id').where('slack_user_id', '=', slackUserId).where('slack_verified_at', 'is not', null).executeTakeFirst())?.user_id ?? null;

/** Records a verified link; other people's unverified claims of the same Slack id are dropped. */
export async function linkSlackId(ex: Executor, userId: string, slackUserId: string, now: number): Promise<void> {
  await ex.updateTable('notification_preferences').set({ slack_user_id: null, slack_verified_at: null, updated_at: now }).where('slack_user_id', '=', slackUserId).where('user_id', '<>', userId).execute();
  await ex
    .insertInto('notification_preferences')
    .values({ user_id: userId, channels: '{}', quiet_hours: null, slack_user_id: slackUserId, slack_verified_at: now, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ slack_user_id: slackUserId, slack_verified_at: now, updated_at: now }))
    .execute();
}

export const activeUserIdByEmail = async (ex: Executor, email: string): Promise<string | null> =>
  (await ex.selectFrom('users').select('id').where('email', '=', email.toLowerCase()).where('active', '=', 1).executeTakeFirst())?.id ?? null;

export const ticketFacts = (ex: Executor, id: string) =>
  ex.selectFrom('tickets').select(['id', 'number', 'subject', 'priority', 'status', 'team_id', 'assignee_id', 'temperature', 'category']).where('id', '=', id).executeTakeFirst();

export const teamMemberIds = async (ex: Executor, teamId: string, roles?: string[]): Promise<string[]> => {
  let q = ex.selectFrom('team_members').innerJoin('users', 'users.id', 'team_members.user_id').select('team_members.user_id').where('team_id', '=', teamId).where('users.active', '=', 1);
  if (roles) q = q.where('team_members.role', 'in', roles);
  return (await q.execute()).map((r) => r.user_id);
};

export const escalationFacts = (ex: Executor, id: string) =>
  ex.selectFrom('escalations').select(['id', 'status', 'ticket_id', 'brief', 'ack_due_at', 'level_index', 'snapshot', 'state', 'requested_by']).where('id', '=', id).executeTakeFirst();

export const escalationTeamIds = async (ex: Executor, id: string): Promise<string[]> =>
  (await ex.selectFrom('escalation_recipients').select('ref_id').where('escalation_id', '=', id).where('kind', '=', 'team').execute()).map((r) => r.ref_id);

export const clockState = async (ex: Executor, clockId: string): Promise<string | null> =>
  (await ex.selectFrom('sla_clocks').select(['state', 'superseded_at']).where('id', '=', clockId).executeTakeFirst().then((r) => (r ? (r.superseded_at ? 'superseded' : r.state) : null))) ?? null;

// ------------------------------------------------------------------ in-app notifications

export async function insertNotification(ex: Executor, row: NotificationsTable): Promise<void> {
  await ex.insertInto('notifications').values(row).execute();
}

export function listNotifications(ex: Executor, userId: string, f: { unread?: boolean; read?: boolean; limit: number; after: CursorKey | null; visible?: RawBuilder<boolean> | null }) {
  let q = ex.selectFrom('notifications').selectAll().where('user_id', '=', userId);
  if (f.visible) q = q.where(f.visible);
  if (f.unread) q = q.where('read_at', 'is', null);
  if (f.read) q = q.where('read_at', 'is not', null);
  if (f.after) q = q.where('id', '<', f.after.id);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

export const countUnread = async (ex: Executor, userId: string, visible?: RawBuilder<boolean> | null): Promise<number> =>
  Number((await ex.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('read_at', 'is', null).$if(!!visible, (q) => q.where(visible!)).executeTakeFirst())?.n ?? 0);

export const findNotification = (ex: Executor, id: string) => ex.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();

export async function markRead(ex: Executor, userId: string, ids: string[] | 'all', now: number): Promise<number> {
  let q = ex.updateTable('notifications').set({ read_at: now }).where('user_id', '=', userId).where('read_at', 'is', null);
  if (ids !== 'all') q = q.where('id', 'in', ids);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

// ------------------------------------------------------------------ deliveries

export async function insertDelivery(ex: Executor, row: DeliveriesTable): Promise<void> {
  await ex.insertInto('deliveries').values(row).execute();
}

/** Several delivery rows in one statement; they take their sequence numbers in the order given. */
export async function insertDeliveries(ex: Executor, rows: DeliveriesTable[]): Promise<void> {
  if (rows.length) await ex.insertInto('deliveries').values(rows).execute();
}

export const findDelivery = (ex: Executor, id: string) => ex.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();

/** The newest delivery of a group (person + channel + ticket). */
export const lastInGroup = (ex: Executor, groupKey: string) =>
  ex.selectFrom('deliveries').selectAll().where('group_key', '=', groupKey).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();

/** Adds an item to a digest that has not started sending; false when it already has. */
export async function appendToOpenDelivery(ex: Executor, id: string, items: string, event: string, now: number): Promise<boolean> {
  const r = await ex.updateTable('deliveries').set({ items, event, updated_at: now }).where('id', '=', id).where('sealed', '=', 0).where('state', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function updateDelivery(ex: Executor, id: string, set: Partial<DeliveriesTable>): Promise<void> {
  await ex.updateTable('deliveries').set(set).where('id', '=', id).execute();
}

/**
 * PostgreSQL: takes the order lock of a delivery's recipient and ticket (the same key as
 * `delivery-order:<recipient>:<ticket or id>` taken with lockKey) by the delivery's id, in one
 * statement instead of a read and a lock. SQLite has one writer: nothing to take.
 */
export async function lockDeliveryOrder(ex: Executor, id: string): Promise<void> {
  if (dialectOf(ex) !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(hashtext('delivery-order:' || recipient_key || ':' || coalesce(ticket_id, id))) from deliveries where id = ${id}`.execute(ex);
}

/**
 * Deliveries as their deliver jobs decide on them, in one query for all of them: each row;
 * whether an earlier one (by sequence) of the same recipient and ticket is still on its way and
 * due by now (order is per recipient and ticket; one held back on purpose until later, by quiet
 * hours or a digest window, does not hold up what may go now; the deliveries_order index); and
 * for a webhook, its subscription.
 */
export const deliveryTurns = (ex: Executor, ids: string[], now: number) =>
  ids.length === 0
    ? Promise.resolve([])
    : ex
        .selectFrom('deliveries as d')
        .leftJoin('webhook_subscriptions as w', (j) => j.on((eb) => eb.and([eb('d.channel', '=', 'webhook'), eb('w.id', '=', sql<string>`substr(d.recipient_key, 9)`)])))
        .selectAll('d')
        .select((eb) => [
          'w.id as webhook_id',
          'w.url as webhook_url',
          'w.secret as webhook_secret',
          'w.active as webhook_active',
          'w.retry_window_ms as webhook_retry_window_ms',
          eb
            .exists(
              eb
                .selectFrom('deliveries as e')
                .select(sql<number>`1`.as('one'))
                .whereRef('e.recipient_key', '=', 'd.recipient_key')
                .whereRef('e.ticket_id', '=', 'd.ticket_id')
                .whereRef('e.seq', '<', 'd.seq')
                .where('e.state', 'in', ['pending', 'failed', 'queued'])
                .where('e.scheduled_at', '<=', now),
            )
            .as('blocked'),
        ])
        .where('d.id', 'in', ids)
        .execute();

/** One delivery as its deliver job decides on it (see deliveryTurns). */
export const deliveryTurn = async (ex: Executor, id: string, now: number) => (await deliveryTurns(ex, [id], now))[0];

/**
 * PostgreSQL: takes the order locks of several recipient-and-ticket keys in one statement, in
 * one order (sorted), so two transactions taking overlapping sets cannot deadlock each other.
 * SQLite has one writer: nothing to take.
 */
export async function lockKeys(ex: Executor, keys: string[]): Promise<void> {
  if (dialectOf(ex) !== 'postgres' || keys.length === 0) return;
  const sorted = [...new Set(keys)].sort();
  await sql`select pg_advisory_xact_lock(hashtext(k)) from unnest(${sorted}::text[]) with ordinality as t(k, n) order by n`.execute(ex);
}

/**
 * Lets the next waiting delivery (the lowest sequence in state queued) of each recipient and
 * ticket go, back to pending, in one statement for all of them; the ids released.
 */
export async function releaseNextQueuedOf(ex: Executor, pairs: { recipientKey: string; ticketId: string }[], now: number): Promise<string[]> {
  if (pairs.length === 0) return [];
  const seen = new Map(pairs.map((p) => [`${p.recipientKey}\n${p.ticketId}`, p]));
  const list = sql.join([...seen.values()].map((p) => sql`(${p.recipientKey}, ${p.ticketId})`));
  const r = await sql<{ id: string }>`
    update deliveries set state = 'pending', updated_at = ${now}
    where state = 'queued' and (recipient_key, ticket_id, seq) in (
      select recipient_key, ticket_id, min(seq) from deliveries
      where state = 'queued' and (recipient_key, ticket_id) in (${list})
      group by recipient_key, ticket_id
    )
    returning id`.execute(ex);
  return r.rows.map((x) => x.id);
}

/**
 * How many deliveries wait to be sent, counted up to `cap` only (a bounded read of the state
 * index): a fan-out of thousands of replies writes its next batch when the senders have caught up.
 */
export const outstandingDeliveries = async (ex: Executor, cap: number): Promise<number> =>
  Number(
    (await sql<{ n: number }>`select count(*) as n from (select 1 from deliveries where state = 'pending' limit ${cap}) t`.execute(ex)).rows[0]?.n ?? 0,
  );

/** Attempt log rows, in one statement. */
export async function insertAttempts(ex: Executor, rows: { id: string; delivery_id: string; attempt: number; ok: number; response: string; started_at: number; duration_ms: number }[]): Promise<void> {
  if (rows.length) await ex.insertInto('delivery_attempts').values(rows).execute();
}

/** Sets the same columns on several deliveries, in one statement. */
export async function updateDeliveries(ex: Executor, ids: string[], set: Partial<DeliveriesTable>): Promise<void> {
  if (ids.length) await ex.updateTable('deliveries').set(set).where('id', 'in', ids).execute();
}

/** Failed deliveries of a recipient whose next attempt is still ahead (brought forward when it answers again). */
export const waitingRetries = async (
  ex: Executor,
  recipientKey: string,
  now: number,
  limit: number,
): Promise<string[]> =>
  (
    await ex
      .selectFrom('deliveries')
      .select('id')
      .where('recipient_key', '=', recipientKey)
      .where('state', '=', 'failed')
      .where('next_attempt_at', '>', now)
      .orderBy('seq')
      .limit(limit)
      .execute()
  ).map((r) => r.id);

export const activeAdminIds = async (ex: Executor): Promise<string[]> =>
  (
    await ex
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .where('active', '=', 1)
      .orderBy('id')
      .execute()
  ).map((r) => r.id);

export function listDeliveries(
  ex: Executor,
  f: { state?: string; channel?: string; limit: number; after: CursorKey | null },
) {
  let q = ex.selectFrom('deliveries').selectAll();
  if (f.state) q = q.where('state', '=', f.state);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.after) q = q.where('id', '<', f.after.id);
  return q.orderBy('id', 'desc').limit(f.limit + 1).execute();
}

export const attemptsOf = (ex: Executor, deliveryIds: string[]) =>
  deliveryIds.length === 0 ? Promise.resolve([]) : ex.selectFrom('delivery_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('delivery_id').orderBy('attempt').execute();

// ------------------------------------------------------------------ team channels, webhooks, templates

export const teamChannels = (ex: Executor, teamIds?: string[]) => {
  let q = ex.selectFrom('team_channels').selectAll();
  if (teamIds) {
    if (teamIds.length === 0) return Promise.resolve([]);
    q = q.where('team_id', 'in', teamIds);
  }
  return q.orderBy('id').execute();
};
export const findTeamChannel = (ex: Executor, id: string) => ex.selectFrom('team_channels').selectAll().where('id', '=', id).executeTakeFirst();

export const webhookSubscriptions = (ex: Executor, activeOnly = false) => {
  let q = ex.selectFrom('webhook_subscriptions').selectAll();
  if (activeOnly) q = q.where('active', '=', 1);
  return q.orderBy('id').execute();
};
export const findWebhook = (ex: Executor, id: string) => ex.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).executeTakeFirst();

export const templateOverride = (ex: Executor, event: string, language: string) =>
  ex.selectFrom('notification_templates').selectAll().where('event', '=', event).where('language', '=', language).executeTakeFirst();
export const templateOverrides = (ex: Executor) => ex.selectFrom('notification_templates').selectAll().orderBy('event').orderBy('language').execute();

export async function putTemplate(ex: Executor, row: { event: string; language: string; subject: string; text: string; html: string; updated_by: string | null; updated_at: number }): Promise<void> {
  await ex
    .insertInto('notification_templates')
    .values(row)
    .onConflict((oc) => oc.columns(['event', 'language']).doUpdateSet({ subject: row.subject, text: row.text, html: row.html, updated_by: row.updated_by, updated_at: row.updated_at }))
    .execute();
}

// ---- Slack one-time links (0017)

/** A link for a Slack member; expired ones are swept as new ones are made. */
export async function insertSlackLinkToken(ex: Executor, row: { token_hash: string; slack_user_id: string; slack_team_id: string | null; expires_at: number; created_at: number }): Promise<void> {
  await ex.deleteFrom('slack_link_tokens').where('expires_at', '<=', row.created_at).execute();
  await ex.insertInto('slack_link_tokens').values(row).execute();
}

/** Takes a link once: the Slack member it was issued to, or null when unknown, used or expired. */
export async function takeSlackLinkToken(ex: Executor, tokenHash: string, now: number): Promise<string | null> {
  const row = await ex.selectFrom('slack_link_tokens').select(['slack_user_id', 'expires_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!row) return null;
  const r = await ex.deleteFrom('slack_link_tokens').where('token_hash', '=', tokenHash).executeTakeFirst();
  // Another request took it in the meantime (the delete, not the read, decides).
  if (Number(r.numDeletedRows) !== 1 || Number(row.expires_at) <= now) return null;
  return row.slack_user_id;
}
