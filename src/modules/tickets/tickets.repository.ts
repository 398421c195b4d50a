import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/database.js';
import { containsInsensitive, nextCounterValue, type DialectName } from '../../db/dialect.js';
import type { Insertable } from 'kysely';
import type { AttachmentsTable, TicketEventsTable, TicketsTable } from '../../db/schema.js';

/**
 * One ticket of a bulk action inside the chunk's transaction: its changes are undone alone when
 * it fails (the same statements on SQLite and PostgreSQL).
 */
export async function inSavepoint<T>(tx: Executor, fn: () => Promise<T>): Promise<T> {
  await sql`savepoint bulk_item`.execute(tx);
  try {
    const r = await fn();
    await sql`release savepoint bulk_item`.execute(tx);
    return r;
  } catch (err) {
    await sql`rollback to savepoint bulk_item`.execute(tx);
    await sql`release savepoint bulk_item`.execute(tx);
    throw err;
  }
}

export const nextTicketNumber = (ex: Executor): Promise<number> => nextCounterValue(ex, 'ticket_number');

export const insertTicket = (ex: Executor, row: TicketsTable) => ex.insertInto('tickets').values(row).execute();
export const findTicket = (ex: Executor, id: string) => ex.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
export const findTicketByNumber = (ex: Executor, n: number) => ex.selectFrom('tickets').selectAll().where('number', '=', n).executeTakeFirst();

/** Optimistic update: succeeds only if nobody changed the ticket since `version` was read. */
export async function updateTicket(ex: Executor, id: string, version: number, patch: Partial<TicketsTable>): Promise<boolean> {
  const r = await ex
    .updateTable('tickets')
    .set({ ...patch, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertTags(ex: Executor, ticketId: string, tags: string[]) {
  if (tags.length) await ex.insertInto('ticket_tags').values(tags.map((tag) => ({ ticket_id: ticketId, tag }))).execute();
}

export async function replaceTags(ex: Executor, ticketId: string, tags: string[]) {
  await ex.deleteFrom('ticket_tags').where('ticket_id', '=', ticketId).execute();
  if (tags.length) await ex.insertInto('ticket_tags').values(tags.map((tag) => ({ ticket_id: ticketId, tag }))).execute();
}

/** The tickets with these ids, each with whether its team is restricted (a bulk action's chunk, read once). */
export const findTicketsWithTeam = (ex: Executor, ids: string[]) =>
  ids.length
    ? ex.selectFrom('tickets').leftJoin('teams', 'teams.id', 'tickets.team_id').selectAll('tickets').select('teams.restricted as team_restricted').where('tickets.id', 'in', ids).execute()
    : Promise.resolve([]);

/** The columns a bulk action writes per ticket. */
export type TicketColumns = Pick<TicketsTable, 'subject' | 'status' | 'priority' | 'category' | 'product' | 'tags' | 'team_id' | 'assignee_id' | 'requester_id' | 'temperature' | 'cc' | 'solved_at' | 'closed_at'>;

/**
 * Optimistic update of many tickets in one statement: each gets its own values (`case id when …`)
 * for the columns that change on any of them, and its version + 1; rows whose version moved meanwhile
 * are left alone. Returns how many were written (fewer than asked: someone changed one meanwhile).
 */
export async function updateTicketsEach(ex: Executor, rows: { id: string; version: number; set: Partial<TicketColumns> }[], now: number): Promise<number> {
  if (rows.length === 0) return 0;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r.set)))] as (keyof TicketColumns)[];
  // `else <column>` gives the CASE the column's type on PostgreSQL (the parameters alone are untyped).
  const caseOf = (col: keyof TicketColumns) =>
    sql`case ${sql.ref('id')} ${sql.join(
      rows.filter((r) => col in r.set).map((r) => sql`when ${r.id} then ${r.set[col] ?? null}`),
      sql` `,
    )} else ${sql.ref(col)} end`;
  const set: Record<string, unknown> = Object.fromEntries(cols.map((c) => [c, caseOf(c)]));
  const r = await ex
    .updateTable('tickets')
    .set({ ...set, updated_at: now, version: sql`version + 1` } as never)
    .where('id', 'in', rows.map((x) => x.id))
    .where(sql<boolean>`version = case ${sql.ref('id')} ${sql.join(rows.map((x) => sql`when ${x.id} then ${x.version}`), sql` `)} else -1 end`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** replaceTags for many tickets: two statements in all. */
export async function replaceTagsEach(ex: Executor, tags: { ticketId: string; tags: string[] }[]) {
  if (tags.length === 0) return;
  await ex.deleteFrom('ticket_tags').where('ticket_id', 'in', tags.map((t) => t.ticketId)).execute();
  const rows = tags.flatMap((t) => t.tags.map((tag) => ({ ticket_id: t.ticketId, tag })));
  if (rows.length) await ex.insertInto('ticket_tags').values(rows).execute();
}

/** Many timeline events in one statement. */
export const insertEvents = async (ex: Executor, rows: Insertable<TicketEventsTable>[]) => {
  if (rows.length) await ex.insertInto('ticket_events').values(rows).execute();
};

export type TicketSort = 'created' | '-created' | 'updated' | '-updated';

export interface TicketFilter {
  status?: string[];
  priority?: string[];
  teamId?: string[];
  assigneeId?: string | null;
  unassigned?: boolean;
  requesterId?: string;
  /** Tickets whose requester belongs to this organization. */
  organizationId?: string;
  tag?: string[];
  category?: string[];
  product?: string;
  channel?: string;
  text?: string;
  /** Ids of the tickets the search index finds for `text` (a subquery); without it, `text` is matched as a substring. */
  textMatch?: RawBuilder<{ ticket_id: string }> | null;
  ids?: string[];
  /** SLA: tickets with an open clock breached, or (atRisk) running and due before this instant. */
  sla?: { breached: boolean; dueBefore?: number };
  /** Who may see which ticket (ticketVisibleCondition): absent when the viewer sees them all. */
  visible?: RawBuilder<boolean>;
}

/** Open clocks past or near due, of the at-risk and breached filters (served by partial indexes). */
function slaClockArms(ex: Executor, sla: NonNullable<TicketFilter['sla']>, limit?: number) {
  // The predicates repeat the partial indexes' own (migration 0010) literally, so both planners match them.
  let breached = ex
    .selectFrom('sla_clocks')
    .select('sla_clocks.ticket_id')
    .where(sql<boolean>`state = 'breached' and met_at is null and superseded_at is null`);
  if (limit !== undefined) breached = breached.limit(limit);
  if (sla.breached || sla.dueBefore === undefined) return [breached];
  let running = ex
    .selectFrom('sla_clocks')
    .select('sla_clocks.ticket_id')
    .where(sql<boolean>`state = 'running' and superseded_at is null`)
    .where('sla_clocks.due_at', '<=', sla.dueBefore);
  if (limit !== undefined) running = running.limit(limit);
  return [breached, running];
}

/**
 * Up to this many tickets at risk are looked up directly and sorted; beyond it the ticket
 * indexes are read in list order and each ticket's clocks checked, which finds a page quickly
 * because at-risk tickets are then common.
 */
export const SLA_DIRECT_LIMIT = 1000;

/** How many tickets the SLA filter matches, counted up to `cap` + 1 through the partial indexes. */
export async function countSlaCandidates(
  ex: Executor,
  sla: NonNullable<TicketFilter['sla']>,
  cap = SLA_DIRECT_LIMIT,
): Promise<number> {
  let total = 0;
  for (const arm of slaClockArms(ex, sla, cap + 1)) {
    const r = await ex
      .selectFrom(arm.as('c'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    total += Number(r.n);
    if (total > cap) break;
  }
  return total;
}

/** Sorts of the ticket list: by id (UUIDv7, so by creation) or by last update, each way. */
export type TicketPage = { limit: number; sort: TicketSort; after?: { v: number | null; id: string } };

/** At most this many ordered index ranges are merged for one list (assignee/team values × statuses). */
const MAX_BRANCHES = 48;
const ACTIVE_STATUSES = ['new', 'open', 'pending', 'on_hold'];
const ALL_STATUSES = [...ACTIVE_STATUSES, 'solved', 'closed'];

/**
 * The ticket list as one query. Every queue filters on status (or on all of them) and perhaps an
 * assignee or teams, and reads the first `limit` rows in id or updated_at order: that is a
 * handful of ordered ranges of the (assignee|team|priority, status, [updated_at,] id) and
 * (status, [updated_at,] id) indexes, each cut at `limit` rows and merged. So a page costs
 * branches × limit index entries however many tickets the desk holds, on both databases; the
 * other filters (priority, category, tags, SLA…) are checked on the rows each range yields.
 * Text search, tags and a requester's or an id list's tickets keep the single plain query (search
 * is its own issue; a tag or a requester is best found from its own index, which a range per
 * status would not use).
 *
 * `slaMode`: 'direct' drives the SLA filter from the clocks' partial indexes (few matches),
 * 'scan' checks each ticket's clocks while reading the ordered ranges (many matches).
 */
export function ticketListQuery(
  ex: Executor,
  dialect: DialectName,
  f: TicketFilter,
  page: TicketPage,
  slaMode: 'direct' | 'scan' = 'scan',
) {
  const desc = page.sort.startsWith('-');
  const byUpdated = page.sort.endsWith('updated');
  const dir = desc ? 'desc' : 'asc';
  const cmp = desc ? '<' : '>';
  const n = page.limit + 1;

  type Driver = { col: 'assignee_id' | 'team_id' | 'priority'; value: string | null } | null;
  let drivers: Driver[] = [null];
  if (f.assigneeId) drivers = [{ col: 'assignee_id', value: f.assigneeId }];
  else if (f.unassigned) drivers = [{ col: 'assignee_id', value: null }];
  else if (f.teamId?.length) drivers = [...new Set(f.teamId)].map((value) => ({ col: 'team_id', value }));
  else if (f.priority?.length)
    drivers = [...new Set(f.priority)].map((value) => ({ col: 'priority', value }));
  // Solving or closing a ticket stops its clocks (met, or breached and met), so only tickets in
  // an active status can have an open clock: the SLA filters read the active ranges alone unless
  // asked for other statuses (the test comparing both SLA paths holds this to account).
  let statuses: (string | null)[] = f.status?.length
    ? [...new Set(f.status)]
    : f.sla
      ? ACTIVE_STATUSES
      : ALL_STATUSES;
  if (drivers.length * statuses.length > MAX_BRANCHES) drivers = [null];
  const plain =
    f.text !== undefined ||
    f.requesterId !== undefined ||
    f.organizationId !== undefined ||
    f.ids !== undefined ||
    !!f.tag?.length ||
    (f.sla !== undefined && slaMode === 'direct');
  if (plain) {
    drivers = [null];
    statuses = [null];
  }

  const filtered = (driver: Driver, status: string | null) => {
    let q = ex.selectFrom('tickets').selectAll('tickets');
    if (f.sla && slaMode === 'direct') {
      // Few tickets at risk: start from them (CROSS JOIN keeps SQLite's join order) and sort them.
      const [first, ...rest] = slaClockArms(ex, f.sla);
      let ids = first!;
      for (const r of rest) ids = ids.unionAll(r);
      q = ex
        .selectFrom(ex.selectFrom(ids.as('a')).select('a.ticket_id').distinct().as('c'))
        .crossJoin('tickets')
        .selectAll('tickets')
        .where(sql<boolean>`tickets.id = c.ticket_id`) as unknown as typeof q;
    }
    if (status !== null) q = q.where('tickets.status', '=', status);
    else if (f.status?.length) q = q.where('tickets.status', 'in', f.status);
    if (driver?.col === 'assignee_id')
      q =
        driver.value === null
          ? q.where('tickets.assignee_id', 'is', null)
          : q.where('tickets.assignee_id', '=', driver.value);
    else if (f.assigneeId) q = q.where('tickets.assignee_id', '=', f.assigneeId);
    else if (f.unassigned) q = q.where('tickets.assignee_id', 'is', null);
    if (driver?.col === 'team_id') q = q.where('tickets.team_id', '=', driver.value);
    else if (f.teamId?.length) q = q.where('tickets.team_id', 'in', f.teamId);
    if (driver?.col === 'priority') q = q.where('tickets.priority', '=', driver.value);
    else if (f.priority?.length) q = q.where('tickets.priority', 'in', f.priority);
    if (f.requesterId) q = q.where('tickets.requester_id', '=', f.requesterId);
    if (f.organizationId)
      q = q.where('tickets.requester_id', 'in', ex.selectFrom('customers').select('customers.id').where('customers.organization_id', '=', f.organizationId));
    if (f.category?.length) q = q.where('tickets.category', 'in', f.category);
    if (f.product) q = q.where('tickets.product', '=', f.product);
    if (f.channel) q = q.where('tickets.channel', '=', f.channel);
    if (f.ids) q = q.where('tickets.id', 'in', f.ids.length ? f.ids : ['']);
    // Checked on the rows each range yields, like the other filters: the ranges stay the same.
    if (f.visible) q = q.where(f.visible);
    if (f.sla && slaMode === 'scan') {
      // Many tickets at risk: probe each ticket of the ranges in the partial indexes of open
      // clocks (a miss costs one descent of a small index, no clock row is read).
      const { breached, dueBefore } = f.sla;
      const probe = (cond: ReturnType<typeof sql<boolean>>) =>
        ex
          .selectFrom('sla_clocks')
          .select(sql`1`.as('one'))
          .where(sql<boolean>`sla_clocks.ticket_id = tickets.id`)
          .where(cond);
      // One EXISTS over a UNION ALL: PostgreSQL turned `EXISTS … OR EXISTS …` into hashed
      // subplans that read every open breached clock (55,000 at 500,000 tickets) per range.
      let arms = probe(sql<boolean>`state = 'breached' and met_at is null and superseded_at is null`);
      if (!breached && dueBefore !== undefined)
        arms = arms.unionAll(
          probe(sql<boolean>`state = 'running' and superseded_at is null`).where(
            'sla_clocks.due_at',
            '<=',
            dueBefore,
          ),
        );
      q = q.where((eb) => eb.exists(arms));
    }
    for (const tag of f.tag ?? []) {
      q = q.where(
        'tickets.id',
        'in',
        ex.selectFrom('ticket_tags').select('ticket_id').where('tag', '=', tag),
      );
    }
    if (f.text && f.textMatch) {
      const num = /^#?(\d{1,12})$/.exec(f.text.trim());
      const match = f.textMatch;
      q = q.where((eb) => eb.or([eb('tickets.id', 'in', sql<string>`(${match})`), ...(num ? [eb('tickets.number', '=', Number(num[1]))] : [])]));
    } else if (f.text) {
      const text = f.text;
      const num = /^#?(\d{1,12})$/.exec(text.trim());
      q = q.where((eb) =>
        eb.or([
          containsInsensitive(dialect, 'tickets.subject', text),
          ...(num ? [eb('tickets.number', '=', Number(num[1]))] : []),
          eb.exists(
            ex
              .selectFrom('ticket_events')
              .select(sql`1`.as('one'))
              .where(sql<boolean>`ticket_events.ticket_id = tickets.id`)
              .where('ticket_events.kind', '=', 'message.added')
              .where(containsInsensitive(dialect, 'ticket_events.body', text)),
          ),
        ]),
      );
    }
    if (page.after) {
      const a = page.after;
      // `updated_at <= v` is the index range; the tie on updated_at is broken by id.
      if (byUpdated)
        q = q
          .where('tickets.updated_at', desc ? '<=' : '>=', a.v as number)
          .where((eb) => eb.or([eb('tickets.updated_at', cmp, a.v as number), eb('tickets.id', cmp, a.id)]));
      else q = q.where('tickets.id', cmp, a.id);
    }
    if (byUpdated) q = q.orderBy('tickets.updated_at', dir);
    return q.orderBy('tickets.id', dir).limit(n);
  };

  const branches = drivers.flatMap((d) => statuses.map((s) => filtered(d, s)));
  if (branches.length === 1) return branches[0]!;
  // Each range is a subquery (SQLite allows ORDER BY/LIMIT only there), merged and cut again.
  const arms = branches.map((b, i) => ex.selectFrom(b.as(`b${i}`)).selectAll());
  let merged = arms[0]!;
  for (const a of arms.slice(1)) merged = merged.unionAll(a);
  let outer = ex.selectFrom(merged.as('u')).selectAll();
  if (byUpdated) outer = outer.orderBy('u.updated_at', dir);
  return outer.orderBy('u.id', dir).limit(n);
}

/** How many tickets match, counted up to cap + 1 (the list's query cut there, so as cheap as a page of that size): more than cap means "more". */
export async function countTickets(ex: Executor, dialect: DialectName, f: TicketFilter, cap: number): Promise<number> {
  const slaMode = f.sla && (await countSlaCandidates(ex, f.sla)) <= SLA_DIRECT_LIMIT ? 'direct' : 'scan';
  const rows = ticketListQuery(ex, dialect, f, { limit: cap, sort: '-created' }, slaMode);
  const r = await ex.selectFrom(rows.as('c')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function listTickets(ex: Executor, dialect: DialectName, f: TicketFilter, page: TicketPage) {
  const slaMode = f.sla && (await countSlaCandidates(ex, f.sla)) <= SLA_DIRECT_LIMIT ? 'direct' : 'scan';
  return ticketListQuery(ex, dialect, f, page, slaMode).execute();
}

export const insertEvent = (ex: Executor, row: Insertable<TicketEventsTable>) => ex.insertInto('ticket_events').values(row).execute();

export function listEvents(ex: Executor, ticketId: string, opts: { limit: number; after?: string; visibility?: 'public'; id?: string }) {
  let q = ex
    .selectFrom('ticket_events')
    .leftJoin('users', (j) => j.onRef('users.id', '=', 'ticket_events.author_id').on('ticket_events.author_type', '=', 'user'))
    .leftJoin('customers', (j) => j.onRef('customers.id', '=', 'ticket_events.author_id').on('ticket_events.author_type', '=', 'customer'))
    .selectAll('ticket_events')
    .select(['users.name as user_name', 'customers.name as customer_name'])
    .where('ticket_events.ticket_id', '=', ticketId)
    .orderBy('ticket_events.id')
    .limit(opts.limit + 1);
  if (opts.after) q = q.where('ticket_events.id', '>', opts.after);
  if (opts.visibility) q = q.where('ticket_events.visibility', '=', opts.visibility);
  if (opts.id) q = q.where('ticket_events.id', '=', opts.id);
  return q.execute();
}

export const insertAttachment = (ex: Executor, row: AttachmentsTable) => ex.insertInto('attachments').values(row).execute();
export const findAttachment = (ex: Executor, id: string) => ex.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
export const listAttachments = (ex: Executor, ticketId: string) =>
  ex.selectFrom('attachments').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();

/** Links uploaded files that are on no message yet to a message; returns how many were linked. */
export async function linkAttachments(ex: Executor, ticketId: string, eventId: string, ids: string[]): Promise<number> {
  const r = await ex.updateTable('attachments').set({ event_id: eventId }).where('ticket_id', '=', ticketId).where('id', 'in', ids).where('event_id', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
