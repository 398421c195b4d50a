import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../../../test/helpers/smtp-sink.js';
import { levelBody, pathBody } from './path-test-support.js';

/**
 * Issue 18: the review reminder leads the path's owner to the path review report — in-app and
 * by email (a real SMTP sink on loopback), in the owner's language.
 */
let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => sink.close());

describeEachDb(
  'path review reminder',
  (get) => {
    it('tells each owner in their language, with the link to the review report', async () => {
      const c = get();
      const { actors } = c;
      await c.deps.database.db.updateTable('users').set({ locale: 'ja' }).where('id', '=', actors.manager.id).execute();
      const level = levelBody('L1', [{ type: 'user', userId: actors.specialist.id }]);
      const ja = await c.request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.manager.id, [level], { name: '請求の苦情', reviewIntervalDays: 1 }));
      const en = await c.request('POST', '/api/v1/escalation-paths', actors.admin, pathBody(actors.admin.id, [level], { name: 'Refunds', reviewIntervalDays: 1 }));
      expect([ja.status, en.status]).toEqual([201, 201]);
      sink.mails.length = 0;
      c.clock.advance(86_400_000 + 60_000);
      await c.deps.jobs.drain();
      await sink.waitFor(2);

      const bell = await c.request('GET', '/api/v1/notifications', actors.manager);
      const note = bell.body.items.find((n: { event: string }) => n.event === 'escalation_path.review_due');
      expect(note).toMatchObject({ title: 'エスカレーションパスの見直し時期です: 請求の苦情', data: { pathId: ja.body.id } });
      expect(note.body).toContain(`https://escalon.example/reports/paths/${ja.body.id}`);
      const adminBell = await c.request('GET', '/api/v1/notifications', actors.admin);
      expect(adminBell.body.items.find((n: { event: string }) => n.event === 'escalation_path.review_due')).toMatchObject({ title: 'Path review due: Refunds', data: { pathId: en.body.id } });

      const mails = await Promise.all(sink.mails.map((m) => sink.parse(m)));
      const toManager = mails.find((m) => m.subject?.includes('請求の苦情'));
      expect(toManager?.subject).toBe('エスカレーションパスの見直し時期です: 請求の苦情');
      expect(toManager?.text).toContain(`見直しレポート: https://escalon.example/reports/paths/${ja.body.id}`);
      expect(toManager?.html).toContain(`href="https://escalon.example/reports/paths/${ja.body.id}"`);
      const toAdmin = mails.find((m) => m.subject?.includes('Refunds'));
      expect(toAdmin?.text).toContain(`Review report: https://escalon.example/reports/paths/${en.body.id}`);
      expect(toAdmin?.text).toContain('Not reviewed yet.');
    });
  },
  {
    configure: (config) => {
      config.smtpOut = { host: '127.0.0.1', port: sink.port, secure: false, user: undefined, password: undefined, from: 'Escalon <escalon@support.example>' };
      config.publicUrl = 'https://escalon.example';
    },
  },
);
