/** Contact form, private link, phone log and the signed messaging webhook, on both databases. */
import { expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { signWebhook } from '../../integrations/webhook-signer.js';

describeEachDb('intake: web form, private link, phone, messaging', (ctx) => {
  const contact = (body: Record<string, unknown>, ip = '10.0.0.1') =>
    ctx().app.inject({ method: 'POST', url: '/api/v1/public/contact', remoteAddress: ip, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  const form = { name: '山田 太郎', email: 'Yamada@Example.JP', subject: 'ログインできません', message: 'パスワードを再設定してもログインできません。', locale: 'ja', website: '' };
  const db = () => ctx().deps.database.db;

  it('opens a ticket from the form, mails a private link, and shows only the public timeline there', async () => {
    const res = await contact(form, '10.0.1.1');
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.privateUrl).toContain(`/t/${body.token}`);
    const ticket = await db().selectFrom('tickets').selectAll().where('number', '=', body.ticketNumber).executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ channel: 'web', subject: 'ログインできません' });
    const job = await db().selectFrom('jobs').selectAll().where('dedupe_key', '=', `intake.confirm:${ticket.id}`).executeTakeFirstOrThrow();
    expect(JSON.parse(job.payload)).toMatchObject({ to: 'yamada@example.jp', ticketId: ticket.id });
    expect(JSON.parse(job.payload).text).toContain(body.privateUrl);
    expect(await db().selectFrom('public_ticket_links').select('token_hash').where('token_hash', '=', body.token).executeTakeFirst()).toBeUndefined();

    const t = ctx();
    await t.request('POST', `/api/v1/tickets/${ticket.id}/messages`, t.actors.agent, { body: 'INTERNAL: check account lock', visibility: 'internal' });
    await t.request('POST', `/api/v1/tickets/${ticket.id}/messages`, t.actors.agent, { body: 'アカウントのロックを解除しました。', visibility: 'public' });
    const view = await t.request('GET', `/api/v1/public/tickets/${body.token}`, null);
    expect(view.status).toBe(200);
    expect(view.body.messages.map((m: { from: string; body: string }) => [m.from, m.body])).toEqual([
      ['you', form.message],
      ['support', 'アカウントのロックを解除しました。'],
    ]);
    const text = JSON.stringify(view.body);
    expect(text).not.toContain('INTERNAL');
    expect(text).not.toContain(t.actors.agent.email);
    expect(text).not.toContain('agent');

    const reply = await t.request('POST', `/api/v1/public/tickets/${body.token}/replies`, null, { message: 'ありがとうございます。' });
    expect(reply.status).toBe(201);
    const ev = await db().selectFrom('ticket_events').selectAll().where('id', '=', reply.body.id).executeTakeFirstOrThrow();
    expect(ev).toMatchObject({ author_type: 'customer', visibility: 'public', author_id: ticket.requester_id });
    expect((await t.request('GET', `/api/v1/public/tickets/${'x'.repeat(43)}`, null)).status).toBe(404);
  });

  it('swallows honeypot submissions and rejects header injection', async () => {
    const before = Number((await db().selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const bot = await contact({ ...form, website: 'http://spam.example' }, '10.0.2.1');
    expect(bot.statusCode).toBe(202);
    expect(bot.json().token).toBeUndefined();
    for (const bad of [{ subject: 'Hi\r\nBcc: victim@example.com' }, { email: 'a@example.com\nBcc: v@example.com' }, { name: 'Eve\rX: y' }]) {
      const r = await contact({ ...form, ...bad }, '10.0.2.2');
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('validation_failed');
    }
    expect((await contact({ ...form, email: 'not-an-address' }, '10.0.2.3')).statusCode).toBe(400);
    expect(Number((await db().selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)).toBe(before);
  });

  it('rate-limits form floods per client address (429)', async () => {
    const max = ctx().deps.config.contactRateLimitPerMinute;
    const codes: number[] = [];
    for (let i = 0; i < max + 2; i++) codes.push((await contact({ ...form, website: 'x' }, '10.0.3.1')).statusCode);
    expect(codes.slice(0, max).every((c) => c === 202)).toBe(true);
    expect(codes.slice(max)).toEqual([429, 429]);
    expect((await contact({ ...form, website: 'x' }, '10.0.3.2')).statusCode).toBe(202);
  });

  it('logs phone calls as timeline events', async () => {
    const t = ctx();
    const created = await t.request('POST', '/api/v1/tickets', t.actors.agent, { subject: 'Phone inquiry', channel: 'phone' });
    const r = await t.request('POST', `/api/v1/tickets/${created.body.id}/calls`, t.actors.agent, { direction: 'inbound', durationSeconds: 312, summary: '請求書の再発行を希望' });
    expect(r.status).toBe(201);
    const ev = await db().selectFrom('ticket_events').selectAll().where('id', '=', r.body.id).executeTakeFirstOrThrow();
    expect(ev).toMatchObject({ kind: 'call.logged', author_type: 'user', author_id: t.actors.agent.id, body: '請求書の再発行を希望' });
    expect(JSON.parse(ev.data)).toEqual({ direction: 'inbound', durationSeconds: 312 });
    expect((await t.request('POST', `/api/v1/tickets/${created.body.id}/calls`, t.actors.agent, { direction: 'sideways', durationSeconds: 1, summary: 'x' })).status).toBe(400);
    expect((await t.request('POST', `/api/v1/tickets/${created.body.id}/calls`, null, { direction: 'inbound', durationSeconds: 1, summary: 'x' })).status).toBe(401);
  });

  it('accepts signed messaging webhooks by conversation and refuses forged, stale or missing signatures', async () => {
    const t = ctx();
    expect((await t.request('POST', '/api/v1/messaging-integrations', t.actors.agent, { name: 'LINE' })).status).toBe(403);
    const created = await t.request('POST', '/api/v1/messaging-integrations', t.actors.admin, { name: 'LINE' });
    expect(created.status).toBe(201);
    const { id, secret } = created.body;
    const listed = await t.request('GET', '/api/v1/messaging-integrations', t.actors.admin);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const stored = await db().selectFrom('messaging_integrations').select('secret').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.secret).not.toContain(secret);

    const post = (payload: string, headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: `/api/v1/integrations/messaging/${id}`, headers: { 'content-type': 'application/json', ...headers }, payload });
    const msg = (text: string) => JSON.stringify({ conversationId: 'conv-1', from: { id: 'U123', name: '佐藤 花子' }, text, sentAt: '2026-01-05T00:00:00Z' });
    const first = msg('注文した商品が届きません');
    const r1 = await post(first, signWebhook(secret, first, t.clock.now()));
    expect(r1.statusCode).toBe(200);
    expect(r1.json().created).toBe(true);
    const second = msg('追跡番号は 1234 です');
    const r2 = await post(second, signWebhook(secret, second, t.clock.now()));
    expect(r2.json()).toMatchObject({ ticketId: r1.json().ticketId, created: false });
    const ticket = await db().selectFrom('tickets').selectAll().where('id', '=', r1.json().ticketId).executeTakeFirstOrThrow();
    expect(ticket.channel).toBe('chat');

    const forged = signWebhook('not-the-secret', first, t.clock.now());
    expect((await post(first, forged)).statusCode).toBe(401);
    const valid = signWebhook(secret, first, t.clock.now());
    expect((await post(first.replace('届きません', '届きました'), valid)).statusCode).toBe(401);
    expect((await post(first, signWebhook(secret, first, t.clock.now() - 10 * 60_000))).statusCode).toBe(401);
    expect((await post(first, {})).statusCode).toBe(401);
    const unknown = await t.app.inject({ method: 'POST', url: `/api/v1/integrations/messaging/01900000-0000-7000-8000-000000000000`, headers: { 'content-type': 'application/json', ...valid }, payload: first });
    expect(unknown.statusCode).toBe(401);
  });

  it('serves the embeddable form in Japanese and English, and the private ticket page', async () => {
    const ja = await ctx().app.inject({ method: 'GET', url: '/contact' });
    expect(ja.statusCode).toBe(200);
    expect(ja.headers['content-type']).toContain('text/html');
    expect(ja.body).toContain('lang="ja"');
    expect(ja.body).toContain('お問い合わせ');
    expect(ja.body).toContain('name="website"');
    expect(ja.headers['content-security-policy']).toMatch(/script-src 'sha256-/);
    const en = await ctx().app.inject({ method: 'GET', url: '/contact?lang=en' });
    expect(en.body).toContain('Contact us');
    const page = await ctx().app.inject({ method: 'GET', url: `/t/${encodeURIComponent('abc"><script>alert(1)</script>')}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('alert(1)');
  });
});
