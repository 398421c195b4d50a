import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDb } from '../../test/helpers/app.js';
import type { Principal } from '../modules/auth/index.js';
import { removeDemo } from './demo-workspace.js';
import { seedDemo } from './seed.js';

describeEachDb('demo workspace in production (issue 14)', (ctx) => {
  it('offers the demo logins only on a developer machine without a real administrator; demo remove deletes what the seed made and keeps real work', { timeout: 120_000 }, async () => {
    const { deps, request } = ctx();
    const db = deps.database.db;
    await db.deleteFrom('api_tokens').execute();
    await db.deleteFrom('audit_log').execute();
    await db.deleteFrom('users').execute();
    expect((await seedDemo(deps)).seeded).toBe(true);

    const workspace = async () => (await request('GET', '/api/v1/workspace', null)).body as { demo: boolean; demoLogins?: unknown[] };
    expect((await workspace()).demoLogins).toHaveLength(11);
    // A production-like start (here: NODE_ENV=production) never advertises the demo passwords.
    const deployment = deps.config.deployment;
    deps.config.deployment = { ...deployment, productionLikeReasons: ['NODE_ENV=production'] };
    try {
      expect(await workspace()).toEqual({ demo: true });
    } finally {
      deps.config.deployment = deployment;
    }

    // A real administrator takes over: the demo logins are no longer offered.
    const real = await deps.users.create(null, { email: 'owner@company.example', name: 'Owner', role: 'admin', locale: 'en', timeZone: 'Asia/Tokyo', password: 'a-real-password-2026' });
    expect(await workspace()).toEqual({ demo: true });
    const owner: Principal = { userId: real.id, role: 'admin', locale: 'en', timeZone: 'Asia/Tokyo', name: real.name, email: real.email, via: 'token' };
    // Real work next to the demo: a real customer's ticket in a demo team, assigned to a demo agent.
    const front = (await db.selectFrom('teams').select('id').where('name', 'like', '一次対応%').executeTakeFirstOrThrow()).id;
    const tanaka = (await deps.users.findByEmail('tanaka@demo.example'))!;
    const customer = await deps.customers.create({ name: 'Real Customer', email: 'buyer@customer.example' });
    const ticket = await deps.tickets.create(owner, { subject: 'A real question', description: 'Real', requesterId: customer.id, teamId: front, priority: 'normal', channel: 'email' });
    await deps.tickets.update(owner, ticket.id, { assigneeId: tanaka.id });
    const demoTicketIds = (await db.selectFrom('tickets').select('id').where('id', '!=', ticket.id).execute()).map((t) => t.id);
    expect(demoTicketIds.length).toBeGreaterThanOrEqual(30);
    expect(await db.selectFrom('escalations').select('id').execute()).not.toHaveLength(0);

    // A real path whose level is aimed at a demo team blocks the removal until it is changed.
    const template = (await deps.escalationPaths.list()).items.find((p) => p.name.startsWith('請求トラブル'))!;
    const realPath = await deps.escalationPaths.create(
      owner,
      { name: 'Real billing path', purpose: template.purpose, ownerId: real.id, reviewIntervalDays: 90, active: true, autoEscalate: false, conditions: template.conditions, levels: template.levels, fallbackUserIds: [real.id], fallbackTeamId: null },
      'made by the owner',
    );
    await expect(removeDemo(deps)).rejects.toThrow(/Change these first.*escalation path "Real billing path"\. Nothing was removed/);
    expect(await db.selectFrom('users').select('id').execute()).toHaveLength(12);
    await deps.escalationPaths.remove(owner, realPath.id, 'no longer needed');

    const r = await removeDemo(deps);
    expect(r).toMatchObject({ users: 11, teams: 5, tickets: demoTicketIds.length, escalationPaths: 6, slaPolicies: 2, calendars: 1, rotations: 1 });
    const count = async (table: 'users' | 'teams' | 'team_members' | 'customers' | 'organizations' | 'tickets' | 'ticket_events' | 'escalations' | 'escalation_recipients' | 'escalation_paths' | 'escalation_path_versions' | 'rotations' | 'sla_policies' | 'calendars' | 'notifications' | 'deliveries' | 'sessions' | 'notification_preferences') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect((await db.selectFrom('users').select('email').execute()).map((u) => u.email)).toEqual(['owner@company.example']);
    for (const table of ['teams', 'team_members', 'organizations', 'escalations', 'escalation_recipients', 'rotations', 'sla_policies', 'calendars', 'notifications', 'deliveries', 'sessions'] as const) {
      expect(await count(table), table).toBe(0);
    }
    expect(await count('customers')).toBe(1);
    // The real (deleted) path and its two versions stay.
    expect((await db.selectFrom('escalation_paths').select('id').execute()).map((p) => p.id)).toEqual([realPath.id]);
    expect(await count('escalation_path_versions')).toBe(2);
    expect(await count('notification_preferences')).toBeLessThanOrEqual(1);
    const kept = await deps.tickets.get(null, ticket.id);
    expect(kept).toMatchObject({ id: ticket.id, subject: 'A real question' });
    expect((await db.selectFrom('tickets').select(['id', 'assignee_id', 'team_id']).execute())).toEqual([{ id: ticket.id, assignee_id: null, team_id: null }]);
    expect(await db.selectFrom('ticket_events').select('id').where('ticket_id', 'in', demoTicketIds).execute()).toHaveLength(0);
    const jobs = await db.selectFrom('jobs').select('payload').execute();
    for (const j of jobs) for (const id of [...demoTicketIds, tanaka.id]) expect(j.payload).not.toContain(id);
    expect(await workspace()).toEqual({ demo: false });
    expect((await deps.audit.list({ limit: 5, action: 'demo.removed' })).items).toHaveLength(1);
    if (deps.database.dialect === 'sqlite') expect((await sql`pragma foreign_key_check`.execute(db)).rows).toEqual([]);
    await expect(removeDemo(deps)).rejects.toThrow(/holds no demo workspace/);
  });
});
