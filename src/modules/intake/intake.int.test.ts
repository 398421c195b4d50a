/** Contact form, private link, phone log and the signed messaging webhook, on both databases. */
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { startSmtpSink } from '../../../test/helpers/smtp-sink.js';
import { buildApp } from '../../app.js';
import { signWebhook } from '../../integrations/webhook-signer.js';
import { hashToken } from './intake.service.js';

const sink = await startSmtpSink();
afterAll(async () => sink.close());

describeEachDb('intake: web form, private link, phone, messaging', (ctx) => {
  const contact = (body: Record<string, unknown>, ip = '10.0.0.1') =>
    ctx().app.inject({ method: 'POST', url: '/api/v1/public/contact', remoteAddress: ip, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  const form = { name: '山田 太郎', email: 'Yamada@Example.JP', subject: 'ログインできません', message: 'パスワードを再設定してもログインできません。', locale: 'ja', website: '' };
  const db = () => ctx().deps.database.db;

  /** Runs the jobs and returns the private link of the newest mail to `to`. */
  const linkMailedTo = async (to: string): Promise<string> => {
    const before = sink.mails.length;
    await ctx().deps.jobs.drain();
    await sink.waitFor(before + 1);
    const mail = [...sink.mails].reverse().find((m) => m.rcptTo.includes(to));
    expect(mail).toBeDefined();
    const text = (await sink.parse(mail!)).text ?? '';
    const url = /(http\S+\/t\/\S+)/.exec(text)?.[1];
    expect(url).toBeDefined();
    return decodeURIComponent(url!.split('/t/')[1]!);
  };
  const jobPayloads = async () => (await db().selectFrom('jobs').select('payload').execute()).map((j) => j.payload).join('\n');

  it('opens a ticket from the form, mails the private link only to the address, and shows only the public timeline there', async () => {
    // Someone posts with a known customer's address: the link must go to that mailbox, not to them.
    const vip = await ctx().deps.customers.create({ name: 'VIP 様', email: 'yamada@example.jp' });
    const res = await contact(form, '10.0.1.1');
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({ received: true, ticketNumber: expect.any(Number), checkEmail: true });
    expect(res.body).not.toMatch(/\/t\/|token/i);
    const ticket = await db().selectFrom('tickets').selectAll().where('number', '=', body.ticketNumber).executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ channel: 'web', subject: 'ログインできません', requester_id: vip.id });
    const job = await db().selectFrom('jobs').selectAll().where('dedupe_key', '=', `intake.confirm:${ticket.id}`).executeTakeFirstOrThrow();
    expect(job.kind).toBe('intake.private_link');
    expect(JSON.parse(job.payload)).toMatchObject({ to: 'yamada@example.jp', ticketId: ticket.id, customerId: vip.id });
    const token = await linkMailedTo('yamada@example.jp');
    // The token exists only in the mail: no job payload and no table holds it in plain.
    expect(await jobPayloads()).not.toContain(token);
    expect(await db().selectFrom('public_ticket_links').select('token_hash').where('token_hash', '=', token).executeTakeFirst()).toBeUndefined();
    expect(await db().selectFrom('public_ticket_links').select('token_hash').where('token_hash', '=', hashToken(token)).executeTakeFirst()).toBeDefined();
    const t = ctx();
    await t.request('POST', `/api/v1/tickets/${ticket.id}/messages`, t.actors.agent, { body: 'INTERNAL: check account lock', visibility: 'internal' });
    await t.request('POST', `/api/v1/tickets/${ticket.id}/messages`, t.actors.agent, { body: 'アカウントのロックを解除しました。', visibility: 'public' });
    const view = await t.request('GET', `/api/v1/public/tickets/${token}`, null);
    expect(view.status).toBe(200);
    expect(view.body.messages.map((m: { from: string; body: string }) => [m.from, m.body])).toEqual([
      ['you', form.message],
      ['support', 'アカウントのロックを解除しました。'],
    ]);
    const text = JSON.stringify(view.body);
    expect(text).not.toContain('INTERNAL');
    expect(text).not.toContain(t.actors.agent.email);
    expect(text).not.toContain('agent');
    const reply = await t.request('POST', `/api/v1/public/tickets/${token}/replies`, null, { message: 'ありがとうございます。' });
    expect(reply.status).toBe(201);
    const ev = await db().selectFrom('ticket_events').selectAll().where('id', '=', reply.body.id).executeTakeFirstOrThrow();
    expect(ev).toMatchObject({ author_type: 'customer', visibility: 'public', author_id: ticket.requester_id });
    expect((await t.request('GET', `/api/v1/public/tickets/${'x'.repeat(43)}`, null)).status).toBe(404);
    await t.deps.jobs.drain();
    // Reply mails carry a fresh link; their payloads do not either.
    expect(await jobPayloads()).not.toMatch(/\/t\/[\w-]{20,}/);
  });

  it('mails a new customer their link too; the contact page says to check the mail', async () => {
    const res = await contact({ ...form, email: 'new-person@example.jp' }, '10.0.1.2');
    expect(res.json()).toEqual({ received: true, ticketNumber: expect.any(Number), checkEmail: true });
    const token = await linkMailedTo('new-person@example.jp');
    expect((await ctx().request('GET', `/api/v1/public/tickets/${token}`, null)).status).toBe(200);
    const page = await ctx().app.inject({ method: 'GET', url: '/contact?lang=en' });
    expect(page.body).toContain('Please check your email');
    expect(page.body).not.toContain('x.j.token');
  });

  it('rotates the link when the requester changes and expires it 90 days after the ticket is solved', async () => {
    const t = ctx();
    const res = await contact({ ...form, email: 'first@example.jp', subject: 'rotate me' }, '10.0.1.3');
    const ticket = await db().selectFrom('tickets').selectAll().where('number', '=', res.json().ticketNumber).executeTakeFirstOrThrow();
    const first = await linkMailedTo('first@example.jp');
    const other = await t.deps.customers.create({ name: 'Second', email: 'second@example.jp', locale: 'en' });
    expect((await t.request('PATCH', `/api/v1/tickets/${ticket.id}`, t.actors.agent, { requesterId: other.id })).status).toBe(200);
    const gone = await t.request('GET', `/api/v1/public/tickets/${first}`, null);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('link_expired');
    expect((await t.request('POST', `/api/v1/public/tickets/${first}/replies`, null, { message: 'still me?' })).status).toBe(410);
    const second = await linkMailedTo('second@example.jp');
    expect(second).not.toBe(first);
    expect((await t.request('GET', `/api/v1/public/tickets/${second}`, null)).status).toBe(200);
    expect(await jobPayloads()).not.toContain(second);

    expect((await t.request('PATCH', `/api/v1/tickets/${ticket.id}`, t.actors.agent, { status: 'solved' })).status).toBe(200);
    const start = t.clock.now();
    try {
      t.clock.set(start + 89 * 86_400_000);
      expect((await t.request('GET', `/api/v1/public/tickets/${second}`, null)).status).toBe(200);
      t.clock.set(start + 91 * 86_400_000);
      const expired = await t.request('GET', `/api/v1/public/tickets/${second}`, null);
      expect(expired.status).toBe(410);
      expect(expired.body.error.code).toBe('link_expired');
      // The page tells an expired link apart from a wrong one.
      const page = await t.app.inject({ method: 'GET', url: `/t/${second}?lang=en` });
      expect(page.body).toContain('if(r.status===410)');
      expect(page.body).toContain('This link has expired');
    } finally {
      t.clock.set(start);
    }
  });

  it('keeps link tokens out of the access log (a hash prefix instead)', async () => {
    const t = ctx();
    const res = await contact({ ...form, email: 'logged@example.jp' }, '10.0.1.4');
    expect(res.statusCode).toBe(201);
    const token = await linkMailedTo('logged@example.jp');
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
    const app = await buildApp({ ...t.deps, logger });
    try {
      for (const url of [`/t/${token}`, `/api/v1/public/tickets/${token}`, `/t/${encodeURIComponent(token)}?lang=en`]) expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
      const log = lines.join('');
      expect(log).toContain('incoming request');
      expect(log).not.toContain(token);
      expect(log).toContain(`/t/~${hashToken(token).slice(0, 12)}`);
      expect(log).toContain(`/api/v1/public/tickets/~${hashToken(token).slice(0, 12)}`);
    } finally {
      await app.close();
    }
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

  it('takes a replayed signed request or a repeated platform message id in once, and allows only ±60 s of clock skew', async () => {
    const t = ctx();
    const { id, secret } = (await t.request('POST', '/api/v1/messaging-integrations', t.actors.admin, { name: 'Replay' })).body;
    const post = (payload: string, headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: `/api/v1/integrations/messaging/${id}`, headers: { 'content-type': 'application/json', ...headers }, payload });
    const events = async (ticketId: string) => (await db().selectFrom('ticket_events').select('id').where('ticket_id', '=', ticketId).where('kind', '=', 'message.added').execute()).length;

    // The same signed request three times (no messageId): one message.
    const body = JSON.stringify({ conversationId: 'conv-replay', from: { id: 'U9', name: '鈴木' }, text: '返金をお願いします' });
    const headers = signWebhook(secret, body, t.clock.now());
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post(body, headers));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.json().duplicate)).toEqual([false, true, true]);
    const ticketId = answers[0]!.json().ticketId;
    expect(new Set(answers.map((a) => a.json().eventId)).size).toBe(1);
    expect(await events(ticketId)).toBe(1);

    // The platform resends its message 1 (new signature, new timestamp): still one message.
    const withId = (text: string) => JSON.stringify({ messageId: 'm-1', conversationId: 'conv-replay', from: { id: 'U9', name: '鈴木' }, text });
    expect((await post(withId('注文番号 77'), signWebhook(secret, withId('注文番号 77'), t.clock.now()))).json().duplicate).toBe(false);
    t.clock.advance(5_000);
    const again = await post(withId('注文番号 77'), signWebhook(secret, withId('注文番号 77'), t.clock.now()));
    expect(again.json()).toMatchObject({ duplicate: true, ticketId });
    expect(await events(ticketId)).toBe(2);
    const stored = await db().selectFrom('messaging_messages').selectAll().where('integration_id', '=', id).execute();
    expect(stored.map((r) => r.message_id)).toContain('m-1');

    // Skew: 290 s ahead or 61 s behind is refused; 59 s either way is accepted.
    const at = (text: string, offsetMs: number) => {
      const b = JSON.stringify({ conversationId: 'conv-skew', from: { id: 'U10', name: 'x' }, text });
      return post(b, signWebhook(secret, b, t.clock.now() + offsetMs));
    };
    expect((await at('future', 290_000)).statusCode).toBe(401);
    expect((await at('late', -61_000)).statusCode).toBe(401);
    expect((await at('early ok', 59_000)).statusCode).toBe(200);
    expect((await at('late ok', -59_000)).statusCode).toBe(200);
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
}, { env: { ESCALON_SMTP_URL: sink.url } });
