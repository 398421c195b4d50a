import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { levelBody, pathBody } from './path-test-support.js';

describeEachDb('escalation paths over HTTP', (ctx) => {
  it('diffs versions where a level was added, then removed', async () => {
    const { request, actors } = ctx();
    const l1 = levelBody('L1', [{ type: 'user', userId: actors.specialist.id }]);
    const l2 = levelBody('L2', [{ type: 'user', userId: actors.manager.id }]);
    const v1 = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [l1]));
    expect(v1.status).toBe(201);
    const { id: _id, version: _v, autoEscalate: _a, lastReviewedAt: _r, lastReviewedBy: _b, reviewDueAt: _d, reviewDue: _due, createdAt: _c, updatedAt: _u, ...def } = v1.body;
    expect((await request('PUT', `/api/v1/escalation-paths/${v1.body.id}`, actors.admin, { ...def, levels: [l1, l2], reason: 'add L2' })).status).toBe(200);
    expect((await request('PUT', `/api/v1/escalation-paths/${v1.body.id}`, actors.admin, { ...def, levels: [l1], reason: 'drop L2' })).status).toBe(200);

    const added = await request('GET', `/api/v1/escalation-paths/${v1.body.id}/versions/diff?from=1&to=2`, actors.agent);
    expect(added.status).toBe(200);
    expect(added.body.changes).toEqual([{ path: 'levels[1]', change: 'added', after: expect.objectContaining({ name: 'L2' }) }]);
    const removed = await request('GET', `/api/v1/escalation-paths/${v1.body.id}/versions/diff?from=2&to=3`, actors.agent);
    expect(removed.status).toBe(200);
    expect(removed.body.changes).toEqual([{ path: 'levels[1]', change: 'removed', before: expect.objectContaining({ name: 'L2' }) }]);
    const none = await request('GET', `/api/v1/escalation-paths/${v1.body.id}/versions/diff?from=1&to=3`, actors.agent);
    expect(none.body.changes).toEqual([]);
  });

  it('lists paths a page at a time with limit and cursor, and all of them without a limit', async () => {
    const { request, actors } = ctx();
    for (let i = 0; i < 3; i++) {
      const res = await request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [levelBody('L1', [{ type: 'user', userId: actors.specialist.id }])], { name: `Paged ${i}` }));
      expect(res.status).toBe(201);
    }
    const all = await request('GET', '/api/v1/escalation-paths', actors.agent);
    expect(all.status).toBe(200);
    expect(all.body.nextCursor).toBeNull();
    const names: string[] = all.body.items.map((p: { name: string }) => p.name);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { items: { name: string }[]; nextCursor: string | null } } = await request('GET', `/api/v1/escalation-paths?limit=2${cursor ? `&cursor=${cursor}` : ''}`, actors.agent);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((p) => p.name));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toEqual(names);
    expect(pages).toBe(Math.ceil(names.length / 2));
    const bad = await request('GET', '/api/v1/escalation-paths?cursor=not-a-cursor', actors.agent);
    expect(bad.status).toBe(400);
  });
});
