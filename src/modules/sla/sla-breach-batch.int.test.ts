import { expect, it, vi } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';

const S = 1000;
const H = 3600_000;
const N = 30;

/** N tickets whose two clocks (first response, resolution) fall due at the same instant. */
async function burst(c: TestContext, category: string) {
  c.clock.set(Math.ceil((c.clock.now() + H) / H) * H);
  const t0 = c.clock.now();
  const p = await c.request('POST', '/api/v1/sla-policies', c.actors.admin, {
    name: `batch ${category}`,
    conditions: { category: [category] },
    targets: { normal: { firstResponse: { seconds: 60, calendarId: null }, resolution: { seconds: 60, calendarId: null } } },
    actions: {
      onBreach: [
        { type: 'notify', recipients: ['assignee'] },
        { type: 'add_tag', tag: 'SLA-Breached' },
        { type: 'raise_priority' },
      ],
    },
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const tickets: string[] = [];
  for (let i = 0; i < N; i++) {
    const r = await c.request('POST', '/api/v1/tickets', c.actors.agent, {
      subject: `Burst ${i}`,
      description: 'Down.',
      category,
      requesterEmail: `b${i}-${category}@customer.example`,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    tickets.push(r.body.id);
  }
  const db = c.deps.database.db;
  const clocks = await db.selectFrom('sla_clocks').select(['id', 'ticket_id', 'kind']).where('ticket_id', 'in', tickets).execute();
  expect(clocks).toHaveLength(2 * N);
  c.clock.set(t0 + 60 * S);
  return { t0, tickets, clocks, db };
}

const breachedEvents = async (c: TestContext, tickets: string[]) =>
  (await c.deps.database.db.selectFrom('ticket_events').select(['ticket_id', 'data']).where('kind', '=', 'sla.breached').where('ticket_id', 'in', tickets).execute()).map(
    (e) => JSON.parse(e.data) as { clockId: string },
  );

describeEachDb('SLA breaches due at the same instant (set-wise batch)', (ctx) => {
  it('records every clock due at once exactly once, in one set-wise batch, with its actions', async () => {
    const c = ctx();
    const { tickets, clocks, db } = await burst(c, 'batch-all');
    const sla = c.deps.sla as unknown as Record<string, (...a: unknown[]) => Promise<void>>;
    const many = vi.spyOn(sla, 'fireBreaches');
    const one = vi.spyOn(sla, 'fireBreach');
    let calls = { many: 0, one: 0 };
    try {
      await c.deps.jobs.drain();
      calls = { many: many.mock.calls.length, one: one.mock.calls.length };
    } finally {
      many.mockRestore();
      one.mockRestore();
    }
    expect(calls.many).toBeGreaterThan(0);
    expect(calls.one).toBe(0);
    const events = await breachedEvents(c, tickets);
    expect(events.map((e) => e.clockId).sort()).toEqual(clocks.map((k) => k.id).sort());
    const rows = await db.selectFrom('sla_clocks').select(['state', 'breached_at', 'due_at']).where('ticket_id', 'in', tickets).execute();
    expect(rows.every((r) => r.state === 'breached' && Number(r.breached_at) === Number(r.due_at))).toBe(true);
    const jobs = await db.selectFrom('jobs').select(['kind', 'state', 'dedupe_key']).where('kind', 'in', ['sla.breach', 'notify']).where('dedupe_key', 'like', 'notify:sla:%').execute();
    expect(jobs).toHaveLength(2 * N); // one notification intent per clock
    const breachJobs = await db.selectFrom('jobs').select('state').where('kind', '=', 'sla.breach').where('dedupe_key', 'in', clocks.map((k) => `sla:${k.id}:breach`)).execute();
    expect(breachJobs.map((j) => j.state)).toEqual(Array(2 * N).fill('done'));
    for (const id of tickets.slice(0, 5)) {
      const t = (await c.request('GET', `/api/v1/tickets/${id}`, c.actors.agent)).body;
      // Both clocks' actions, as one by one: the tag once, the priority raised twice (normal → high → urgent).
      expect(t.tags).toEqual(['sla-breached']);
      expect(t.priority).toBe('urgent');
    }
    // Running the timers again changes nothing (exactly once).
    await c.deps.jobs.drain();
    expect(await breachedEvents(c, tickets)).toHaveLength(2 * N);
  });

  it('does not breach a clock met (or superseded) after its timer was written but before the batch runs', async () => {
    const c = ctx();
    const { tickets, clocks, db } = await burst(c, 'batch-met');
    // A reply that committed while the timers were being claimed: the clock is met, its timer still there.
    const met = clocks.find((k) => k.kind === 'first_response')!;
    await db.updateTable('sla_clocks').set({ state: 'met', met_at: c.clock.now() - S }).where('id', '=', met.id).execute();
    const superseded = clocks.find((k) => k.kind === 'resolution' && k.ticket_id !== met.ticket_id)!;
    await db.updateTable('sla_clocks').set({ superseded_at: c.clock.now() - S }).where('id', '=', superseded.id).execute();
    await c.deps.jobs.drain();
    const events = await breachedEvents(c, tickets);
    expect(events).toHaveLength(2 * N - 2);
    expect(events.some((e) => e.clockId === met.id || e.clockId === superseded.id)).toBe(false);
    expect((await db.selectFrom('sla_clocks').select('state').where('id', '=', met.id).executeTakeFirstOrThrow()).state).toBe('met');
  });

  it('a job that fails in the batch does not lose the others: they are recorded once, it alone fails', async () => {
    const c = ctx();
    const { tickets, clocks, db } = await burst(c, 'batch-fail');
    const bad = clocks[7]!;
    const sla = c.deps.sla as unknown as Record<string, (...a: unknown[]) => Promise<void>>;
    const fireBreaches = sla.fireBreaches!.bind(sla);
    const fireBreach = sla.fireBreach!.bind(sla);
    const many = vi.spyOn(sla, 'fireBreaches').mockImplementation(async (tx, ps: unknown, now) => {
      // Its effects are written first, then it fails: the batch must roll them back.
      await fireBreaches(tx, ps, now);
      if ((ps as { clockId: string }[]).some((p) => p.clockId === bad.id)) throw new Error('boom in the batch');
    });
    const one = vi.spyOn(sla, 'fireBreach').mockImplementation(async (tx, p: unknown, now) => {
      if ((p as { clockId: string }).clockId === bad.id) throw new Error('boom alone');
      await fireBreach(tx, p, now);
    });
    let batches = 0;
    try {
      await c.deps.jobs.drain();
      batches = many.mock.calls.length;
    } finally {
      many.mockRestore();
      one.mockRestore();
    }
    expect(batches).toBeGreaterThan(0);
    const events = await breachedEvents(c, tickets);
    expect(events.map((e) => e.clockId).sort()).toEqual(clocks.filter((k) => k.id !== bad.id).map((k) => k.id).sort());
    const badJob = await db.selectFrom('jobs').select(['state', 'last_error']).where('dedupe_key', '=', `sla:${bad.id}:breach`).executeTakeFirstOrThrow();
    expect(badJob.state).not.toBe('done');
    expect(badJob.last_error).toContain('boom alone');
    expect((await db.selectFrom('sla_clocks').select('state').where('id', '=', bad.id).executeTakeFirstOrThrow()).state).toBe('running');
    const intents = await db.selectFrom('jobs').select('dedupe_key').where('dedupe_key', 'like', 'notify:sla:%').where('dedupe_key', 'in', clocks.map((k) => `notify:sla:${k.id}:1:breach:0`)).execute();
    expect(intents).toHaveLength(2 * N - 1);
  });
});
