import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, isAvailable, type TestDatabase } from '../../../test/helpers/databases.js';
import { startTestNode, waitUntil, type TestNode } from '../../../test/helpers/node.js';
import type { Principal } from '../auth/index.js';
import { DEFAULT_HANDS_CONFIG, HAND_TIER_JOB } from './index.js';

/**
 * Issue 16: tier timeouts are jobs on the timer engine. Three nodes on one PostgreSQL
 * database, real clock: every hand passes each tier exactly once (one hand.alerted row per
 * tier, one hand.exhausted), whichever node fires the timer.
 */
describe.skipIf(!isAvailable('postgres'))('hand tier timeouts across three PostgreSQL nodes', () => {
  let tdb: TestDatabase;
  const nodes: TestNode[] = [];
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    nodes.push(await startTestNode(tdb.config, tdb.dataDir));
    for (let i = 0; i < 2; i++) nodes.push(await startTestNode(tdb.config, tdb.dataDir, { migrate: false, createAdmin: false }));
  }, 60_000);
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await tdb?.drop();
  });

  it('fires each tier of each hand once, spread over the nodes', { timeout: 60_000 }, async () => {
    const deps = nodes[0]!.deps;
    const person = async (role: 'agent' | 'supervisor' | 'manager', i: number) => {
      const u = await deps.users.create(null, { email: `${role}${i}@nodes.example`, name: `${role} ${i}`, role, locale: 'en', timeZone: 'Asia/Tokyo', password: 'test-password-123' });
      return { userId: u.id, role, locale: 'en', timeZone: 'Asia/Tokyo', name: u.name, email: u.email, via: 'token' } as Principal;
    };
    const operator = await person('agent', 0);
    const a = await person('supervisor', 1);
    const b = await person('supervisor', 2);
    await person('manager', 3);
    await deps.hands.updateConfig(null, {
      ...DEFAULT_HANDS_CONFIG,
      maxPerSupervisor: 50,
      tiers: [
        { name: 'one', targets: [{ type: 'user', userId: a.userId }], timeoutSeconds: 1 },
        { name: 'two', targets: [{ type: 'user', userId: b.userId }], timeoutSeconds: 1 },
        { name: 'floor manager', targets: [{ type: 'managers' }], timeoutSeconds: 1 },
      ],
    });
    const firedBy = new Map<string, number>();
    nodes.forEach((n, i) =>
      n.deps.jobs.observe((job, _at, outcome) => {
        if (job.kind === HAND_TIER_JOB && outcome === 'done') firedBy.set(String(i), (firedBy.get(String(i)) ?? 0) + 1);
      }),
    );
    for (const n of nodes) await n.deps.jobs.start();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await nodes[i % 3]!.deps.hands.raise(operator, { category: 'refund', ask: `hand ${i}` })).id);
    const db = deps.database.db;
    const exhausted = async () => Number((await db.selectFrom('hand_events').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'hand.exhausted').executeTakeFirst())?.n ?? 0);
    await waitUntil(async () => (await exhausted()) === ids.length, 20_000, 'every hand exhausted');
    await new Promise((r) => setTimeout(r, 1500));
    const rows = await db.selectFrom('hand_events').select(['hand_id', 'kind']).where('hand_id', 'in', ids).execute();
    for (const id of ids) {
      const kinds = rows.filter((r) => r.hand_id === id).map((r) => r.kind);
      expect(kinds.filter((k) => k === 'hand.alerted'), id).toHaveLength(3);
      expect(kinds.filter((k) => k === 'hand.exhausted'), id).toHaveLength(1);
    }
    expect([...firedBy.values()].reduce((s, n) => s + n, 0)).toBe(ids.length * 3);
    const hands = await db.selectFrom('hands').select(['tier_index', 'exhausted_at', 'state']).where('id', 'in', ids).execute();
    expect(hands.every((h) => h.state === 'open' && h.tier_index === 2 && h.exhausted_at !== null)).toBe(true);
  });
});
