import { expect, it } from 'vitest';
import { describeEachDb } from '../../test/helpers/app.js';
import { afterCommit, commitGroup, type Tx } from './database.js';

/**
 * Group commit (issue 13): concurrent calls share one transaction; a failing call neither loses
 * nor changes the others, and a call is acknowledged only once its work is committed.
 */
describeEachDb('group commit', (ctx) => {
  it('commits the calls of a group together and runs each one’s afterCommit callbacks once', async () => {
    const { db } = ctx().deps.database;
    const run = commitGroup(db);
    const txs = new Set<Tx>();
    const hooks: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        run(async (tx) => {
          txs.add(tx);
          await tx.insertInto('counters').values({ name: `cg-ok-${i}`, value: i }).execute();
          afterCommit(tx, () => hooks.push(i));
          return i;
        }),
      ),
    );
    expect(results).toEqual([...Array(16).keys()]);
    // The first call starts alone; the 15 queued meanwhile share one transaction.
    expect(txs.size).toBe(2);
    expect(hooks.sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
    const rows = await db.selectFrom('counters').select(['name', 'value']).where('name', 'like', 'cg-ok-%').execute();
    expect(rows.map((r) => Number(r.value)).sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
  });

  it('a failing call in a group (its own error, or a statement the database refuses) loses nothing of the others', async () => {
    const { db } = ctx().deps.database;
    await db.insertInto('counters').values({ name: 'cg-taken', value: 1 }).execute();
    const run = commitGroup(db);
    const hooks: number[] = [];
    const settled = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        run(async (tx) => {
          await tx.insertInto('counters').values({ name: `cg-mixed-${i}`, value: i }).execute();
          afterCommit(tx, () => hooks.push(i));
          if (i === 5) throw new Error('call 5 fails after writing');
          if (i === 9) await tx.insertInto('counters').values({ name: 'cg-taken', value: 2 }).execute();
          await tx.updateTable('counters').set({ value: i * 10 }).where('name', '=', `cg-mixed-${i}`).execute();
          return i;
        }),
      ),
    );
    expect(settled.map((s) => s.status)).toEqual(Array.from({ length: 16 }, (_, i) => (i === 5 || i === 9 ? 'rejected' : 'fulfilled')));
    expect((settled[5] as PromiseRejectedResult).reason).toMatchObject({ message: 'call 5 fails after writing' });
    // The failing calls' writes and callbacks are gone; every acknowledged call's work is committed, whole.
    expect(hooks.sort((a, b) => a - b)).toEqual([...Array(16).keys()].filter((i) => i !== 5 && i !== 9));
    const rows = await db.selectFrom('counters').select(['name', 'value']).where('name', 'like', 'cg-mixed-%').execute();
    const byName = new Map(rows.map((r) => [r.name, Number(r.value)]));
    for (let i = 0; i < 16; i++) expect(byName.get(`cg-mixed-${i}`)).toBe(i === 5 || i === 9 ? undefined : i * 10);
    expect(Number((await db.selectFrom('counters').select('value').where('name', '=', 'cg-taken').executeTakeFirstOrThrow()).value)).toBe(1);
  });

  it('concurrent ticket creations with one bad request: the others are all created, numbered once each', async () => {
    const { request, actors } = ctx();
    const before = (await request('GET', '/api/v1/tickets?limit=1', actors.agent)).body.items[0]?.number ?? 0;
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        request('POST', '/api/v1/tickets', actors.agent, {
          subject: `grouped ${i}`,
          description: 'プリンターが動きません',
          requesterEmail: `grouped-${i}@customers.test.example`,
          ...(i === 4 && { teamId: '01900000-0000-7000-8000-00000000dead' }),
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 12 }, (_, i) => (i === 4 ? 400 : 201)));
    const created = responses.filter((r) => r.status === 201).map((r) => r.body);
    expect(new Set(created.map((t) => t.number)).size).toBe(11);
    for (const t of created) {
      const got = await request('GET', `/api/v1/tickets/${t.id}`, actors.agent);
      expect(got.status).toBe(200);
      expect(got.body.subject).toBe(t.subject);
      const timeline = (await request('GET', `/api/v1/tickets/${t.id}/timeline`, actors.agent)).body.items;
      expect(timeline.filter((e: { kind: string }) => e.kind === 'message.added')).toHaveLength(1);
    }
    expect(new Set(created.map((t) => t.requesterId)).size).toBe(11);
    const after = (await request('GET', '/api/v1/tickets?limit=20', actors.agent)).body.items.filter((t: { number: number }) => t.number > before);
    expect(after).toHaveLength(11);
  });
});
