import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import type { Principal } from '../auth/index.js';
import { REPORTS } from './reports.registry.js';

/**
 * Issue 18: the reports over HTTP on both databases — known answers from a small desk, ticket
 * visibility exactly as in lists (a non-member of a restricted team does not count its
 * tickets), drill-down, CSV encoding, bad input as 4xx.
 */
describeEachDb('reports', (get) => {
  const MIN = 60_000;
  let day = '';
  const ids = {} as Record<'support' | 'legal' | 't1' | 't2' | 't3' | 'secret' | 'e1', string>;

  it('builds a small desk: two teams (one restricted), replies, solves, a reopen, escalations', async () => {
    const c = get();
    const { actors } = c;
    const support = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Support', members: [{ userId: actors.agent.id, role: 'member' }, { userId: c.otherAgent.id, role: 'member' }] });
    const legal = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Legal', restricted: true, members: [{ userId: actors.agent.id, role: 'member' }] });
    expect([support.status, legal.status]).toEqual([201, 201]);
    ids.support = support.body.id;
    ids.legal = legal.body.id;
    const mk = async (subject: string, teamId: string, category: string) => {
      const t = await c.request('POST', '/api/v1/tickets', actors.agent, { subject, teamId, category, priority: 'high', requesterEmail: 'kunde@example.jp', requesterName: '顧客', description: '問い合わせ' });
      expect(t.status).toBe(201);
      return t.body.id as string;
    };
    ids.t1 = await mk('請求書が届かない', ids.support, '請求, 返金');
    ids.t2 = await mk('ログインできない', ids.support, 'login');
    ids.t3 = await mk('Password reset', ids.support, 'login');
    ids.secret = await mk('Confidential merger', ids.legal, 'legal');
    day = new Date(c.clock.now()).toISOString().slice(0, 10); // no calendar yet: the report calendar is 24/7 UTC

    c.clock.advance(30 * MIN);
    expect((await c.request('POST', `/api/v1/tickets/${ids.t1}/messages`, actors.agent, { body: 'お調べします', visibility: 'public' })).status).toBe(201);
    expect((await c.request('POST', `/api/v1/tickets/${ids.t2}/messages`, actors.agent, { body: 'internal only', visibility: 'internal' })).status).toBe(201);
    c.clock.advance(30 * MIN);
    expect((await c.request('PATCH', `/api/v1/tickets/${ids.t1}`, actors.agent, { status: 'solved' })).status).toBe(200);
    expect((await c.request('PATCH', `/api/v1/tickets/${ids.t1}`, actors.agent, { status: 'open' })).status).toBe(200);
    c.clock.advance(60 * MIN);
    expect((await c.request('PATCH', `/api/v1/tickets/${ids.t1}`, actors.agent, { status: 'solved' })).status).toBe(200);
    expect((await c.request('PATCH', `/api/v1/tickets/${ids.t3}`, actors.agent, { status: 'solved' })).status).toBe(200);
    const e1 = await c.request('POST', `/api/v1/tickets/${ids.t2}/escalations`, actors.agent, { target: { type: 'user', userId: actors.manager.id }, brief: { ask: '承認をお願いします' } });
    const e2 = await c.request('POST', `/api/v1/tickets/${ids.secret}/escalations`, actors.agent, { target: { type: 'user', userId: actors.admin.id }, brief: { ask: 'review' } });
    expect([e1.status, e2.status]).toEqual([201, 201]);
    ids.e1 = e1.body.id;
    c.clock.advance(10 * MIN);
    expect((await c.request('POST', `/api/v1/escalations/${ids.e1}/acknowledge`, actors.manager, {})).status).toBe(200);
    c.clock.advance(60 * MIN);
  });

  const q = (name: string, extra = '') => `/api/v1/reports/${name}?from=2026-01-01&to=2026-01-10${extra}`;

  it('lists every report with ja/en titles and definitions', async () => {
    const c = get();
    const res = await c.request('GET', '/api/v1/reports', c.actors.agent);
    expect(res.status).toBe(200);
    const names = res.body.items.map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining(['tickets.volume', 'tickets.times', 'escalations.volume', 'escalations.team_delays', 'sla.nearing', 'csat']));
    for (const r of res.body.items) {
      expect(r.title.ja.length).toBeGreaterThan(0);
      expect(r.definition.en.length).toBeGreaterThan(20);
      // Every report answers for every one of its group-bys.
      for (const g of r.groupBys) expect((await c.request('GET', q(r.name, `&groupBy=${g}`), c.actors.supervisor)).status, `${r.name} by ${g}`).toBe(200);
    }
  });

  it('counts what the reader may see: a non-member of the restricted team does not count its ticket', async () => {
    const c = get();
    const total = (body: { rows: { created: number }[] }) => body.rows.reduce((a, r) => a + r.created, 0);
    const admin = await c.request('GET', q('tickets.volume'), c.actors.admin);
    const outsider = await c.request('GET', q('tickets.volume'), c.otherAgent);
    expect(total(admin.body)).toBe(4);
    expect(total(outsider.body)).toBe(3);
    const escAdmin = await c.request('GET', q('escalations.volume', '&groupBy=none'), c.actors.admin);
    const escOutsider = await c.request('GET', q('escalations.volume', '&groupBy=none'), c.otherAgent);
    expect(escAdmin.body.rows[0]).toMatchObject({ escalations: 2, escalated_tickets: 2, tickets_created: 4, escalation_rate: 50 });
    expect(escOutsider.body.rows[0]).toMatchObject({ escalations: 1, escalated_tickets: 1, tickets_created: 3, escalation_rate: 33.3 });
    // Drill-down: the outsider's tickets behind the day leave the restricted one out.
    const drill = await c.request('GET', q('tickets.volume', `&drill=${day}`), c.otherAgent);
    expect(drill.status).toBe(200);
    expect(drill.body.kind).toBe('tickets');
    expect(drill.body.tickets.map((t: { id: string }) => t.id).sort()).toEqual([ids.t1, ids.t2, ids.t3].sort());
    const escDrill = await c.request('GET', q('escalations.volume', '&groupBy=none&drill=all'), c.otherAgent);
    expect(escDrill.body.escalations.map((e: { id: string }) => e.id)).toEqual([ids.e1]);
  });

  it('gives the known answers: first response, resolution, reopen rate, first contact, time to acknowledge', async () => {
    const c = get();
    const times = await c.request('GET', q('tickets.times', '&groupBy=none'), c.actors.admin);
    expect(times.body.rows[0]).toMatchObject({ first_response_median: 30 * MIN, resolution_median: 120 * MIN, resolution_p90: 120 * MIN });
    const byCategory = await c.request('GET', q('tickets.quality', '&groupBy=category'), c.actors.admin);
    const rows = Object.fromEntries(byCategory.body.rows.map((r: { bucket: string }) => [r.bucket, r]));
    expect(rows['請求, 返金']).toMatchObject({ solved: 1, reopened: 1, reopen_rate: 100, first_contact: 1 });
    expect(rows.login).toMatchObject({ solved: 1, reopened: 0, first_contact: 1 });
    const ack = await c.request('GET', q('escalations.times', '&groupBy=none'), c.actors.admin);
    expect(ack.body.rows[0]).toMatchObject({ escalations: 2, acknowledged: 1, ack_median: 10 * MIN });
    const filtered = await c.request('GET', q('tickets.volume', `&team=${ids.legal}`), c.actors.admin);
    expect(filtered.body.rows.reduce((a: number, r: { created: number }) => a + r.created, 0)).toBe(1);
  });

  it('exports CSV: UTF-8 with BOM by default, plain on request, RFC 4180 quoting, Japanese intact', async () => {
    const c = get();
    const res = await c.app.inject({ method: 'GET', url: q('tickets.quality', '&groupBy=category&format=csv&lang=ja'), headers: c.actors.admin.auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    // Named by the first and the last day included: \`to\` is exclusive.
    expect(res.headers['content-disposition']).toContain('tickets.quality_2026-01-01_2026-01-09.csv');
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = res.rawPayload.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe('カテゴリ,解決,再オープン,再オープン率 (%),一次解決,一次解決率 (%)');
    expect(text).toContain('"請求, 返金",1,1,100,1,100\r\n');
    const plain = await c.app.inject({ method: 'GET', url: q('tickets.times', '&format=csv&bom=false&lang=en'), headers: c.actors.admin.auth });
    expect(plain.rawPayload[0]).not.toBe(0xef);
    expect(plain.body.split('\r\n')[0]).toContain('First response median (min)');
    expect(plain.body.split('\r\n')[1]).toContain('30,'); // minutes
    // A ticket view as CSV, with the same visibility as the list.
    const view = await c.app.inject({ method: 'GET', url: '/api/v1/reports/tickets.csv?sort=created', headers: c.otherAgent.auth });
    expect(view.statusCode).toBe(200);
    expect([...view.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(view.body).toContain('"請求, 返金"');
    expect(view.body).toContain('請求書が届かない');
    expect(view.body).not.toContain('Confidential merger');
    const viewAdmin = await c.app.inject({ method: 'GET', url: '/api/v1/reports/tickets.csv', headers: c.actors.admin.auth });
    expect(viewAdmin.body).toContain('Confidential merger');
  });

  it('keeps per-person breakdowns to supervisors, managers and administrators', async () => {
    const c = get();
    const list = await c.request('GET', '/api/v1/reports', c.actors.agent);
    // Timeouts per person or target are for supervisors; per week (the path review's trend) is not personal.
    expect(list.body.items.find((r: { name: string }) => r.name === 'escalations.expiries')?.groupBys).toEqual(['week']);
    const times = list.body.items.find((r: { name: string }) => r.name === 'escalations.times');
    expect(times.groupBys).not.toContain('person');
    expect((await c.request('GET', q('escalations.times', '&groupBy=person'), c.actors.agent)).status).toBe(403);
    expect((await c.request('GET', q('escalations.expiries', '&groupBy=person'), c.actors.agent)).status).toBe(403);
    expect((await c.request('GET', q('escalations.expiries', '&groupBy=target'), c.actors.agent)).status).toBe(403);
    expect((await c.request('GET', q('escalations.expiries', '&groupBy=week'), c.actors.agent)).status).toBe(200);
    expect((await c.request('GET', q('tickets.quality', '&groupBy=agent'), c.actors.agent)).status).toBe(403);
    expect((await c.request('GET', q('escalations.times', '&groupBy=person'), c.actors.supervisor)).status).toBe(200);
    expect((await c.request('GET', q('escalations.expiries'), c.actors.manager)).status).toBe(200);
    // The drill-down of escalations (one query) keeps the order and the viewer's visibility.
    const all = await c.request('GET', q('escalations.volume', '&groupBy=none&drill=all'), c.actors.admin);
    expect(all.body.total).toBe(2);
    expect(all.body.escalations.map((e: { id: string }) => e.id)).toContain(ids.e1);
  });

  it('refuses bad input with 4xx', async () => {
    const c = get();
    expect((await c.request('GET', q('tickets.volume', '&groupBy=priority'), c.actors.admin)).status).toBe(400);
    expect((await c.request('GET', '/api/v1/reports/tickets.volume?from=2026-02-01&to=2026-01-01', c.actors.admin)).status).toBe(400);
    expect((await c.request('GET', '/api/v1/reports/tickets.volume?from=2020-01-01&to=2026-01-01', c.actors.admin)).status).toBe(400);
    expect((await c.request('GET', '/api/v1/reports/tickets.volume?from=yesterday', c.actors.admin)).status).toBe(400);
    expect((await c.request('GET', q('nope.report'), c.actors.admin)).status).toBe(404);
    expect((await c.request('GET', q('tickets.volume', '&drill=1999-01-01'), c.actors.admin)).status).toBe(404);
    expect((await c.request('GET', q('tickets.volume'), null)).status).toBe(401);
  });

  it('cuts a bare date at midnight in the report calendar\'s zone (a Tokyo desk\'s 5 January starts at 00:00 JST)', async () => {
    const c = get();
    const day9 = [['09:00', '18:00']];
    const cal = await c.request('POST', '/api/v1/calendars', c.actors.admin, { name: '東京 (reports)', definition: { timezone: 'Asia/Tokyo', weekly: { mon: day9, tue: day9, wed: day9, thu: day9, fri: day9, sat: [], sun: [] } } });
    expect(cal.status).toBe(201);
    c.clock.advance(2 * 60 * MIN); // past the report calendar's one-minute cache
    const res = await c.request('GET', '/api/v1/reports/tickets.volume?from=2026-01-05&to=2026-01-06', c.actors.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ timeZone: 'Asia/Tokyo', from: '2026-01-04T15:00:00.000Z', to: '2026-01-05T15:00:00.000Z' });
    // The list says the zone, so the console's "today" and "this week" are the desk's days.
    expect((await c.request('GET', '/api/v1/reports', c.actors.agent)).body.timeZone).toBe('Asia/Tokyo');
    // The desk's tickets were written on 5 January 09:00–12:00 JST: one day, one bucket, all four counted.
    expect(res.body.rows.map((r: { bucket: string }) => r.bucket)).toEqual(['2026-01-05']);
    expect(res.body.rows[0].created).toBe(4);
    // The CSV of that one Tokyo day is named by it, not by the UTC dates 4 and 5 January.
    const csv = await c.app.inject({ method: 'GET', url: '/api/v1/reports/tickets.volume?from=2026-01-05&to=2026-01-06&format=csv', headers: c.actors.admin.auth });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toContain('tickets.volume_2026-01-05_2026-01-05.csv');
  });

  let pathId = '';

  it('adds escalations and SLA clocks of every shape, as the engine writes their rows (receiving teams, acknowledgers, returns, overdue spans, open clocks)', async () => {
    const c = get();
    const db = c.deps.database.db;
    const H = 3_600_000;
    const now = c.clock.now();
    const base = Date.UTC(2026, 0, 4, 12); // 21:00 in Tokyo: the spans cross local days
    pathId = `path-${Math.random().toString(36).slice(2)}`;
    await db.insertInto('escalation_paths').values({ id: pathId, version: 1, name: 'Billing path', owner_id: c.actors.admin.id, active: 1, auto_escalate: 0, definition: '{}', review_interval_days: 90, last_reviewed_at: null, last_reviewed_by: null, review_due_at: now, deleted_at: null, created_at: 0, updated_at: 0 } as never).execute();
    const { agent, manager, supervisor } = c.actors;
    let n = 0;
    const esc = async (
      ticketId: string,
      o: { path?: string | null; status: string; stage?: string; level?: number; trigger?: string; kind?: string; req: number; due: number | null; ack?: number | null; fin?: number | null; ackBy?: (string | null)[]; returned?: { reason: string } | null; teams?: string[] },
    ) => {
      const id = `x${++n}-${pathId}`;
      const state = { status: o.status, targets: (o.ackBy ?? []).map((by, i) => ({ key: `user:${i}`, receivers: [], phase: by ? 'acknowledged' : 'waiting', acknowledgedBy: by })), returned: o.returned ?? null };
      await db.insertInto('escalations').values({ id, ticket_id: ticketId, path_id: o.path ?? null, path_version: 1, kind: o.kind ?? 'functional', trigger: o.trigger ?? 'manual', status: o.status, stage: o.stage ?? 'level', level_index: o.level ?? 0, snapshot: '{}', state: JSON.stringify(state), brief: '{}', requested_by: null, requested_at: o.req, ack_due_at: o.due, acknowledged_at: o.ack ?? null, finished_at: o.fin ?? null, created_at: o.req, updated_at: o.req, revision: 1 } as never).execute();
      for (const team of o.teams ?? []) await db.insertInto('escalation_recipients').values({ escalation_id: id, kind: 'team', ref_id: team }).execute();
    };
    await esc(ids.t1, { path: pathId, status: 'resolved', req: base, due: base + H, ack: base + H / 2, fin: base + 3 * H, ackBy: [agent.id, agent.id], teams: [ids.support, ids.legal] });
    await esc(ids.t2, { status: 'acknowledged', level: 1, trigger: 'auto', kind: 'hierarchical', req: base + H, due: base + 2 * H, ack: base + 5 * H, ackBy: [manager.id, null], teams: [ids.support] });
    await esc(ids.t3, { path: pathId, status: 'requested', level: 2, trigger: 'sla', req: base + 2 * H, due: base + 3 * H, ackBy: [null], teams: [ids.support] });
    await esc(ids.secret, { path: pathId, status: 'returned', stage: 'fallback', trigger: 'pingpong', req: base + 3 * H, due: base + 4 * H, fin: base + 30 * H, returned: { reason: 'wrong_target' }, teams: [ids.legal] });
    await esc(ids.t1, { status: 'returned', req: base - 48 * H, due: null, ack: base - 47 * H, fin: base - 46 * H, ackBy: [supervisor.id] });
    // Acknowledged "before" it was requested and finished before too (clock skew): both times 0; the deadline at the request.
    await esc(ids.t2, { path: pathId, status: 'resolved', req: base + 24 * H, due: base + 24 * H, ack: base + 24 * H - 1000, fin: base + 24 * H - 500, ackBy: [supervisor.id], teams: [ids.support, ids.legal] });
    // Still waiting, requested long before the range (the status index's set).
    await esc(ids.t3, { status: 'pending', req: base - 41 * 24 * H, due: base - 40 * 24 * H });
    await esc(ids.t2, { status: 'cancelled', req: base + 48 * H, due: base + 49 * H, fin: base + 53 * H, returned: { reason: 'not_needed' }, teams: [ids.support] });
    await esc(ids.t1, { path: pathId, status: 'returned', req: base + 4 * H, due: base + 5 * H, ack: base + 4.5 * H, fin: base + 6 * H, returned: { reason: 'not_needed' }, ackBy: [agent.id], teams: [ids.support] });
    await esc(ids.t3, { status: 'returned', req: now - H / 2, due: now - H / 3, fin: now - H / 4, returned: { reason: 'missing_information' }, teams: [ids.support] });
    // Acknowledged after it was finished: overdue until the finish.
    await esc(ids.secret, { status: 'resolved', level: 1, req: base + 5 * H, due: base + 6 * H, ack: base + 40 * H, fin: base + 20 * H, ackBy: [manager.id], teams: [ids.legal] });

    const tokyo = JSON.stringify({ timezone: 'Asia/Tokyo', weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '18:00']]])) });
    const clock = async (ticketId: string, o: { kind: string; target: number; consumed?: number; seg: number | null; state?: string; calendar?: string | null; superseded?: boolean; met?: number; breached?: number; policy?: string }) => {
      const id = `c${++n}-${pathId}`;
      await db.insertInto('sla_clocks').values({ id, ticket_id: ticketId, kind: o.kind, policy_id: o.policy ?? 'p-test', target_seconds: o.target, calendar_id: null, calendar: o.calendar ?? null, cycle: 1, state: o.state ?? 'running', started_at: now - 100 * H, consumed_ms: o.consumed ?? 0, segment_started_at: o.seg, due_at: o.state && o.state !== 'running' ? null : now + H, met_at: o.met ?? null, breached_at: o.breached ?? null, superseded_at: o.superseded ? now - H : null, created_at: now - 100 * H, updated_at: now } as never).execute();
      return id;
    };
    const warnedRunning = await clock(ids.t1, { kind: 'first_response', target: 3600, seg: now - 40 * 60_000 }); // 66.7 %
    await clock(ids.t3, { kind: 'first_response', target: 1000, seg: now - 800_000 }); // 80 %
    await clock(ids.t2, { kind: 'resolution', target: 3600, consumed: 1_800_000, seg: now - 27 * 60_000 }); // exactly 95 %: 86–95
    await clock(ids.t3, { kind: 'next_response', target: 100, seg: now - 75_000 }); // exactly 75 %: 50–75
    await clock(ids.secret, { kind: 'resolution', target: 0, seg: now }); // no target: over 95 %
    await clock(ids.t1, { kind: 'resolution', target: 7200, consumed: 7_000_000, seg: null }); // 97 %, not running a segment
    await clock(ids.t1, { kind: 'next_response', target: 7200, seg: now + H }); // a segment that starts later: 0 %
    await clock(ids.t2, { kind: 'first_response', target: 9 * 3600, seg: now - 72 * H, calendar: tokyo }); // business time on its calendar
    await clock(ids.t3, { kind: 'resolution', target: 3600, seg: now - H, calendar: '{not json' }); // a calendar that does not compile: 24/7
    await clock(ids.secret, { kind: 'first_response', target: 3600, seg: now - 2 * H, superseded: true });
    await clock(ids.t2, { kind: 'next_response', target: 3600, seg: now - 2 * H, state: 'paused' });
    // Warnings: the timeline events that name their clock (twice for one clock; one on the restricted team's ticket; one without a clock).
    const heeded = await clock(ids.t2, { kind: 'resolution', target: 3600, seg: null, state: 'met', met: base + 2 * H, policy: 'p-other' });
    const missed = await clock(ids.secret, { kind: 'resolution', target: 3600, seg: null, state: 'met', met: base + 3 * H, breached: base + 2 * H });
    const late = await clock(ids.t3, { kind: 'first_response', target: 3600, seg: null, state: 'breached', breached: base + 2 * H });
    const warning = (ticketId: string, at: number, data: Record<string, unknown>) =>
      db.insertInto('ticket_events').values({ id: `w${++n}-${pathId}`, ticket_id: ticketId, kind: 'sla.warning', visibility: 'internal', author_type: 'system', author_id: null, body: null, data: JSON.stringify(data), created_at: at } as never).execute();
    await warning(ids.t2, base, { clockId: heeded, elapsedPercent: 75 });
    await warning(ids.t2, base + H, { clockId: heeded, elapsedPercent: 90 });
    await warning(ids.secret, base, { clockId: missed });
    await warning(ids.t3, base, { clockId: late });
    await warning(ids.t1, now - H / 2, { clockId: warnedRunning });
    await warning(ids.t1, base, {});
    const nearing = await REPORTS.find((r) => r.name === 'sla.nearing')!.run({ ex: db, scope: await c.deps.tickets.access.scope({ userId: c.actors.admin.id, role: 'admin' } as unknown as Principal), now, cal: await c.deps.reports.facts.calendar(), fromMs: now - H, toMs: now, filters: {}, groupBy: 'bucket' });
    // Every bucket has a clock (the data exercises each one).
    expect(nearing.rows.map((r) => r.open_clocks).every((x) => Number(x) > 0)).toBe(true);
  });

  it('gives the same figures aggregated in SQL (figures) as computed from the rows (run, which also lists the drill-downs), for every report, group-by, viewer and filter', async () => {
    const c = get();
    const cal = await c.deps.reports.facts.calendar();
    const viewers = [c.actors.admin, c.otherAgent, c.actors.supervisor];
    let compared = 0;
    const nonEmpty = new Set<string>();
    for (const actor of viewers) {
      const principal = { userId: actor.id, role: actor.role, locale: 'en', timeZone: 'Asia/Tokyo', name: 'x', email: 'x@example.com', via: 'token' } as unknown as Principal;
      const scope = await c.deps.tickets.access.scope(principal);
      // Filters for one viewer (the product with every viewer is long): a team (the restricted one), a path, a priority no ticket has.
      const filterSets = actor === c.actors.admin ? [{}, { teamIds: [ids.legal] }, { teamIds: [ids.support, ids.legal] }, { pathId }, { priority: 'low' }] : [{}];
      for (const def of REPORTS.filter((r) => r.figures)) {
        for (const groupBy of def.groupBys) {
          for (const filters of filterSets) {
            const ranges = [[Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 10)], [c.clock.now() - 3_600_000, c.clock.now() + 86_400_000], [Date.UTC(2025, 11, 1), Date.UTC(2025, 11, 2)]] as const;
            for (const [fromMs, toMs] of Object.keys(filters).length ? ranges.slice(0, 1) : ranges) {
              const ctx = { ex: c.deps.database.db, scope, now: c.clock.now(), cal, fromMs, toMs, filters, groupBy };
              const [run, figures] = [await def.run(ctx), await def.figures!(ctx)];
              expect({ report: def.name, groupBy, filters, fromMs, rows: figures.rows, columns: figures.columns }).toEqual({ report: def.name, groupBy, filters, fromMs, rows: run.rows, columns: run.columns });
              if (run.rows.some((r) => Object.entries(r).some(([k, v]) => k !== 'bucket' && typeof v === 'number' && v > 0))) nonEmpty.add(def.name);
              compared++;
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
    // Each report compared real figures, not only empty ones.
    for (const name of ['escalations.times', 'escalations.team_delays', 'escalations.overdue', 'escalations.returns', 'sla.nearing', 'sla.warnings']) expect(nonEmpty, name).toContain(name);
  }, 600_000);
});
