import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';

/**
 * Issue 18 (Screens): the supervisor's dashboard over HTTP on both databases — today and this
 * week cut in the reader's time zone, figures from the reports registry with the visibility of
 * the reports (a non-member of a restricted team does not count its tickets), the drill-down
 * behind a figure, the raised hands figure for supervisors only, bad input as 4xx.
 */
describeEachDb('reports dashboard', (get) => {
  const MIN = 60_000;
  const ids = {} as Record<'support' | 'legal' | 't1' | 't2' | 't4' | 'secret' | 'e1' | 'e2', string>;
  type Figure = { key: string; value: number | null; bucket: string | null };
  const fig = (body: { periods: { period: string; figures: Figure[] }[] }, period: string, key: string) => body.periods.find((p) => p.period === period)!.figures.find((f) => f.key === key);

  it('builds a desk over Monday (Tokyo) into Tuesday: a restricted team, escalations, one overdue', async () => {
    const c = get();
    const { actors } = c;
    const support = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Support', members: [{ userId: actors.agent.id, role: 'member' }, { userId: c.otherAgent.id, role: 'member' }] });
    const legal = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Legal', restricted: true, members: [{ userId: actors.agent.id, role: 'member' }] });
    ids.support = support.body.id;
    ids.legal = legal.body.id;
    const mk = async (subject: string, teamId: string) => {
      const t = await c.request('POST', '/api/v1/tickets', actors.agent, { subject, teamId, priority: 'high', requesterEmail: 'kunde@example.jp', requesterName: '顧客', description: '問い合わせ' });
      expect(t.status).toBe(201);
      return t.body.id as string;
    };
    // Monday 00:00 UTC = 09:00 in Tokyo.
    ids.t1 = await mk('請求書が届かない', ids.support);
    ids.t2 = await mk('ログインできない', ids.support);
    ids.secret = await mk('Confidential merger', ids.legal);
    const e1 = await c.request('POST', `/api/v1/tickets/${ids.t1}/escalations`, actors.agent, { target: { type: 'user', userId: actors.manager.id }, brief: { ask: '承認をお願いします' } });
    const e2 = await c.request('POST', `/api/v1/tickets/${ids.secret}/escalations`, actors.agent, { target: { type: 'user', userId: actors.admin.id }, brief: { ask: 'review' } });
    expect([e1.status, e2.status]).toEqual([201, 201]);
    ids.e1 = e1.body.id;
    ids.e2 = e2.body.id;
    c.clock.advance(10 * MIN);
    expect((await c.request('POST', `/api/v1/escalations/${ids.e1}/acknowledge`, actors.manager, {})).status).toBe(200);
    c.clock.advance(60 * MIN);
    expect((await c.request('PATCH', `/api/v1/tickets/${ids.t2}`, actors.agent, { status: 'solved' })).status).toBe(200);
    // Monday 20:00 UTC: Tuesday 05:00 in Tokyo, still Monday in London.
    c.clock.set(Date.UTC(2026, 0, 5, 20, 0));
    ids.t4 = await mk('Printer offline', ids.support);
    c.clock.set(Date.UTC(2026, 0, 6, 0, 30));
    expect((await c.request('PATCH', `/api/v1/users/${actors.supervisor.id}`, actors.admin, { timeZone: 'Europe/London' })).status).toBe(200);
  });

  it("cuts today and this week in the reader's zone and counts only what the reader may see", async () => {
    const c = get();
    const admin = await c.request('GET', '/api/v1/reports/dashboard', c.actors.admin);
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ timeZone: 'Asia/Tokyo', weekStartsOn: 'monday' });
    expect(admin.body.periods.map((p: { period: string; from: string }) => [p.period, p.from])).toEqual([
      ['today', '2026-01-05T15:00:00.000Z'],
      ['week', '2026-01-04T15:00:00.000Z'],
    ]);
    expect(fig(admin.body, 'today', 'tickets_created')?.value).toBe(1);
    expect(fig(admin.body, 'week', 'tickets_created')?.value).toBe(4);
    expect(fig(admin.body, 'week', 'tickets_solved')?.value).toBe(1);
    expect(fig(admin.body, 'week', 'backlog')?.value).toBe(3);
    expect(fig(admin.body, 'today', 'escalations_opened')?.value).toBe(0);
    expect(fig(admin.body, 'week', 'escalations_opened')?.value).toBe(2);
    expect(fig(admin.body, 'today', 'escalations_overdue')?.value).toBe(1);
    expect(fig(admin.body, 'week', 'ack_median')?.value).toBe(10 * MIN);
    expect(fig(admin.body, 'today', 'ack_median')?.value).toBeNull();
    expect(admin.body.nearing.map((n: { bucket: string }) => n.bucket)).toEqual(['50-75', '76-85', '86-95', '>95']);
    expect(admin.body.days.map((d: { day: string }) => d.day)).toEqual(['2026-01-05', '2026-01-06']);
    expect(admin.body.days[0]).toMatchObject({ created: 3, solved: 1, backlog: 2 });

    const outsider = await c.request('GET', '/api/v1/reports/dashboard', c.otherAgent);
    expect(fig(outsider.body, 'week', 'tickets_created')?.value).toBe(3);
    expect(fig(outsider.body, 'week', 'escalations_opened')?.value).toBe(1);
    expect(fig(outsider.body, 'today', 'escalations_overdue')?.value).toBe(0);

    // London: Tuesday has only begun, the Monday 20:00 ticket was yesterday; the restricted one is not the supervisor's.
    const london = await c.request('GET', '/api/v1/reports/dashboard', c.actors.supervisor);
    expect(london.body.timeZone).toBe('Europe/London');
    expect(london.body.periods[0].from).toBe('2026-01-06T00:00:00.000Z');
    expect(fig(london.body, 'today', 'tickets_created')?.value).toBe(0);
    expect(fig(london.body, 'week', 'tickets_created')?.value).toBe(3);
  });

  it('opens what is behind a figure, with the same visibility', async () => {
    const c = get();
    const url = (period: string, figure: string) => `/api/v1/reports/dashboard/drill?period=${period}&figure=${figure}`;
    const all = await c.request('GET', url('week', 'tickets_created'), c.actors.admin);
    expect(all.status).toBe(200);
    expect(all.body.kind).toBe('tickets');
    expect(all.body.tickets.map((t: { id: string }) => t.id).sort()).toEqual([ids.t1, ids.t2, ids.secret, ids.t4].sort());
    const mine = await c.request('GET', url('week', 'tickets_created'), c.otherAgent);
    expect(mine.body.tickets.map((t: { id: string }) => t.id).sort()).toEqual([ids.t1, ids.t2, ids.t4].sort());
    const overdue = await c.request('GET', url('today', 'escalations_overdue'), c.actors.admin);
    expect(overdue.body).toMatchObject({ kind: 'escalations', total: 1 });
    expect(overdue.body.escalations.map((e: { id: string }) => e.id)).toEqual([ids.e2]);
    expect((await c.request('GET', url('today', 'escalations_overdue'), c.otherAgent)).body.total).toBe(0);
    const today = await c.request('GET', url('today', 'tickets_created'), c.actors.admin);
    expect(today.body.tickets.map((t: { id: string }) => t.id)).toEqual([ids.t4]);
  });

  it('shows the raised hands figure to supervisors only; refuses bad input and strangers', async () => {
    const c = get();
    const sup = await c.request('GET', '/api/v1/reports/dashboard', c.actors.supervisor);
    expect(fig(sup.body, 'today', 'hands_within_target')).toMatchObject({ value: null, report: 'hands' });
    const agent = await c.request('GET', '/api/v1/reports/dashboard', c.actors.agent);
    expect(agent.status).toBe(200);
    expect(fig(agent.body, 'today', 'hands_within_target')).toBeUndefined();
    expect((await c.request('GET', '/api/v1/reports/dashboard', null)).status).toBe(401);
    expect((await c.request('GET', '/api/v1/reports/dashboard?period=month', c.actors.admin)).status).toBe(400);
    expect((await c.request('GET', '/api/v1/reports/dashboard/drill?period=week&figure=tickets_solved', c.actors.admin)).status).toBe(400);
    expect((await c.request('GET', '/api/v1/reports/dashboard/drill?period=year&figure=tickets_created', c.actors.admin)).status).toBe(400);
  });
});
