import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { levelBody, pathBody } from '../paths/path-test-support.js';

/**
 * Issue 18: the registry figures the path review report reads, on both databases — timeouts
 * per week counted for the path's own escalations only, the fallback reached, and the
 * visibility of the reports (a non-member of a restricted team does not count its ticket).
 */
describeEachDb('path review figures', (get) => {
  const ids = {} as Record<'path' | 'other', string>;
  const q = (name: string, pathId: string) => `/api/v1/reports/${name}?from=2026-01-01&to=2026-01-10&groupBy=week&path=${pathId}`;

  it('lets two escalations on a path time out, one of them on a restricted team', async () => {
    const c = get();
    const { actors } = c;
    const support = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Support', members: [{ userId: actors.agent.id, role: 'member' }, { userId: c.otherAgent.id, role: 'member' }] });
    const legal = await c.request('POST', '/api/v1/teams', actors.admin, { name: 'Legal', restricted: true, members: [{ userId: actors.agent.id, role: 'member' }] });
    const level = levelBody('L1', [{ type: 'user', userId: actors.specialist.id }], { ackTimeoutSeconds: 600, onTimeout: { advance: true, repeatReminders: 0, reminderIntervalSeconds: 300 } });
    const path = await c.request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level], { fallbackUserIds: [actors.manager.id] }));
    const other = await c.request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level]));
    expect([path.status, other.status]).toEqual([201, 201]);
    ids.path = path.body.id;
    ids.other = other.body.id;
    for (const teamId of [support.body.id, legal.body.id]) {
      const t = await c.request('POST', '/api/v1/tickets', actors.agent, { subject: `Refund ${teamId.slice(0, 4)}`, teamId, priority: 'high' });
      expect(t.status).toBe(201);
      expect((await c.request('POST', `/api/v1/tickets/${t.body.id}/escalations`, actors.agent, { pathId: ids.path, brief: { ask: '返金の承認' } })).status).toBe(201);
    }
    c.clock.advance(11 * 60_000);
    await c.deps.jobs.drain();
  });

  it('counts the timeouts per week of the path, its fallback, and only what the reader may see', async () => {
    const c = get();
    const expiries = await c.request('GET', q('escalations.expiries', ids.path), c.actors.admin);
    expect(expiries.status).toBe(200);
    expect(expiries.body.rows).toEqual([{ bucket: '2026-W02', week: '2026-W02', expiries: 2 }]);
    expect((await c.request('GET', q('escalations.expiries', ids.other), c.actors.admin)).body.rows).toEqual([]);
    expect((await c.request('GET', q('escalations.expiries', ids.path), c.otherAgent)).body.rows).toEqual([{ bucket: '2026-W02', week: '2026-W02', expiries: 1 }]);
    const volume = await c.request('GET', q('escalations.volume', ids.path), c.actors.admin);
    expect(volume.body.rows[0]).toMatchObject({ bucket: '2026-W02', escalations: 2, fallback_reached: 2, fallback_share: 100 });
    expect((await c.request('GET', q('escalations.volume', ids.path), c.otherAgent)).body.rows[0]).toMatchObject({ escalations: 1, fallback_reached: 1 });
    // The path's evidence counts what the reports count: the outsider does not see the restricted ticket's escalation.
    const since = '2026-01-01T00:00:00Z';
    expect((await c.request('GET', `/api/v1/escalation-paths/${ids.path}/evidence?since=${since}`, c.actors.admin)).body).toMatchObject({ escalations: 2, advancedPastFirstLevel: 2 });
    expect((await c.request('GET', `/api/v1/escalation-paths/${ids.path}/evidence?since=${since}`, c.otherAgent)).body).toMatchObject({ escalations: 1 });
    expect((await c.request('GET', `/api/v1/escalation-paths/${ids.path}/evidence?since=${since}`, c.actors.agent)).body).toMatchObject({ escalations: 2 });
    // The agent may run the per-week timeouts (not personal), not the per-person ones.
    expect((await c.request('GET', q('escalations.expiries', ids.path), c.actors.agent)).status).toBe(200);
    expect((await c.request('GET', q('escalations.expiries', ids.path).replace('groupBy=week', 'groupBy=person'), c.actors.agent)).status).toBe(403);
  });
});
