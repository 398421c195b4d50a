/**
 * Fan-outs larger than one batch, on SQLite and PostgreSQL: the resolution of an incident with
 * more linked tickets than a fan-out batch (and more outstanding deliveries than the fan-out lets
 * wait, so it pauses), and a public update to more status-page subscribers than one page. Every
 * customer gets exactly one reply mail and every subscriber exactly one update mail: none lost
 * between batches, none sent twice.
 */
import { afterAll, expect, it } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../../../test/helpers/smtp-sink.js';
import { newId } from '../../lib/ids.js';
import { FANOUT_BATCH, FANOUT_OUTSTANDING_CAP, FANOUT_PAUSE_MS, FANOUT_START_DELAY_MS } from './incidents.service.js';
import { SUBSCRIBER_BATCH } from './status-page.service.js';

const sink: SmtpSink = await startSmtpSink();
afterAll(() => sink.close());

describeEachDb(
  'incident fan-outs in batches',
  (ctx) => {
    const tag = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    /** Moves the clock past the fan-out's pauses and runs what is due, until `done` or too many rounds. */
    async function settle(c: TestContext, done: () => boolean) {
      c.clock.advance(FANOUT_START_DELAY_MS);
      for (let round = 0; round < 200 && !done(); round++) {
        await c.deps.jobs.drain();
        if (done()) break;
        c.clock.advance(FANOUT_PAUSE_MS);
        await new Promise((r) => setTimeout(r, 10)); // the sink's sockets
      }
    }
    const count = (to: RegExp, from: number) => {
      const per = new Map<string, number>();
      for (const m of sink.mails.slice(from)) for (const a of m.rcptTo) if (to.test(a)) per.set(a, (per.get(a) ?? 0) + 1);
      return per;
    };

    it('resolving an incident with more linked tickets than a batch mails each customer exactly once', async () => {
      const c = ctx();
      const db = c.deps.database.db;
      // More than the deliveries the fan-out lets wait, so it pauses at least once.
      const n = FANOUT_OUTSTANDING_CAP + 2 * FANOUT_BATCH + 3;
      const t = tag();
      const now = c.clock.now();
      const tickets: string[] = [];
      const customers = [];
      const rows = [];
      const base = 500_000 + Math.floor(Math.random() * 400_000);
      for (let i = 0; i < n; i++) {
        const cid = newId();
        const tid = newId();
        customers.push({ id: cid, name: `Customer ${i}`, email: `r${i}-${t}@fanout.example`, phone: null, organization_id: null, tier: 'standard', locale: i % 2 ? 'en' : 'ja', created_at: now, updated_at: now });
        rows.push({ id: tid, number: base + i, subject: `Login fails ${i}`, status: 'open', priority: 'normal', category: null, product: null, tags: '[]', channel: 'email', requester_id: cid, team_id: null, assignee_id: null, temperature: 'calm', created_by: null, created_at: now, updated_at: now, solved_at: null, closed_at: null, version: 1, cc: '[]' });
        tickets.push(tid);
      }
      await db.insertInto('customers').values(customers).execute();
      await db.insertInto('tickets').values(rows).execute();
      const inc = await c.request('POST', '/api/v1/incidents', c.actors.manager, { title: 'Login outage', severity: 'SEV1', ticketIds: tickets });
      expect(inc.status).toBe(201);
      await db.insertInto('sla_holds').values({ ticket_id: tickets[0]!, source: 'other-hold', created_at: now }).execute();
      expect(await db.selectFrom('sla_holds').select('ticket_id').where('source', '=', `incident:${inc.body.id}`).execute()).toHaveLength(n);
      await c.deps.jobs.drain();

      const from = sink.mails.length;
      const to = new RegExp(`-${t}@fanout\\.example$`);
      const res = await c.request('POST', `/api/v1/incidents/${inc.body.id}/resolve`, c.actors.manager, { resolution: { ja: '復旧しました。', en: 'Service is restored.' } });
      expect(res.status).toBe(200);
      await settle(c, () => count(to, from).size >= n);
      await new Promise((r) => setTimeout(r, 200)); // a duplicate would arrive now
      await c.deps.jobs.drain();

      const per = count(to, from);
      expect(per.size).toBe(n);
      expect([...per.values()].filter((k) => k !== 1)).toEqual([]);
      // One reply delivery per ticket, sent; one resolution reply on each ticket's timeline; all solved.
      const deliveries = await db.selectFrom('deliveries').select(['ticket_id', 'state']).where('ticket_id', 'in', tickets).where('event', '=', 'customer.reply').execute();
      expect(deliveries).toHaveLength(n);
      expect(deliveries.every((d) => d.state === 'done')).toBe(true);
      const replies = await db.selectFrom('ticket_events').select('ticket_id').where('ticket_id', 'in', tickets).where('kind', '=', 'message.added').where('visibility', '=', 'public').execute();
      expect(new Set(replies.map((r) => r.ticket_id)).size).toBe(n);
      expect(replies).toHaveLength(n);
      const solved = await db.selectFrom('tickets').select('id').where('id', 'in', tickets).where('status', '=', 'solved').execute();
      expect(solved).toHaveLength(n);
      // The incident's SLA holds went with the resolution (released a batch at a time); another source's hold stays.
      expect(await db.selectFrom('sla_holds').select('ticket_id').where('source', '=', `incident:${inc.body.id}`).execute()).toEqual([]);
      expect(await db.selectFrom('sla_holds').select('ticket_id').where('source', '=', 'other-hold').execute()).toEqual([{ ticket_id: tickets[0] }]);
    });

    it('a batch that fails half-way (replies already written in it) runs again and answers each ticket once', async () => {
      const c = ctx();
      const db = c.deps.database.db;
      const n = FANOUT_BATCH + 5;
      const t = tag();
      const now = c.clock.now();
      const customers = [];
      const rows = [];
      const base = 900_000 + Math.floor(Math.random() * 90_000);
      for (let i = 0; i < n; i++) {
        const cid = newId();
        customers.push({ id: cid, name: `Customer ${i}`, email: `k${i}-${t}@retry.example`, phone: null, organization_id: null, tier: 'standard', locale: i % 2 ? 'en' : 'ja', created_at: now, updated_at: now });
        rows.push({ id: newId(), number: base + i, subject: `Retry ${i}`, status: 'open', priority: 'normal', category: null, product: null, tags: '[]', channel: 'email', requester_id: cid, team_id: null, assignee_id: null, temperature: 'calm', created_by: null, created_at: now, updated_at: now, solved_at: null, closed_at: null, version: 1, cc: '[]' });
      }
      const tickets = rows.map((r) => r.id);
      await db.insertInto('customers').values(customers).execute();
      await db.insertInto('tickets').values(rows).execute();
      const inc = await c.request('POST', '/api/v1/incidents', c.actors.manager, { title: 'Retry outage', severity: 'SEV2', ticketIds: tickets });
      expect(inc.status).toBe(201);
      await c.deps.jobs.drain();
      // The first batch dies once its replies are written (as a killed process would): nothing of it may stay.
      const tickets_ = c.deps.tickets as unknown as { addMessagesIn: (...a: unknown[]) => Promise<unknown> };
      const real = tickets_.addMessagesIn.bind(c.deps.tickets);
      let calls = 0;
      let failed = 0;
      tickets_.addMessagesIn = async (...a: unknown[]) => {
        const written = await real(...a);
        if (++calls === 1) {
          failed++;
          throw new Error('killed mid-batch');
        }
        return written;
      };
      try {
        const from = sink.mails.length;
        const to = new RegExp(`-${t}@retry\\.example$`);
        const res = await c.request('POST', `/api/v1/incidents/${inc.body.id}/resolve`, c.actors.manager, { resolution: { ja: '復旧しました。', en: 'Service is restored.' } });
        expect(res.status).toBe(200);
        for (let round = 0; round < 40 && count(to, from).size < n; round++) {
          c.clock.advance(60_000); // past the retry's backoff
          await c.deps.jobs.drain();
          await new Promise((r) => setTimeout(r, 20));
        }
        await new Promise((r) => setTimeout(r, 200));
        await c.deps.jobs.drain();
        expect(failed).toBe(1);
        const per = count(to, from);
        expect(per.size).toBe(n);
        expect([...per.values()].filter((k) => k !== 1)).toEqual([]);
        const replies = await db.selectFrom('ticket_events').select('ticket_id').where('ticket_id', 'in', tickets).where('kind', '=', 'message.added').where('visibility', '=', 'public').execute();
        expect(replies).toHaveLength(n);
        expect(new Set(replies.map((r) => r.ticket_id)).size).toBe(n);
      } finally {
        tickets_.addMessagesIn = real;
      }
    });

    it('a public update reaches every status-page subscriber of the service exactly once, page after page', async () => {
      const c = ctx();
      const db = c.deps.database.db;
      const svc = await c.request('POST', '/api/v1/services', c.actors.manager, { nameJa: 'ログイン', nameEn: `Login ${tag()}` });
      expect(svc.status).toBe(201);
      const n = 2 * SUBSCRIBER_BATCH + 7;
      const t = tag();
      const now = c.clock.now();
      const subs = Array.from({ length: n }, (_, i) => ({ id: newId(), email: `s${i}-${t}@subscribers.example`, locale: i % 2 ? 'en' : 'ja', service_id: svc.body.id as string, confirm_hash: null, unsubscribe_hash: `h-${t}-${i}`, confirmed_at: now, created_at: now }));
      // One not confirmed yet: it gets nothing.
      subs.push({ ...subs[0]!, id: newId(), email: `unconfirmed-${t}@subscribers.example`, unsubscribe_hash: `h-${t}-u`, confirmed_at: null as unknown as number });
      await db.insertInto('status_subscribers').values(subs).execute();
      const inc = await c.request('POST', '/api/v1/incidents', c.actors.manager, { title: 'Slow logins', severity: 'SEV2', services: [{ id: svc.body.id, impact: 'degraded' }] });
      expect(inc.status).toBe(201);
      await c.deps.jobs.drain();

      const from = sink.mails.length;
      const to = new RegExp(`-${t}@subscribers\\.example$`);
      const res = await c.request('POST', `/api/v1/incidents/${inc.body.id}/updates`, c.actors.manager, { state: 'identified', body: { ja: '原因を特定しました。', en: 'The cause is identified.' }, audience: 'public' });
      expect(res.status).toBe(201);
      await settle(c, () => count(to, from).size >= n);
      await new Promise((r) => setTimeout(r, 200));
      await c.deps.jobs.drain();

      const per = count(to, from);
      expect(per.size).toBe(n);
      expect(per.has(`unconfirmed-${t}@subscribers.example`)).toBe(false);
      expect([...per.values()].filter((k) => k !== 1)).toEqual([]);
    });
  },
  { env: { ESCALON_SMTP_URL: sink.url, ESCALON_INBOUND_ADDRESS: 'support@escalon.test', ESCALON_MAIL_FROM: 'Escalon <escalon@escalon.test>' } },
);
