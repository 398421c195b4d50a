import { afterAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../../../test/helpers/smtp-sink.js';

/**
 * Issue 18, CSAT: the survey lifecycle on both databases through a real SMTP sink — solved,
 * mailed after the delay in the customer's language, a GET of the link records nothing, the
 * POST records once, a bad rating opens its follow-up, a reopen and re-solve never sends a
 * second survey, fatigue and machine addresses are skipped.
 */
const sink: SmtpSink = await startSmtpSink();
afterAll(() => sink.close());

describeEachDb(
  'satisfaction surveys',
  (get) => {
    const HOUR = 3600_000;
    let ticketId = '';
    let link = '';

    const solvedTicket = async (email: string, subject: string) => {
      const c = get();
      const t = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject, requesterEmail: email, requesterName: 'お客様', description: '質問です' });
      expect(t.status).toBe(201);
      expect((await c.request('PATCH', `/api/v1/tickets/${t.body.id}`, c.actors.agent, { status: 'solved' })).status).toBe(200);
      return t.body.id as string;
    };
    const mailsTo = (a: string) => sink.mails.filter((m) => m.rcptTo.includes(a));
    // One sink for both databases: addresses of their own.
    const hanako = () => `hanako-${get().kind}@aozora.example`;
    const robot = () => `no-reply-${get().kind}@aozora.example`;

    it('is off by default; an administrator turns it on (audited), others may not', async () => {
      const c = get();
      expect((await c.request('GET', '/api/v1/satisfaction/settings', c.actors.agent)).body.enabled).toBe(false);
      expect((await c.request('PUT', '/api/v1/satisfaction/settings', c.actors.agent, { enabled: true })).status).toBe(403);
      const put = await c.request('PUT', '/api/v1/satisfaction/settings', c.actors.admin, { enabled: true, delayHours: 24, fatigueDays: 30 });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ enabled: true, delayHours: 24, followUp: { kind: 'note' } });
      const audit = await c.request('GET', '/api/v1/audit?action=satisfaction.settings_changed', c.actors.admin);
      expect(audit.body.items).toHaveLength(1);
    });

    it('mails the survey 24 h after the solve, in Japanese, with good/bad links', async () => {
      const c = get();
      ticketId = await solvedTicket(hanako(), '請求書の再発行');
      c.clock.advance(23 * HOUR);
      await c.deps.jobs.drain();
      expect(mailsTo(hanako())).toHaveLength(0);
      c.clock.advance(2 * HOUR);
      await c.deps.jobs.drain();
      const mails = mailsTo(hanako());
      expect(mails).toHaveLength(1);
      const parsed = await sink.parse(mails[0]!);
      expect(parsed.subject).toContain('サポートの対応はいかがでしたか');
      const m = /(http\S+\/satisfaction\/[^?\s]+)\?rating=bad/.exec(parsed.text ?? '');
      expect(m).not.toBeNull();
      link = new URL(m![1]!).pathname;
      const survey = (await c.request('GET', `/api/v1/tickets/${ticketId}/satisfaction`, c.actors.agent)).body.survey;
      expect(survey).toMatchObject({ state: 'sent', language: 'ja', rating: null });
      // The token is stored hashed only.
      const row = await c.deps.database.db.selectFrom('satisfaction_surveys').select('token_hash').where('ticket_id', '=', ticketId).executeTakeFirstOrThrow();
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(link).not.toContain(row.token_hash!);
    });

    it('a GET of the link (a mail scanner) records nothing; the page is pre-filled', async () => {
      const c = get();
      for (let i = 0; i < 3; i++) {
        const page = await c.app.inject({ method: 'GET', url: `${link}?rating=bad` });
        expect(page.statusCode).toBe(200);
        expect(page.headers['content-security-policy']).toContain("default-src 'none'");
        expect(page.body).toContain('value="bad" checked');
        expect(page.body).toContain('請求書の再発行');
      }
      const survey = (await c.request('GET', `/api/v1/tickets/${ticketId}/satisfaction`, c.actors.agent)).body.survey;
      expect(survey.rating).toBeNull();
      expect(survey.state).toBe('sent');
    });

    it('the submitted page records the rating once; a bad one gets its follow-up on the timeline', async () => {
      const c = get();
      const post = await c.app.inject({ method: 'POST', url: link, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ rating: 'bad', reason: 'slow', comment: '返事が<遅い>' }).toString() });
      expect(post.statusCode).toBe(200);
      expect(post.body).toContain('担当チームが内容を確認します');
      const again = await c.app.inject({ method: 'POST', url: link, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'rating=good' });
      expect(again.statusCode).toBe(410);
      await c.deps.jobs.drain();
      const survey = (await c.request('GET', `/api/v1/tickets/${ticketId}/satisfaction`, c.actors.agent)).body.survey;
      expect(survey).toMatchObject({ state: 'rated', rating: 'bad', reason: 'slow', comment: '返事が<遅い>', followUp: { kind: 'note' } });
      const timeline = await c.request('GET', `/api/v1/tickets/${ticketId}/timeline?limit=50`, c.actors.agent);
      const kinds = timeline.body.items.map((e: { kind: string }) => e.kind);
      expect(kinds).toEqual(expect.arrayContaining(['satisfaction.sent', 'satisfaction.rated', 'satisfaction.follow_up']));
      const list = await c.request('GET', '/api/v1/satisfaction?rating=bad', c.actors.supervisor);
      expect(list.body.items.map((s: { ticketId: string }) => s.ticketId)).toContain(ticketId);
      const csat = await c.request('GET', '/api/v1/reports/csat?from=2026-01-01&to=2026-02-01&groupBy=none', c.actors.supervisor);
      expect(csat.body.rows[0]).toMatchObject({ sent: 1, rated: 1, bad: 1, response_rate: 100, csat: 0 });
    });

    it('never surveys a ticket twice, even reopened and solved again; fatigue and machine addresses are skipped', async () => {
      const c = get();
      expect((await c.request('PATCH', `/api/v1/tickets/${ticketId}`, c.actors.agent, { status: 'open' })).status).toBe(200);
      expect((await c.request('PATCH', `/api/v1/tickets/${ticketId}`, c.actors.agent, { status: 'solved' })).status).toBe(200);
      // The same customer again within the fatigue window, and a machine.
      const second = await solvedTicket(hanako(), 'もう一件');
      const machine = await solvedTicket(robot(), 'auto');
      c.clock.advance(25 * HOUR);
      await c.deps.jobs.drain();
      expect(mailsTo(hanako())).toHaveLength(1);
      expect(mailsTo(robot())).toHaveLength(0);
      const s2 = (await c.request('GET', `/api/v1/tickets/${second}/satisfaction`, c.actors.agent)).body.survey;
      const s3 = (await c.request('GET', `/api/v1/tickets/${machine}/satisfaction`, c.actors.agent)).body.survey;
      expect([s2.state, s2.skipReason]).toEqual(['skipped', 'fatigue']);
      expect([s3.state, s3.skipReason]).toEqual(['skipped', 'automated']);
      expect((await c.app.inject({ method: 'GET', url: '/satisfaction/not-a-real-token-at-all' })).statusCode).toBe(404);
      // A link cut short by a mail client is an unknown link in words, not the API's JSON error.
      for (const method of ['GET', 'POST'] as const) {
        const cut = await c.app.inject({ method, url: '/satisfaction/abc', ...(method === 'POST' && { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'rating=good' }) });
        expect(cut.statusCode).toBe(404);
        expect(cut.headers['content-type']).toContain('text/html');
        expect(cut.body).not.toContain('validation_failed');
        // No survey is named, so the customer's language is not known: the page says it in both.
        expect(cut.body).toContain('このリンクは無効です。');
        expect(cut.body).toContain('This link is not valid.');
      }
    });

    it('skips a solved ticket merged into another before its survey, and tickets a major incident resolved', async () => {
      const c = get();
      const merged = `merged-${c.kind}@aozora.example`;
      const source = await solvedTicket(merged, '重複の問い合わせ');
      const target = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject: '本来の問い合わせ', requesterEmail: merged, requesterName: 'お客様', description: '同じ件です' });
      expect((await c.request('POST', `/api/v1/tickets/${source}/merge`, c.actors.agent, { into: target.body.id })).status).toBe(200);
      const outage = `outage-${c.kind}@aozora.example`;
      const t = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject: 'ログインできない', requesterEmail: outage, requesterName: 'お客様', description: '障害？' });
      const inc = await c.request('POST', '/api/v1/incidents', c.actors.supervisor, { title: 'ログイン障害', severity: 'SEV2', ticketIds: [t.body.id] });
      expect(inc.status).toBe(201);
      expect((await c.request('POST', `/api/v1/incidents/${inc.body.id}/resolve`, c.actors.manager, { resolution: { ja: '復旧しました', en: 'Fixed' } })).status).toBe(200);
      c.clock.advance(1000);
      await c.deps.jobs.drain();
      expect((await c.request('GET', `/api/v1/tickets/${t.body.id}`, c.actors.agent)).body.status).toBe('solved');
      c.clock.advance(25 * HOUR);
      await c.deps.jobs.drain();
      const sm = (await c.request('GET', `/api/v1/tickets/${source}/satisfaction`, c.actors.agent)).body.survey;
      const si = (await c.request('GET', `/api/v1/tickets/${t.body.id}/satisfaction`, c.actors.agent)).body.survey;
      expect([sm.state, sm.skipReason]).toEqual(['skipped', 'merged']);
      expect([si.state, si.skipReason]).toEqual(['skipped', 'major_incident']);
      expect(sink.mails.filter((m) => m.rcptTo.includes(merged) || m.rcptTo.includes(outage)).every((m) => !m.raw.toString().includes('/satisfaction/'))).toBe(true);
    });

    it('privacy: the export holds the surveys, the erasure drops address and comment but keeps the rating', async () => {
      const c = get();
      const customerId = (await c.request('GET', `/api/v1/tickets/${ticketId}/satisfaction`, c.actors.agent)).body.survey.customerId as string;
      const exp = await c.app.inject({ method: 'GET', url: `/api/v1/customers/${customerId}/export`, headers: c.actors.supervisor.auth });
      expect(exp.statusCode).toBe(200);
      const x = JSON.parse(exp.body) as { satisfaction: { rating: string; comment: string; email: string }[] };
      expect(x.satisfaction.find((s) => s.rating === 'bad')).toMatchObject({ comment: '返事が<遅い>', email: hanako() });
      expect((await c.request('POST', `/api/v1/customers/${customerId}/erase`, c.actors.supervisor)).status).toBeLessThan(300);
      const row = await c.deps.database.db.selectFrom('satisfaction_surveys').select(['email', 'comment', 'rating']).where('ticket_id', '=', ticketId).executeTakeFirstOrThrow();
      expect(row).toEqual({ email: null, comment: null, rating: 'bad' });
    });
  },
  { env: { ESCALON_SMTP_URL: sink.url, ESCALON_MAIL_FROM: 'Escalon <escalon@escalon.test>' } },
);
