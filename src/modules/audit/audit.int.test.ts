import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { levelBody, pathBody } from '../paths/path-test-support.js';

const day = [['09:00', '18:00']];
const tokyo = { timezone: 'Asia/Tokyo', weekly: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] }, holidayPresets: [] };

describeEachDb('audit log of configuration changes and downloads', (ctx) => {
  const admin = () => ctx().actors.admin;
  /** The entries for one target, oldest first. */
  const history = async (targetType: string, targetId: string) => {
    const res = await ctx().request('GET', `/api/v1/audit?targetType=${targetType}&targetId=${encodeURIComponent(targetId)}`, admin());
    expect(res.status).toBe(200);
    return (res.body.items as { action: string; actorId: string; actorName: string; data: { before: any; after: any } }[]).reverse();
  };

  it('records team, calendar and SLA policy changes with actor, before and after', async () => {
    const { request } = ctx();
    const team = await request('POST', '/api/v1/teams', admin(), { name: 'Audited team' });
    await request('PATCH', `/api/v1/teams/${team.body.id}`, admin(), { name: 'Audited team 2', members: [{ userId: ctx().actors.agent.id, role: 'member' }] });
    await request('DELETE', `/api/v1/teams/${team.body.id}`, admin());
    const t = await history('team', team.body.id);
    expect(t.map((e) => e.action)).toEqual(['team.created', 'team.updated', 'team.deleted']);
    expect(t[0]).toMatchObject({ actorId: admin().id, actorName: 'admin', data: { before: null, after: { name: 'Audited team' } } });
    expect(t[1]!.data.before).toMatchObject({ name: 'Audited team', members: [] });
    expect(t[1]!.data.after).toMatchObject({ name: 'Audited team 2', members: [{ userId: ctx().actors.agent.id, role: 'member' }] });
    expect(t[2]!.data).toMatchObject({ before: { name: 'Audited team 2' }, after: null });

    const cal = await request('POST', '/api/v1/calendars', admin(), { name: 'Audited calendar', definition: tokyo });
    await request('PATCH', `/api/v1/calendars/${cal.body.id}`, admin(), { name: 'Audited calendar 2' });
    await request('DELETE', `/api/v1/calendars/${cal.body.id}`, admin());
    const c = await history('calendar', cal.body.id);
    expect(c.map((e) => e.action)).toEqual(['calendar.created', 'calendar.updated', 'calendar.deleted']);
    expect(c[1]!.data).toMatchObject({ before: { name: 'Audited calendar' }, after: { name: 'Audited calendar 2' } });

    const sla = await request('POST', '/api/v1/sla-policies', admin(), { name: 'Audited SLA', targets: { normal: { resolution: { seconds: 3600, calendarId: null } } } });
    expect(sla.status).toBe(201);
    await request('PATCH', `/api/v1/sla-policies/${sla.body.id}`, admin(), { active: false });
    await request('DELETE', `/api/v1/sla-policies/${sla.body.id}`, admin());
    const s = await history('sla_policy', sla.body.id);
    expect(s.map((e) => e.action)).toEqual(['sla_policy.created', 'sla_policy.updated', 'sla_policy.deleted']);
    expect(s[1]!.data).toMatchObject({ before: { active: true }, after: { active: false } });
  });

  it('records escalation path versions and reviews', async () => {
    const { request, actors } = ctx();
    const p = await request('POST', '/api/v1/escalation-paths', admin(), pathBody(actors.manager.id, [levelBody('L1', [{ type: 'user', userId: actors.manager.id }])], { name: 'Audited path' }));
    expect(p.status).toBe(201);
    await request('PUT', `/api/v1/escalation-paths/${p.body.id}`, admin(), { ...pathBody(actors.manager.id, [levelBody('L1', [{ type: 'user', userId: actors.manager.id }])], { name: 'Audited path 2' }), reason: 'renamed' });
    await request('POST', `/api/v1/escalation-paths/${p.body.id}/review`, admin());
    await request('DELETE', `/api/v1/escalation-paths/${p.body.id}`, admin());
    const h = await history('escalation_path', p.body.id);
    expect(h.map((e) => e.action)).toEqual(['path.created', 'path.updated', 'path.reviewed', 'path.deleted']);
    expect(h[1]!.data.before).toMatchObject({ version: 1, definition: { name: 'Audited path' } });
    expect(h[1]!.data.after).toMatchObject({ version: 2, reason: 'renamed', definition: { name: 'Audited path 2' } });
  });

  it('records on-call rotation changes and overrides', async () => {
    const { request, actors } = ctx();
    const body = { name: 'Audited rotation', members: [actors.specialist.id, actors.supervisor.id], shift: { unit: 'days', days: 1 }, handoffTime: '09:00', timeZone: 'Asia/Tokyo', startDate: '2026-01-01', teamId: null };
    const r = await request('POST', '/api/v1/rotations', admin(), body);
    expect(r.status).toBe(201);
    await request('PUT', `/api/v1/rotations/${r.body.id}`, admin(), { ...body, handoffTime: '10:00' });
    expect((await request('POST', `/api/v1/rotations/${r.body.id}/overrides`, actors.supervisor, { userId: actors.manager.id, start: '2026-01-02T00:00:00Z', end: '2026-01-02T12:00:00Z' })).status).toBe(201);
    await request('DELETE', `/api/v1/rotations/${r.body.id}/overrides/0`, actors.supervisor);
    await request('DELETE', `/api/v1/rotations/${r.body.id}`, admin());
    const h = await history('rotation', r.body.id);
    expect(h.map((e) => e.action)).toEqual(['rotation.created', 'rotation.updated', 'rotation.override_added', 'rotation.override_removed', 'rotation.deleted']);
    expect(h[1]!.data).toMatchObject({ before: { handoffTime: '09:00' }, after: { handoffTime: '10:00' } });
    expect(h[2]).toMatchObject({ actorId: actors.supervisor.id, data: { after: { overrides: [{ userId: actors.manager.id }] } } });
  });

  it('records webhook, team channel, template and messaging integration changes without their secrets', async () => {
    const { request } = ctx();
    const sub = await request('POST', '/api/v1/webhooks', admin(), { url: 'https://hooks.example.com/a', events: ['escalation.*'] });
    await request('PATCH', `/api/v1/webhooks/${sub.body.id}`, admin(), { url: 'https://hooks.example.com/b', rotateSecret: true });
    await request('DELETE', `/api/v1/webhooks/${sub.body.id}`, admin());
    const w = await history('webhook', sub.body.id);
    expect(w.map((e) => e.action)).toEqual(['webhook.created', 'webhook.updated', 'webhook.deleted']);
    expect(w[1]!.data).toMatchObject({ before: { url: 'https://hooks.example.com/a' }, after: { url: 'https://hooks.example.com/b', secretRotated: true } });
    expect(JSON.stringify(w)).not.toContain('whsec_');

    const team = await request('POST', '/api/v1/teams', admin(), { name: 'Channel team' });
    const ch = await request('POST', '/api/v1/team-channels', admin(), { teamId: team.body.id, kind: 'slack_webhook', label: 'ops', config: { url: 'https://hooks.slack.com/services/T0/B0/SECRETPART' } });
    expect(ch.status).toBe(201);
    await request('DELETE', `/api/v1/team-channels/${ch.body.id}`, admin());
    const c = await history('team_channel', ch.body.id);
    expect(c.map((e) => e.action)).toEqual(['team_channel.created', 'team_channel.deleted']);
    expect(c[0]!.data.after).toMatchObject({ teamId: team.body.id, kind: 'slack_webhook', label: 'ops', host: 'hooks.slack.com' });
    expect(JSON.stringify(c)).not.toContain('SECRETPART');

    const body = { subject: 'S {{ticket.number}}', text: 'T', html: '<p>H</p>' };
    expect((await request('PUT', '/api/v1/notification-templates/escalation.requested/en', admin(), body)).status).toBe(200);
    await request('PUT', '/api/v1/notification-templates/escalation.requested/en', admin(), { ...body, text: 'T2' });
    await request('DELETE', '/api/v1/notification-templates/escalation.requested/en', admin());
    const tp = await history('template', 'escalation.requested/en');
    expect(tp.map((e) => e.action)).toEqual(['template.updated', 'template.updated', 'template.reset']);
    expect(tp[1]!.data).toMatchObject({ before: { text: 'T' }, after: { text: 'T2' } });

    const mi = await request('POST', '/api/v1/messaging-integrations', admin(), { name: 'Chat' });
    await request('PATCH', `/api/v1/messaging-integrations/${mi.body.id}`, admin(), { outboundUrl: 'https://chat.example.com/out' });
    await request('DELETE', `/api/v1/messaging-integrations/${mi.body.id}`, admin());
    const m = await history('messaging_integration', mi.body.id);
    expect(m.map((e) => e.action)).toEqual(['messaging_integration.created', 'messaging_integration.updated', 'messaging_integration.deleted']);
    expect(m[1]!.data).toMatchObject({ before: { outboundUrl: null }, after: { outboundUrl: 'https://chat.example.com/out' } });
    expect(JSON.stringify(m)).not.toContain(mi.body.secret);
  });

  it('records downloads of attachments and raw mail with who took them', async () => {
    const { request, app, actors, deps } = ctx();
    const t = await request('POST', '/api/v1/tickets', actors.agent, { subject: 'With a file' });
    const up = await app.inject({ method: 'POST', url: `/api/v1/tickets/${t.body.id}/attachments?filename=a.txt`, headers: { ...actors.agent.auth, 'content-type': 'text/plain' }, payload: 'hello' });
    expect(up.statusCode).toBe(201);
    const id = JSON.parse(up.body).id as string;
    expect((await app.inject({ method: 'GET', url: `/api/v1/attachments/${id}`, headers: actors.supervisor.auth })).statusCode).toBe(200);
    const a = await history('attachment', id);
    expect(a).toEqual([expect.objectContaining({ action: 'attachment.downloaded', actorId: actors.supervisor.id, actorName: 'supervisor', data: expect.objectContaining({ ticketId: t.body.id, filename: 'a.txt' }) })]);

    const raw = Buffer.from('From: Customer <c@example.com>\r\nTo: support@test.example\r\nSubject: Raw one\r\nMessage-ID: <raw-audit@example.com>\r\n\r\nHello\r\n');
    const r = await deps.intakeEmail.receive(raw, 'smtp');
    expect((await app.inject({ method: 'GET', url: `/api/v1/inbound-messages/${r.inboundId}/raw`, headers: admin().auth })).statusCode).toBe(200);
    const m = await history('inbound_message', r.inboundId);
    expect(m).toEqual([expect.objectContaining({ action: 'raw_mail.downloaded', actorId: admin().id, data: expect.objectContaining({ subject: 'Raw one' }) })]);
  });

  it('filters by action prefix, actor and time range, newest first, with names', async () => {
    const { request, actors, clock } = ctx();
    clock.advance(60_000);
    const from = new Date(clock.now()).toISOString();
    await request('POST', '/api/v1/teams', admin(), { name: 'Filter team' });
    clock.advance(1);
    const mid = new Date(clock.now() + 1).toISOString();
    clock.advance(60_000);
    await request('POST', '/api/v1/calendars', admin(), { name: 'Filter calendar', definition: tokyo });
    const early = await request('GET', `/api/v1/audit?from=${from}&to=${mid}`, admin());
    expect(early.body.items.map((e: { action: string }) => e.action)).toEqual(['team.created']);
    const late = await request('GET', `/api/v1/audit?from=${mid}`, admin());
    expect(late.body.items.map((e: { action: string }) => e.action)).toEqual(['calendar.created']);
    const channelTeam = await request('POST', '/api/v1/teams', admin(), { name: 'Filter channel team' });
    await request('POST', '/api/v1/team-channels', admin(), { teamId: channelTeam.body.id, kind: 'teams_webhook', config: { url: 'https://example.webhook.office.com/x' } });
    const teams = await request('GET', `/api/v1/audit?actionPrefix=team.&from=${mid}`, admin());
    expect(teams.body.items.map((e: { action: string }) => e.action)).toEqual(['team.created']);
    // `team.` is a prefix of names, not a pattern: team_channel.created is not in it, and `_` is no wildcard.
    expect((await request('GET', `/api/v1/audit?actionPrefix=team_channel.&from=${mid}`, admin())).body.items.map((e: { action: string }) => e.action)).toEqual(['team_channel.created']);
    expect((await request('GET', `/api/v1/audit?actionPrefix=teamxchannel.&from=${mid}`, admin())).body.items).toEqual([]);
    const byActor = await request('GET', `/api/v1/audit?actorId=${admin().id}&actionPrefix=calendar.`, admin());
    expect(byActor.body.items[0]).toMatchObject({ actorName: 'admin', action: 'calendar.created' });
    expect((await request('GET', `/api/v1/audit?actorId=${actors.agent.id}&actionPrefix=calendar.`, admin())).body.items).toEqual([]);
    // Filters are names, not patterns.
    expect((await request('GET', '/api/v1/audit?actionPrefix=%25', admin())).status).toBe(400);
    expect((await request('GET', '/api/v1/audit', actors.manager)).status).toBe(403);
  });
  it('names an incident target by its title as it is now', async () => {
    const { request, actors } = ctx();
    const inc = await request('POST', '/api/v1/incidents', actors.supervisor, { title: '監査される障害 / Audited outage', severity: 'SEV2' });
    expect(inc.status).toBe(201);
    const res = await request('GET', `/api/v1/audit?targetType=incident&targetId=${inc.body.id}`, admin());
    expect(res.status).toBe(200);
    expect(res.body.items).toMatchObject([{ action: 'incident.declared', targetType: 'incident', targetId: inc.body.id, targetName: '監査される障害 / Audited outage', data: { severity: 'SEV2' } }]);
  });
});
