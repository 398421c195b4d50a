import { CompiledQuery } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { ticketListQuery, type TicketFilter, type TicketPage } from './tickets.repository.js';
import { ticketVisibleCondition } from './ticket-access.repository.js';

/*
 * The ticket list at scale (issue 13, Growth): the list reads a few ordered index ranges and
 * merges them. These tests check (1) that the merged ranges return exactly what one plain
 * filter-and-sort would, across pages, ties and every sort, and (2) that the plans use the
 * intended indexes on both databases — no full scan of tickets, no sort of a whole status —
 * so a query or index change that makes the lists grow with the table fails here.
 */

const S = 1000;
const ACTIVE = ['new', 'open', 'pending', 'on_hold'];

interface Seeded {
  teams: string[];
  agents: string[];
}

async function seed(c: TestContext): Promise<Seeded> {
  const { deps, actors, clock, request } = c;
  const agents = [actors.agent.id, c.otherAgent.id, actors.specialist.id];
  const teams: string[] = [];
  for (const name of ['List A', 'List B', 'List C'])
    teams.push(
      (
        await deps.teams.create({
          name,
          members: agents.map((userId) => ({ userId, role: 'member' as const })),
        })
      ).id,
    );
  // A short first-response target on the SLA clocks, 24/7, for tickets of this suite.
  const p = await request('POST', '/api/v1/sla-policies', actors.admin, {
    name: 'list',
    position: 0,
    conditions: { category: ['list'] },
    targets: {
      normal: { firstResponse: { seconds: 3600, calendarId: null } },
      high: { firstResponse: { seconds: 600, calendarId: null } },
    },
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const statuses = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
  for (let i = 0; i < 48; i++) {
    // Several tickets share an instant, so ties on updated_at are broken by id.
    if (i % 3 === 0) clock.advance(60 * S);
    const status = statuses[(i * 7) % 6]!;
    const assigneeId = i % 4 === 0 ? null : agents[i % 3]!;
    const final = assigneeId ? (status === 'new' ? 'open' : status) : status === 'closed' ? 'new' : status;
    const t = await deps.tickets.create(null, {
      subject: `List ${i}`,
      ...(final !== 'closed' && { description: 'The scanner jams.' }),
      priority: i % 5 === 0 ? 'high' : 'normal',
      category: 'list',
      teamId: i % 6 === 5 ? null : teams[i % 3],
      assigneeId,
      status: final,
    });
    // Some tickets change later, so updated order differs from creation order.
    if (i % 5 === 2 && final !== 'closed') {
      clock.advance(7 * S);
      await deps.tickets.update(null, t.id, { temperature: 'upset' });
    }
  }
  return { teams, agents };
}

describeEachDb('ticket list at scale', (ctx) => {
  let s: Seeded;
  beforeAll(async () => {
    s = await seed(ctx());
  });

  it('merged index ranges return what one filter-and-sort returns, page by page, for every sort', async () => {
    const { request, actors, deps, clock } = ctx();
    // Some clocks run out: the at-risk filter then has both breached and running clocks to find.
    clock.advance(30 * 60 * S);
    await deps.jobs.drain();
    const all = (
      await deps.database.db.selectFrom('tickets').selectAll().where('category', '=', 'list').execute()
    ).map((r) => ({ ...r, updated_at: Number(r.updated_at) }));
    const open = await deps.database.db
      .selectFrom('sla_clocks')
      .select(['ticket_id', 'state', 'met_at', 'due_at'])
      .where('superseded_at', 'is', null)
      .execute();
    const atRisk = (id: string, within: number) =>
      open.some(
        (k) =>
          k.ticket_id === id &&
          ((k.state === 'breached' && k.met_at === null) ||
            (k.state === 'running' && Number(k.due_at) <= clock.now() + within * S)),
      );
    expect(all.filter((t) => atRisk(t.id, 0)).length).toBeGreaterThan(0);
    const cases: { q: string; keep: (t: (typeof all)[number]) => boolean }[] = [
      { q: 'status=new', keep: (t) => t.status === 'new' },
      { q: ACTIVE.map((x) => `status=${x}`).join('&'), keep: (t) => ACTIVE.includes(t.status) },
      { q: 'status=open&priority=high', keep: (t) => t.status === 'open' && t.priority === 'high' },
      { q: 'priority=high&priority=normal', keep: (t) => ['high', 'normal'].includes(t.priority) },
      {
        q: `assignee=${s.agents[1]}&status=open&status=pending`,
        keep: (t) => t.assignee_id === s.agents[1] && ['open', 'pending'].includes(t.status),
      },
      { q: `assignee=${s.agents[2]}`, keep: (t) => t.assignee_id === s.agents[2] },
      {
        q: 'assignee=none&status=new&status=open',
        keep: (t) => t.assignee_id === null && ['new', 'open'].includes(t.status),
      },
      {
        q: `team=${s.teams[0]}&team=${s.teams[2]}&status=new&status=open&status=solved`,
        keep: (t) =>
          [s.teams[0], s.teams[2]].includes(t.team_id!) && ['new', 'open', 'solved'].includes(t.status),
      },
      {
        q: `team=${s.teams[1]}&assignee=${s.agents[0]}`,
        keep: (t) => t.team_id === s.teams[1] && t.assignee_id === s.agents[0],
      },
      { q: '', keep: () => true },
      { q: 'sla=at_risk&slaWindow=0', keep: (t) => atRisk(t.id, 0) },
      {
        q: `sla=at_risk&slaWindow=3600&${ACTIVE.map((x) => `status=${x}`).join('&')}`,
        keep: (t) => atRisk(t.id, 3600) && ACTIVE.includes(t.status),
      },
    ];
    for (const sort of ['-created', 'created', '-updated', 'updated'] as const) {
      for (const { q, keep } of cases) {
        const key = (t: (typeof all)[number]) =>
          (sort.endsWith('updated') ? [t.updated_at, t.id] : [0, t.id]) as [number, string];
        const expected = all
          .filter(keep)
          .sort((a, b) => {
            const [x, y] = [key(a), key(b)];
            const c = x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
            return sort.startsWith('-') ? -c : c;
          })
          .map((t) => t.id);
        const got: string[] = [];
        let cursor: string | null = null;
        do {
          const r = await request(
            'GET',
            `/api/v1/tickets?category=list&${q}&sort=${sort}&limit=4${cursor ? `&cursor=${cursor}` : ''}`,
            actors.agent,
          );
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          got.push(...r.body.items.map((t: { id: string }) => t.id));
          cursor = r.body.nextCursor;
        } while (cursor && got.length < 200);
        expect(got, `${q} sort=${sort}`).toEqual(expected);
      }
    }
  });

  it('the at-risk filter answers the same read from the clocks or from the ticket ranges', async () => {
    const { deps, clock } = ctx();
    const db = deps.database.db;
    let found = 0;
    for (const sla of [
      { breached: true },
      { breached: false, dueBefore: clock.now() },
      { breached: false, dueBefore: clock.now() + 3600 * S },
    ]) {
      for (const sort of ['-updated', 'created'] as const) {
        for (const status of [ACTIVE, undefined, ['solved', 'closed', 'new']]) {
          const f: TicketFilter = { status, sla, category: ['list'] };
          const page: TicketPage = { limit: 100, sort };
          const direct = (await ticketListQuery(db, deps.database.dialect, f, page, 'direct').execute()).map(
            (r) => r.id,
          );
          const scan = (await ticketListQuery(db, deps.database.dialect, f, page, 'scan').execute()).map(
            (r) => r.id,
          );
          expect(direct, JSON.stringify({ status, sla, sort })).toEqual(scan);
          found += direct.length;
        }
      }
    }
    expect(found).toBeGreaterThan(0);
  });

  it('plans: every list reads ordered index ranges of tickets, never the whole table', async () => {
    const { deps, kind } = ctx();
    const db = deps.database.db;
    const dialect = deps.database.dialect;
    const pageAfter = { v: Date.UTC(2026, 0, 5), id: '01900000-0000-7000-8000-000000000000' };
    // `tickets`: the indexes the ranges must use; `pg`: others PostgreSQL may prefer on this
    // suite's few rows (still an ordered range on status, the assignee filtered on its rows).
    const plans: {
      name: string;
      f: TicketFilter;
      page: TicketPage;
      sla?: 'direct' | 'scan';
      tickets: string[];
      pg?: string[];
      others?: RegExp;
    }[] = [
      {
        name: 'status=new -updated',
        f: { status: ['new'] },
        page: { limit: 50, sort: '-updated' },
        tickets: ['tickets_status_updated'],
      },
      {
        name: 'status=new -updated, page 2',
        f: { status: ['new'] },
        page: { limit: 50, sort: '-updated', after: pageAfter },
        tickets: ['tickets_status_updated'],
      },
      {
        name: 'active -created',
        f: { status: ACTIVE },
        page: { limit: 50, sort: '-created' },
        tickets: ['tickets_status'],
      },
      {
        name: 'active created, page 2',
        f: { status: ACTIVE },
        page: { limit: 50, sort: 'created', after: pageAfter },
        tickets: ['tickets_status'],
      },
      {
        name: 'open & high',
        f: { status: ['open'], priority: ['high'] },
        page: { limit: 50, sort: '-created' },
        tickets: ['tickets_priority_status'],
      },
      {
        name: 'active & high or urgent, -updated',
        f: { status: ACTIVE, priority: ['high', 'urgent'] },
        page: { limit: 50, sort: '-updated' },
        tickets: ['tickets_priority_status_updated'],
      },
      {
        name: 'mine, active',
        f: { assigneeId: s.agents[0], status: ACTIVE },
        page: { limit: 50, sort: '-created' },
        tickets: ['tickets_assignee_status'],
      },
      {
        name: 'mine, active -updated',
        f: { assigneeId: s.agents[0], status: ACTIVE },
        page: { limit: 50, sort: '-updated' },
        tickets: ['tickets_assignee_status_updated'],
      },
      {
        name: 'unassigned, active',
        f: { unassigned: true, status: ACTIVE },
        page: { limit: 50, sort: '-created' },
        tickets: ['tickets_assignee_status'],
        pg: ['tickets_status'],
      },
      {
        name: 'my teams, active -updated',
        f: { teamId: s.teams.slice(0, 2), status: ACTIVE },
        page: { limit: 50, sort: '-updated' },
        tickets: ['tickets_team_status_updated'],
      },
      {
        name: 'everything -updated',
        f: {},
        page: { limit: 50, sort: '-updated' },
        tickets: ['tickets_status_updated'],
      },
      {
        name: 'at risk (clocks first)',
        f: { status: ACTIVE, sla: { breached: false, dueBefore: Date.UTC(2026, 0, 5) } },
        page: { limit: 100, sort: '-updated' },
        sla: 'direct',
        tickets: [],
        others: /sla_clocks_breached_open|sla_clocks_running_due/,
      },
      {
        name: 'at risk (ranges first)',
        f: { status: ACTIVE, sla: { breached: false, dueBefore: Date.UTC(2026, 0, 5) } },
        page: { limit: 100, sort: '-updated' },
        sla: 'scan',
        tickets: ['tickets_status_updated'],
        others: /sla_clocks_breached_open[^]*sla_clocks_running_ticket/,
      },
    ];
    // A viewer outside a restricted team who received an escalation of one of its tickets: the
    // same ranges, the visibility checked on the rows they yield.
    const visible = ticketVisibleCondition({ all: false, userId: s.agents[1]!, hiddenTeamIds: [s.teams[2]!], teamIds: [s.teams[0]!], receivedTicketIds: ['01900000-0000-7000-8000-00000000000a'] })!;
    for (const p of [...plans]) plans.push({ ...p, name: `${p.name}, restricted team hidden`, f: { ...p.f, visible } });
    for (const p of plans) {
      const compiled = ticketListQuery(db, dialect, p.f, p.page, p.sla).compile();
      if (kind === 'sqlite') {
        const rows = (
          await db.executeQuery<{ detail: string }>(
            CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
          )
        ).rows.map((r) => r.detail);
        const onTickets = rows.filter((d) => /^(SCAN|SEARCH) tickets\b/.test(d));
        expect(onTickets.length, `${p.name}: ${rows.join(' | ')}`).toBeGreaterThan(0);
        for (const d of onTickets) {
          // SEARCH = an index range (or key lookup); SCAN tickets = the whole table or a whole index.
          expect(d, `${p.name}: ${rows.join(' | ')}`).toMatch(
            /^SEARCH tickets USING (COVERING )?INDEX (\w+)/,
          );
          // Tickets found from their clocks are looked up by id, through whichever index has it.
          if (p.sla === 'direct') expect(d, p.name).toMatch(/\bid=\?/);
          else expect(p.tickets, `${p.name}: ${d}`).toContain(/INDEX (\w+)/.exec(d)![1]);
        }
        // A range is read in index order and cut at the limit: SQLite sorts only what the ranges
        // yield, to merge them (a temp b-tree right after `SCAN b<n>`, the limited subquery), and
        // the few at-risk tickets found from their clocks; never the rows of a tickets range.
        rows.forEach((d, i) => {
          if (d.includes('TEMP B-TREE FOR ORDER BY') && p.sla !== 'direct')
            expect(rows[i - 1], `${p.name}: ${rows.join(' | ')}`).toMatch(/^SCAN (b\d+|u)$/);
        });
        expect(
          rows.filter((d) => /^SCAN sla_clocks$/.test(d)),
          `${p.name}: ${rows.join(' | ')}`,
        ).toEqual([]);
        if (p.others) expect(rows.join(' | '), p.name).toMatch(p.others);
      } else {
        // PostgreSQL's planner reads small test tables whole whatever the indexes; with sequential
        // scans, bitmaps and sorts priced out, it shows whether an ordered index path exists.
        const plan = await db.transaction().execute(async (tx) => {
          await tx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
          await tx.executeQuery(CompiledQuery.raw('set local enable_bitmapscan = off'));
          await tx.executeQuery(CompiledQuery.raw('set local enable_sort = off'));
          const r = await tx.executeQuery<{ 'QUERY PLAN': unknown }>(
            CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
          );
          return (r.rows[0]!['QUERY PLAN'] as { Plan: PgNode }[])[0]!.Plan;
        });
        const nodes: { node: PgNode; parent: PgNode | null }[] = [];
        const walk = (n: PgNode, parent: PgNode | null) => {
          nodes.push({ node: n, parent });
          for (const c of n.Plans ?? []) walk(c, n);
        };
        walk(plan, null);
        const text = JSON.stringify(plan);
        const onTickets = nodes.filter(({ node }) => node['Relation Name'] === 'tickets');
        expect(onTickets.length, `${p.name}: ${text}`).toBeGreaterThan(0);
        for (const { node } of onTickets) {
          // An index range (Index Cond), not a walk of a whole index.
          expect(node['Node Type'], `${p.name}: ${text}`).toMatch(/^Index (Only )?Scan$/);
          expect(node['Index Cond'], `${p.name}: ${text}`).toBeTruthy();
          if (p.sla === 'direct') expect(node['Index Cond'], `${p.name}: ${text}`).toMatch(/\bid = /);
          else expect([...p.tickets, ...(p.pg ?? [])], `${p.name}: ${text}`).toContain(node['Index Name']);
        }
        // A sort is allowed only where the ranges are merged (above an Append), or over the few
        // at-risk tickets found from their clocks.
        for (const { node } of nodes.filter(({ node }) => node['Node Type'] === 'Sort')) {
          const merges = (node.Plans ?? []).some(
            (c) =>
              c['Node Type'] === 'Append' ||
              (c['Node Type'] === 'Subquery Scan' && c.Plans?.[0]?.['Node Type'] === 'Append'),
          );
          expect(merges || p.sla === 'direct', `${p.name}: ${text}`).toBe(true);
        }
        expect(
          nodes.filter(
            ({ node }) => node['Relation Name'] === 'sla_clocks' && node['Node Type'] === 'Seq Scan',
          ),
          `${p.name}: ${text}`,
        ).toEqual([]);
        if (p.others) expect(text, p.name).toMatch(p.others);
      }
    }
  });
});

interface PgNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PgNode[];
}
