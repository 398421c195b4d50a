import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { inTransaction } from '../../db/database.js';
import { reply, startReceiver, type LoopbackReceiver } from '../../integrations/loopback-test-support.js';
import { enqueueJob } from '../../jobs/jobs.repository.js';
import { newId } from '../../lib/ids.js';

/**
 * Deliveries through receiver outages (issue 12): retried by time over a 24-hour window,
 * ordered per ticket without one stuck ticket holding up the others, Retry-After honoured,
 * dead only after the window (and then the administrators hear of it), and reminders that
 * stopped being useful recorded with their reason while webhooks still get every event.
 */
const MIN = 60_000;
const H = 3600_000;

/** The far side: answers by mode, per ticket when told; counts every request and what it accepted. */
const far = {
  mode: 'up' as 'up' | 'down' | 'retry-after',
  refuseTickets: new Set<string>(),
  accepted: [] as { id: string; event: string; ticketId: string; n: number; occurredAt: string }[],
  requests: 0,
};
let receiver: LoopbackReceiver;

beforeAll(async () => {
  receiver = await startReceiver((req, res) => {
    far.requests++;
    const body = JSON.parse(req.rawBody) as {
      id: string;
      event: string;
      occurredAt: string;
      data: { ticketId: string; n?: number };
    };
    if (far.mode === 'down' || far.refuseTickets.has(body.data.ticketId)) return reply(res, 503, 'down');
    if (far.mode === 'retry-after') {
      far.mode = 'up';
      res.setHeader('retry-after', '120');
      return reply(res, 503, 'busy');
    }
    far.accepted.push({
      id: body.id,
      event: body.event,
      ticketId: body.data.ticketId,
      n: body.data.n ?? -1,
      occurredAt: body.occurredAt,
    });
    reply(res, 200, 'ok');
  });
});
afterAll(() => receiver.close());

describeEachDb('deliveries through faults', (ctx) => {
  const c = (): TestContext => ctx();
  const drain = () => c().deps.jobs.drain();
  let subscriptionId = '';

  const reset = () => {
    far.mode = 'up';
    far.refuseTickets.clear();
    far.accepted.length = 0;
    far.requests = 0;
  };
  const ticket = async (subject: string): Promise<string> =>
    (await c().request('POST', '/api/v1/tickets', c().actors.agent, { subject })).body.id;
  /** An event on a ticket, as another module queues it (a notify intent in its own transaction). */
  const event = (ticketId: string, n: number) =>
    inTransaction(c().deps.database.db, (tx) =>
      enqueueJob(
        tx,
        {
          kind: 'notify',
          payload: { event: 'ticket.updated', ticketId, data: { n } },
          dueAt: c().clock.now(),
          dedupeKey: `notify:test:${newId()}`,
        },
        c().clock.now(),
      ),
    );
  const deliveries = () =>
    c()
      .deps.database.db.selectFrom('deliveries')
      .selectAll()
      .where('recipient_key', '=', `webhook:${subscriptionId}`)
      .execute();
  /** Moves the clock in steps, running what comes due at each. */
  const run = async (total: number, step: number, until?: () => boolean) => {
    for (let t = 0; t < total && !until?.(); t += step) {
      c().clock.advance(step);
      await drain();
    }
  };

  it(
    'a receiver down for three hours gets every event once afterwards, in order per ticket; nothing dies within the window',
    { timeout: 120_000 },
    async () => {
      reset();
      const sub = await c().request('POST', '/api/v1/webhooks', c().actors.admin, {
        url: `${receiver.url}/hook`,
        events: ['ticket.updated'],
      });
      expect(sub.status).toBe(201);
      subscriptionId = sub.body.id;
      const tickets = [
        await ticket('Outage A'),
        await ticket('Outage B'),
        await ticket('Outage C'),
        await ticket('Outage D'),
      ];
      await drain();
      far.mode = 'down';
      for (let n = 0; n < 5; n++) for (const t of tickets) await event(t, n);
      await drain();
      await run(3 * H, 5 * MIN);
      const during = await deliveries();
      expect(during).toHaveLength(20);
      expect(during.filter((d) => d.state === 'dead')).toHaveLength(0);
      // The head of each ticket retries; the rest of the ticket waits behind it (no attempt spent).
      expect(during.filter((d) => d.state === 'failed')).toHaveLength(4);
      expect(during.filter((d) => d.state === 'queued')).toHaveLength(16);
      const head = during.find((d) => d.state === 'failed')!;
      expect(Number(head.next_attempt_at)).toBeGreaterThan(c().clock.now());
      expect(Number(head.next_attempt_at) - c().clock.now()).toBeLessThanOrEqual(10 * MIN);
      expect(Number(head.retry_until)).toBe(Number(head.scheduled_at) + 24 * H);
      // The console shows when it is tried next.
      const shown = await c().request('GET', `/api/v1/deliveries/${head.id}`, c().actors.admin);
      expect(shown.body.delivery ?? shown.body).toMatchObject({
        state: 'failed',
        nextAttemptAt: new Date(Number(head.next_attempt_at)).toISOString(),
      });

      far.mode = 'up';
      const recovered = c().clock.now();
      await run(30 * MIN, 15_000, () => far.accepted.length >= 20);
      expect(far.accepted).toHaveLength(20);
      expect(new Set(far.accepted.map((a) => a.id)).size).toBe(20);
      for (const t of tickets)
        expect(far.accepted.filter((a) => a.ticketId === t).map((a) => a.n)).toEqual([0, 1, 2, 3, 4]);
      // Every event says when it happened, not when it finally arrived.
      expect(far.accepted.every((a) => Date.parse(a.occurredAt) < recovered)).toBe(true);
      // The backlog drained within one backoff step of the first success (retries were brought forward).
      expect(c().clock.now() - recovered).toBeLessThanOrEqual(11 * MIN);
      expect((await deliveries()).every((d) => d.state === 'done')).toBe(true);
    },
  );

  it(
    'one stuck ticket does not hold up the others; it is dead only after the 24-hour window, and the administrators are told',
    { timeout: 120_000 },
    async () => {
      reset();
      const [stuck, a, b] = [await ticket('Stuck'), await ticket('Free A'), await ticket('Free B')];
      await drain();
      far.refuseTickets.add(stuck);
      for (let n = 0; n < 3; n++) for (const t of [stuck, a, b]) await event(t, n);
      await drain();
      await run(2 * MIN, 10_000);
      expect(far.accepted.filter((x) => x.ticketId === a).map((x) => x.n)).toEqual([0, 1, 2]);
      expect(far.accepted.filter((x) => x.ticketId === b).map((x) => x.n)).toEqual([0, 1, 2]);
      expect(far.accepted.filter((x) => x.ticketId === stuck)).toEqual([]);
      const mine = async () => (await deliveries()).filter((d) => d.ticket_id === stuck);
      await run(23 * H, 30 * MIN);
      expect((await mine()).filter((d) => d.state === 'dead')).toHaveLength(0);
      await run(2 * H, 30 * MIN);
      const dead = (await mine()).filter((d) => d.state === 'dead');
      expect(dead.length).toBeGreaterThanOrEqual(1);
      await drain();
      const alerts = await c()
        .deps.database.db.selectFrom('notifications')
        .selectAll()
        .where('event', '=', 'delivery.dead')
        .where('user_id', '=', c().actors.admin.id)
        .execute();
      expect(alerts.some((n) => n.body.includes(`webhook:${subscriptionId}`))).toBe(true);
      // Nobody but administrators is alerted, and the alert is not itself sent to webhooks.
      expect(
        await c()
          .deps.database.db.selectFrom('notifications')
          .select('id')
          .where('event', '=', 'delivery.dead')
          .where('user_id', '=', c().actors.agent.id)
          .execute(),
      ).toEqual([]);
      expect((await deliveries()).some((d) => d.event === 'delivery.dead')).toBe(false);
    },
  );

  it('a subscription may set its own retry window', { timeout: 60_000 }, async () => {
    reset();
    expect(
      (
        await c().request('POST', '/api/v1/webhooks', c().actors.admin, {
          url: `${receiver.url}/short`,
          events: ['ticket.updated'],
          retryWindowHours: 0,
        })
      ).status,
    ).toBe(400);
    const short = await c().request('POST', '/api/v1/webhooks', c().actors.admin, {
      url: `${receiver.url}/short`,
      events: ['ticket.updated'],
      retryWindowHours: 1,
    });
    expect(short.status).toBe(201);
    expect(short.body.retryWindowHours).toBe(1);
    const t = await ticket('Short window');
    await drain();
    far.refuseTickets.add(t);
    await event(t, 0);
    await drain();
    const mine = () =>
      c()
        .deps.database.db.selectFrom('deliveries')
        .selectAll()
        .where('recipient_key', '=', `webhook:${short.body.id}`)
        .execute();
    await run(50 * MIN, 5 * MIN);
    expect((await mine()).map((d) => d.state)).toEqual(['failed']);
    await run(20 * MIN, 5 * MIN);
    expect((await mine()).map((d) => d.state)).toEqual(['dead']);
    const patched = await c().request('PATCH', `/api/v1/webhooks/${short.body.id}`, c().actors.admin, {
      active: false,
      retryWindowHours: null,
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ active: false, retryWindowHours: 24 });
  });

  it('honours Retry-After', { timeout: 60_000 }, async () => {
    // What earlier tests left failing is accepted now; then count only this test's requests.
    reset();
    await run(H, 10 * MIN);
    reset();
    const t = await ticket('Retry-After');
    await drain();
    far.mode = 'retry-after';
    await event(t, 0);
    await drain();
    expect(far.requests).toBe(1);
    const [d] = (await deliveries()).filter((x) => x.ticket_id === t);
    expect(Number(d!.next_attempt_at) - c().clock.now()).toBeGreaterThanOrEqual(120_000);
    await run(119_000, 1000);
    expect(far.requests).toBe(1);
    await run(3000, 1000);
    expect(far.requests).toBe(2);
    expect(far.accepted.map((x) => x.ticketId)).toEqual([t]);
  });

  it(
    'a warning whose breach has passed is still sent to webhooks, and recorded as superseded for the people it would have reminded',
    { timeout: 60_000 },
    async () => {
      reset();
      const hooked = await c().request('POST', '/api/v1/webhooks', c().actors.admin, {
        url: `${receiver.url}/sla`,
        events: ['sla.*'],
      });
      expect(hooked.status).toBe(201);
      c().clock.set(Math.ceil((c().clock.now() + H) / H) * H);
      const policy = await c().request('POST', '/api/v1/sla-policies', c().actors.admin, {
        name: 'superseded warning',
        conditions: { category: ['superseded-warn'] },
        targets: { normal: { firstResponse: { seconds: 3600, calendarId: null } } },
        warnings: { firstResponse: [{ beforeSeconds: 600 }] },
        actions: { onWarning: [{ type: 'notify', recipients: ['assignee'] }], onBreach: [] },
      });
      expect(policy.status, JSON.stringify(policy.body)).toBe(201);
      const t = await c().request('POST', '/api/v1/tickets', c().actors.agent, {
        subject: 'Late warning',
        category: 'superseded-warn',
        assigneeId: c().actors.agent.id,
      });
      expect(t.status).toBe(201);
      await drain();
      c().clock.advance(2 * H); // the workers were down past both the warning and the breach
      await drain();
      await drain();
      const warnings = far.accepted.filter((x) => x.event === 'sla.warning' && x.ticketId === t.body.id);
      expect(warnings).toHaveLength(1);
      const dropped = await c()
        .deps.database.db.selectFrom('deliveries')
        .selectAll()
        .where('ticket_id', '=', t.body.id)
        .where('state', '=', 'dropped')
        .execute();
      expect(dropped.length).toBeGreaterThanOrEqual(1);
      expect(
        dropped.every(
          (d) =>
            d.drop_reason === 'superseded' && d.user_id === c().actors.agent.id && d.event === 'sla.warning',
        ),
      ).toBe(true);
    },
  );

  it(
    'set-wise fan-out: deliveries due together where one receiver call fails keeps the others\' outcomes and the failed one\'s retry, in order per ticket',
    { timeout: 60_000 },
    async () => {
      reset();
      const db = c().deps.database.db;
      // Only this test's subscription hears of the events.
      await db.updateTable('webhook_subscriptions').set({ active: 0 }).execute();
      const sub = await c().request('POST', '/api/v1/webhooks', c().actors.admin, {
        url: `${receiver.url}/batch`,
        events: ['ticket.updated'],
      });
      expect(sub.status).toBe(201);
      const mine = () =>
        db.selectFrom('deliveries').selectAll().where('recipient_key', '=', `webhook:${sub.body.id}`).orderBy('seq').execute();
      const [a, failing, b] = [await ticket('Batch A'), await ticket('Batch failing'), await ticket('Batch B')];
      await drain();
      reset();
      far.refuseTickets.add(failing);
      const fanOuts = vi.spyOn(c().deps.notifications, 'fanOutMany');
      try {
        for (let n = 0; n < 3; n++) for (const t of [a, failing, b]) await event(t, n);
        await drain();
        // The intents were fanned out set-wise.
        expect(fanOuts.mock.calls.some(([, jobs]) => jobs.length > 1)).toBe(true);
      } finally {
        fanOuts.mockRestore();
      }
      // Sequence numbers follow the events of each ticket.
      const rows = await mine();
      expect(rows).toHaveLength(9);
      for (const t of [a, failing, b])
        expect(rows.filter((d) => d.ticket_id === t).map((d) => (JSON.parse(d.items) as { data: { n: number } }[])[0]!.data.n)).toEqual([0, 1, 2]);
      // The others' outcomes stand, in order per ticket.
      expect(far.accepted.filter((x) => x.ticketId === a).map((x) => x.n)).toEqual([0, 1, 2]);
      expect(far.accepted.filter((x) => x.ticketId === b).map((x) => x.n)).toEqual([0, 1, 2]);
      expect(rows.filter((d) => d.ticket_id !== failing).every((d) => d.state === 'done' && d.attempts === 1)).toBe(true);
      // The failed one is retried by time; the rest of its ticket waits behind it.
      const head = rows.find((d) => d.ticket_id === failing && d.state === 'failed')!;
      expect(head).toBeDefined();
      expect(Number(head.next_attempt_at)).toBeGreaterThan(c().clock.now());
      expect(Number(head.retry_until)).toBe(Number(head.scheduled_at) + 24 * H);
      expect(rows.filter((d) => d.ticket_id === failing && d.state === 'queued')).toHaveLength(2);
      const attempts = await db.selectFrom('delivery_attempts').selectAll().where('delivery_id', '=', head.id).execute();
      expect(attempts.map((x) => x.ok)).toEqual([0]);
      const job = await db.selectFrom('jobs').selectAll().where('dedupe_key', '=', `deliver:${head.id}`).executeTakeFirstOrThrow();
      expect(job).toMatchObject({ state: 'pending', locked_by: null });
      expect(Number(job.due_at)).toBe(Number(head.next_attempt_at));

      far.refuseTickets.clear();
      await run(30 * MIN, MIN, () => far.accepted.filter((x) => x.ticketId === failing).length >= 3);
      expect(far.accepted.filter((x) => x.ticketId === failing).map((x) => x.n)).toEqual([0, 1, 2]);
      expect((await mine()).every((d) => d.state === 'done')).toBe(true);
      // Each event reached the receiver once.
      expect(new Set(far.accepted.map((x) => x.id)).size).toBe(far.accepted.length);
    },
  );
});
