import { expect, it } from 'vitest';
import { describeEachDb } from '../../test/helpers/app.js';
import { DEMO_PASSWORD } from './demo-data.js';
import { seedDemo } from './seed.js';

describeEachDb('demo workspace', (ctx) => {
  it('seeds teams, users of every role, customers and a few dozen bilingual tickets — once', { timeout: 60_000 }, async () => {
    const { deps, request, app } = ctx();
    // The test app already has users; seedDemo only seeds an empty database, so clear them first.
    await deps.database.db.deleteFrom('api_tokens').execute();
    await deps.database.db.deleteFrom('audit_log').execute();
    await deps.database.db.deleteFrom('users').execute();
    const r = await seedDemo(deps);
    expect(r.seeded).toBe(true);
    expect(new Set(r.logins.map((l) => l.role))).toEqual(new Set(['agent', 'specialist', 'supervisor', 'manager', 'admin']));
    expect((await seedDemo(deps)).seeded).toBe(false);

    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'tanaka@demo.example', password: DEMO_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const { token } = await deps.auth.createToken(null, login.json().user.id, 't');
    const agent = { id: '', email: '', role: 'agent' as const, token, auth: { authorization: `Bearer ${token}` } };
    const tickets = (await request('GET', '/api/v1/tickets?limit=200', agent)).body.items as { id: string; subject: string; status: string }[];
    expect(tickets.length).toBeGreaterThanOrEqual(30);
    expect(tickets.some((t) => /[\u3040-\u30ff\u4e00-\u9fff]/.test(t.subject))).toBe(true);
    expect(tickets.some((t) => /^[\x20-\x7e—]+$/.test(t.subject))).toBe(true);
    expect(new Set(tickets.map((t) => t.status)).size).toBeGreaterThanOrEqual(5);
    expect((await request('GET', '/api/v1/teams', agent)).body.items.length).toBe(5);
    expect((await request('GET', '/api/v1/workspace', null)).body.demo).toBe(true);
    // The processes are configured too: calendar with the JP preset, SLA policies, paths, rotation,
    // and escalations in flight (the auto-escalated billing disputes, one acknowledged; the complaint).
    const admin = await deps.auth.createToken(null, (await deps.users.findByEmail('admin@demo.example'))!.id, 't');
    const asAdmin = { ...agent, auth: { authorization: `Bearer ${admin.token}` } };
    expect((await request('GET', '/api/v1/calendars', asAdmin)).body.items[0].definition.holidayPresets).toEqual(['jp']);
    expect((await request('GET', '/api/v1/sla-policies', asAdmin)).body.items).toHaveLength(2);
    expect((await request('GET', '/api/v1/escalation-paths', asAdmin)).body.items).toHaveLength(6);
    // Most active tickets have a path to escalate along; the rest can be escalated directly.
    const active = tickets.filter((t) => t.status !== 'solved' && t.status !== 'closed');
    const matched: typeof active = [];
    for (const t of active) if ((await request('GET', `/api/v1/tickets/${t.id}/escalations/draft`, agent)).body.matches.length > 0) matched.push(t);
    expect(active.length).toBeGreaterThanOrEqual(25);
    expect(matched.length / active.length).toBeGreaterThanOrEqual(0.8);
    expect(matched.length).toBeLessThan(active.length); // general questions go direct
    const questions = active.filter((t) => !matched.includes(t));
    const direct = (await request('GET', `/api/v1/tickets/${questions[0]!.id}/escalations/draft`, agent)).body.direct;
    expect(direct.mySupervisors.map((p: { name: string }) => p.name)).toEqual(['佐藤 花子']);
    const escalations = (await request('GET', '/api/v1/escalations?limit=100', asAdmin)).body.items as { status: string; trigger: string }[];
    expect(escalations.some((e) => e.status === 'acknowledged')).toBe(true);
    expect(escalations.some((e) => e.trigger === 'auto')).toBe(true);
    expect(escalations.some((e) => e.trigger === 'manual')).toBe(true);
    const open = tickets.find((t) => t.status === 'new')! as unknown as { id: string };
    expect((await request('GET', `/api/v1/tickets/${open.id}`, agent)).body.slaClocks.length).toBeGreaterThan(0);
  });
});
