/**
 * The retention policy on SQLite and PostgreSQL: a recurring timer in the jobs table purges
 * closed tickets (timeline, attachments, raw mail) and raw mail after their periods, in
 * batches (one bounded transaction each), files deleted by a job after the rows.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { inTransaction } from '../../db/database.js';
import { newId } from '../../lib/ids.js';
import { buildEml, withHeaders } from '../intake-email/email-test-support.js';
import { PrivacyService, RETENTION_KEY } from './privacy.service.js';

const DAY = 86_400_000;

async function mailTicket(c: TestContext, subject: string) {
  const raw = buildEml(withHeaders([['Subject', subject], ['Message-ID', `<${newId()}@example.jp>`], ['From', 'Keiko <keiko@example.jp>']]), `Body of ${subject}`);
  const r = await c.deps.intakeEmail.receive(raw, 'smtp', { mailFrom: 'keiko@example.jp' });
  const ticketId = r.ticketId!;
  const a = await c.deps.attachments.store(null, ticketId, { filename: 'log.txt', contentType: 'text/plain', content: Buffer.from(`log of ${subject}`) });
  const row = await c.deps.database.db.selectFrom('attachments').select('storage_key').where('id', '=', a.id).executeTakeFirstOrThrow();
  const inbound = await c.deps.database.db.selectFrom('inbound_messages').select(['id', 'raw_key']).where('id', '=', r.inboundId).executeTakeFirstOrThrow();
  return {
    ticketId,
    inboundId: inbound.id,
    attachmentFile: join(c.deps.config.dataDir, 'attachments', row.storage_key),
    rawFile: join(c.deps.config.dataDir, 'inbound', inbound.raw_key),
  };
}

const close = async (c: TestContext, ticketId: string) =>
  expect((await c.request('PATCH', `/api/v1/tickets/${ticketId}`, c.actors.agent, { status: 'closed' })).status).toBe(200);

describeEachDb(
  'retention policy',
  (ctx) => {
    const db = () => ctx().deps.database.db;
    const exists = async (table: 'tickets' | 'inbound_messages' | 'hands', id: string) => (await db().selectFrom(table).select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

    it('purges closed tickets after ESCALON_RETENTION_CLOSED_DAYS and raw mail after ESCALON_RETENTION_RAW_MAIL_DAYS, from a recurring timer', async () => {
      const c = ctx();
      await c.deps.privacy.scheduleRetention();
      const timer = await db().selectFrom('jobs').selectAll().where('dedupe_key', '=', RETENTION_KEY).executeTakeFirstOrThrow();
      expect(timer.state).toBe('pending');
      await c.deps.jobs.drain();

      const old = await mailTicket(c, 'Old closed');
      // A raised hand about the ticket (no cascade from tickets) goes with it.
      const hand = await c.request('POST', '/api/v1/hands', c.actors.agent, { category: 'refund', ask: 'May I refund this?', ticketId: old.ticketId });
      expect(hand.status).toBe(201);
      expect((await c.request('POST', `/api/v1/hands/${hand.body.id}/cancel`, c.actors.agent, {})).status).toBe(200);
      await close(c, old.ticketId);
      const open = await mailTicket(c, 'Still open');
      c.clock.advance(11 * DAY);
      const recent = await mailTicket(c, 'Recently closed');
      await close(c, recent.ticketId);
      await c.deps.jobs.drain();

      // Day 11: raw mail older than 10 days is gone (row and file); the tickets stay.
      expect(await exists('inbound_messages', old.inboundId)).toBe(false);
      expect(await exists('inbound_messages', open.inboundId)).toBe(false);
      expect(existsSync(old.rawFile)).toBe(false);
      expect(existsSync(open.rawFile)).toBe(false);
      expect(await exists('inbound_messages', recent.inboundId)).toBe(true);
      expect(await exists('tickets', old.ticketId)).toBe(true);
      expect(existsSync(old.attachmentFile)).toBe(true);

      // Day 31: the ticket closed on day 0 is purged with its timeline and files; the others stay.
      c.clock.advance(20 * DAY);
      await c.deps.jobs.drain();
      expect(await exists('tickets', old.ticketId)).toBe(false);
      expect(await exists('hands', hand.body.id)).toBe(false);
      expect(await db().selectFrom('ticket_events').select('id').where('ticket_id', '=', old.ticketId).execute()).toEqual([]);
      expect(await db().selectFrom('attachments').select('id').where('ticket_id', '=', old.ticketId).execute()).toEqual([]);
      expect(existsSync(old.attachmentFile)).toBe(false);
      expect(await exists('tickets', open.ticketId)).toBe(true);
      expect(await exists('tickets', recent.ticketId)).toBe(true);
      expect(existsSync(recent.attachmentFile)).toBe(true);

      const purged = await db().selectFrom('audit_log').selectAll().where('action', '=', 'retention.purged').execute();
      expect(purged.length).toBeGreaterThanOrEqual(2);
      // The timer keeps coming back.
      const again = await db().selectFrom('jobs').selectAll().where('dedupe_key', '=', RETENTION_KEY).executeTakeFirstOrThrow();
      expect(again.state).toBe('pending');
      expect(Number(again.due_at)).toBeGreaterThan(c.clock.now());
    });

    it('works in batches: each round is one bounded transaction, and a full batch brings the timer back at once', async () => {
      const c = ctx();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const t = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject: `Batch ${i}`, description: 'x' });
        await close(c, t.body.id);
        ids.push(t.body.id);
      }
      c.clock.advance(31 * DAY);
      const small = new PrivacyService(c.deps.database.db, c.clock, c.deps.audit, { dataDir: c.deps.config.dataDir, retentionClosedDays: 30, retentionRawMailDays: 0, retentionBatch: 2 });
      const rounds: number[] = [];
      for (;;) {
        const r = await inTransaction(c.deps.database.db, (tx) => small.sweepRetention(tx, c.clock.now()));
        rounds.push(r.tickets);
        const timer = await db().selectFrom('jobs').selectAll().where('dedupe_key', '=', RETENTION_KEY).executeTakeFirstOrThrow();
        expect(Number(timer.due_at)).toBe(r.tickets === 2 ? c.clock.now() : c.clock.now() + 3600_000);
        if (r.tickets < 2) break;
      }
      // (the first test's recently closed ticket is old enough by now too)
      expect(rounds.slice(0, -1).every((n) => n === 2)).toBe(true);
      expect(rounds.at(-1)).toBeLessThan(2);
      expect(rounds.reduce((a, b) => a + b, 0)).toBe(6);
      for (const id of ids) expect(await exists('tickets', id)).toBe(false);
    });
  },
  { env: { ESCALON_RETENTION_CLOSED_DAYS: '30', ESCALON_RETENTION_RAW_MAIL_DAYS: '10' } },
);
