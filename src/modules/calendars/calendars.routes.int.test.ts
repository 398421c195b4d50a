import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';

const day = [['09:00', '18:00']];
const tokyo = { timezone: 'Asia/Tokyo', weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] }, holidayPresets: ['jp'] };

describeEachDb('calendars and business-time API', (ctx) => {
  it('creates, reads, renames, lists and deletes calendars; only admins manage them', async () => {
    const { request, actors } = ctx();
    expect((await request('POST', '/api/v1/calendars', actors.manager, { name: 'Tokyo', definition: tokyo })).status).toBe(403);
    const c = await request('POST', '/api/v1/calendars', actors.admin, { name: 'Tokyo office', definition: tokyo });
    expect(c.status).toBe(201);
    expect(c.body.definition.timezone).toBe('Asia/Tokyo');
    expect((await request('POST', '/api/v1/calendars', actors.admin, { name: 'Tokyo office', definition: tokyo })).status).toBe(409);
    expect((await request('GET', `/api/v1/calendars/${c.body.id}`, actors.agent)).body.name).toBe('Tokyo office');
    const renamed = await request('PATCH', `/api/v1/calendars/${c.body.id}`, actors.admin, { name: 'Tokyo HQ' });
    expect(renamed.body.name).toBe('Tokyo HQ');
    const list = await request('GET', '/api/v1/calendars', actors.agent);
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain(c.body.id);
    expect((await request('DELETE', `/api/v1/calendars/${c.body.id}`, actors.admin)).status).toBe(204);
    expect((await request('GET', `/api/v1/calendars/${c.body.id}`, actors.admin)).status).toBe(404);
  });

  it('refuses to delete a calendar an SLA policy uses (409)', async () => {
    const { request, actors } = ctx();
    const c = await request('POST', '/api/v1/calendars', actors.admin, { name: 'Used', definition: tokyo });
    const p = await request('POST', '/api/v1/sla-policies', actors.admin, { name: 'Uses calendar', active: false, targets: { normal: { resolution: { seconds: 3600, calendarId: c.body.id } } } });
    expect(p.status).toBe(201);
    const del = await request('DELETE', `/api/v1/calendars/${c.body.id}`, actors.admin);
    expect(del.status).toBe(409);
    expect(del.body.error.message).toContain('Uses calendar');
    await request('DELETE', `/api/v1/sla-policies/${p.body.id}`, actors.admin);
    expect((await request('DELETE', `/api/v1/calendars/${c.body.id}`, actors.admin)).status).toBe(204);
  });

  it('refuses invalid definitions with precise messages', async () => {
    const { request, actors } = ctx();
    const overlap = await request('POST', '/api/v1/calendars', actors.admin, { name: 'x', definition: { ...tokyo, weekly: { ...tokyo.weekly, mon: [['09:00', '12:00'], ['11:00', '13:00']] } } });
    expect(overlap.status).toBe(400);
    expect(overlap.body.error.details.problems[0].field).toBe('definition.weekly.mon[1]');
    const zone = await request('POST', '/api/v1/calendars', actors.admin, { name: 'x', definition: { ...tokyo, timezone: 'Mars/Olympus' } });
    expect(zone.status).toBe(400);
    expect(zone.body.error.message).toContain('unknown time zone "Mars/Olympus"');
  });

  it('adds business seconds: a ticket at Friday 17:00 in Tokyo with 2 h is due Monday 10:00', async () => {
    const { request, actors } = ctx();
    const { holidayPresets: _none, ...plain } = tokyo;
    const r = await request('POST', '/api/v1/business-time/add', actors.agent, { calendar: plain, start: '2026-01-09T17:00:00+09:00', seconds: 7200 });
    expect(r.status).toBe(200);
    expect(r.body.end).toBe('2026-01-12T01:00:00.000Z'); // Monday 10:00 JST
  });

  it('skips Japanese national holidays and counts between instants', async () => {
    const { request, actors } = ctx();
    // Monday 12 Jan 2026 is Coming of Age Day (成人の日): the count continues on Tuesday.
    const r = await request('POST', '/api/v1/business-time/add', actors.agent, { calendar: tokyo, start: '2026-01-09T17:00:00+09:00', seconds: 7200 });
    expect(r.body.end).toBe('2026-01-13T01:00:00.000Z');
    const b = await request('POST', '/api/v1/business-time/between', actors.agent, { calendar: tokyo, start: '2026-01-09T17:00:00+09:00', end: '2026-01-13T10:00:00+09:00' });
    expect(b.body.seconds).toBe(7200);
    const local = await request('POST', '/api/v1/business-time/between', actors.agent, { calendar: tokyo, start: '2026-01-14T09:00', end: '2026-01-14T12:30' });
    expect(local.body.seconds).toBe(3.5 * 3600);
  });

  it('answers bad business-time input with 4xx and a precise message', async () => {
    const { request, actors } = ctx();
    const post = (url: string, body: unknown) => request('POST', url, actors.agent, body);
    const start = '2026-01-09T17:00:00+09:00';
    const cases: [string, unknown, RegExp][] = [
      ['/api/v1/business-time/add', { calendar: { ...tokyo, timezone: 'Asia/Nowhere' }, start, seconds: 1 }, /unknown time zone "Asia\/Nowhere"/],
      ['/api/v1/business-time/add', { calendar: { ...tokyo, weekly: { ...tokyo.weekly, tue: [['13:00', '18:00'], ['09:00', '14:00']] } }, start, seconds: 1 }, /calendar\.weekly\.tue/],
      ['/api/v1/business-time/add', { calendar: { ...tokyo, weekly: { ...tokyo.weekly, wed: [['18:00', '09:00']] } }, start, seconds: 1 }, /must be after start/],
      ['/api/v1/business-time/add', { calendar: { ...tokyo, weekly: { ...tokyo.weekly, mon: [['09:00', '25:00']] } }, start, seconds: 1 }, /weekly\.mon\.0\.1 must be Local wall-clock time "HH:MM".*\(got "25:00"\)/],
      ['/api/v1/business-time/add', { calendar: { ...tokyo, holidays: ['2026-02-30'] }, start, seconds: 1 }, /holidays\[0\]/],
      ['/api/v1/business-time/add', { calendar: tokyo, start: '2026-02-30T10:00:00+09:00', seconds: 1 }, /start: "2026-02-30T10:00:00\+09:00" is not a valid ISO-8601/],
      ['/api/v1/business-time/add', { calendar: tokyo, start, seconds: -5 }, /seconds/],
      ['/api/v1/business-time/between', { calendar: tokyo, start, end: '2026-01-01T00:00:00Z' }, /end: .* is before start/],
      ['/api/v1/business-time/add', { calendar: { timezone: 'Asia/Tokyo', weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } }, start, seconds: 60 }, /no working time/],
    ];
    for (const [url, body, message] of cases) {
      const r = await post(url, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message).toMatch(message);
    }
  });
});
