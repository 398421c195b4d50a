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

  it('gives the same figures aggregated in SQL (figures) as computed from the rows (run, which also lists the drill-downs), for every report, group-by and viewer', async () => {
    const c = get();
    const cal = await c.deps.reports.facts.calendar();
    const viewers = [c.actors.admin, c.otherAgent, c.actors.supervisor];
    let compared = 0;
    for (const actor of viewers) {
      const principal = { userId: actor.id, role: actor.role, locale: 'en', timeZone: 'Asia/Tokyo', name: 'x', email: 'x@example.com', via: 'token' } as unknown as Principal;
      const scope = await c.deps.tickets.access.scope(principal);
      for (const def of REPORTS.filter((r) => r.figures)) {
        for (const groupBy of def.groupBys) {
          for (const [fromMs, toMs] of [[Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 10)], [c.clock.now() - 3_600_000, c.clock.now() + 86_400_000]] as const) {
            const ctx = { ex: c.deps.database.db, scope, now: c.clock.now(), cal, fromMs, toMs, filters: {}, groupBy };
            const [run, figures] = [await def.run(ctx), await def.figures!(ctx)];
            expect({ report: def.name, groupBy, rows: figures.rows, columns: figures.columns }).toEqual({ report: def.name, groupBy, rows: run.rows, columns: run.columns });
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(50);
  });
});
