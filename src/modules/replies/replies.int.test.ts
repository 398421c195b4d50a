/**
 * Replies reach the customer, on SQLite and PostgreSQL, with real servers on loopback: the
 * customer's mail comes in through the SMTP receiver, the agent's reply goes out through the
 * outbox to an SMTP sink (parsed with mailparser), the customer's answer threads back, a bounce
 * of the reply marks its delivery bounced, chat replies reach a signed outbound URL, and
 * machines get no automatic mail.
 */
import { afterAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../../../test/helpers/smtp-sink.js';
import { startReceiver, type LoopbackReceiver } from '../../integrations/loopback-test-support.js';
import { signWebhook, verifyWebhook } from '../../integrations/webhook-signer.js';
import { buildEml, useSmtpIntake } from '../intake-email/email-test-support.js';

const SUPPORT = 'support@escalon.test';
const sink: SmtpSink = await startSmtpSink();
let chatSecret = '';
const chat: LoopbackReceiver = await startReceiver((req, res) => {
  const ok = verifyWebhook(chatSecret, req.headers as Record<string, string>, req.rawBody, Date.UTC(2026, 0, 5, 0, 0, 0));
  res.statusCode = ok ? 200 : 401;
  res.end(ok ? 'ok' : 'bad signature');
});

afterAll(async () => {
  await sink.close();
  await chat.close();
});

describeEachDb(
  'replies go out on the customer channel',
  (ctx) => {
    const smtp = useSmtpIntake(() => ctx().deps.intakeEmail);
    let seq = 0;
    const uniq = () => `${Date.now().toString(36)}-${seq++}`;
    const db = () => ctx().deps.database.db;
    const send = async (raw: Buffer) => expect((await smtp.client().send(raw)).code).toBe(250);
    const mailsTo = (address: string) => sink.mails.filter((m) => m.rcptTo.includes(address));
    const ticketOfMessage = async (messageId: string) => (await db().selectFrom('inbound_messages').select(['ticket_id', 'reason']).where('message_id', '=', messageId).executeTakeFirstOrThrow());
    const inbound = (h: { from: string; subject: string; messageId: string; cc?: string; inReplyTo?: string; extra?: [string, string][] }, body = 'プリンターが動きません。') =>
      buildEml(
        [
          ['From', h.from],
          ['To', SUPPORT],
          ...(h.cc ? [['Cc', h.cc] as [string, string]] : []),
          ['Subject', `=?UTF-8?B?${Buffer.from(h.subject).toString('base64')}?=`],
          ['Date', 'Mon, 05 Jan 2026 10:00:00 +0900'],
          ['Message-ID', `<${h.messageId}>`],
          ...(h.inReplyTo ? [['In-Reply-To', `<${h.inReplyTo}>`] as [string, string], ['References', `<${h.inReplyTo}>`] as [string, string]] : []),
          ...(h.extra ?? []),
          ['MIME-Version', '1.0'],
          ['Content-Type', 'text/plain; charset=utf-8'],
          ['Content-Transfer-Encoding', '8bit'],
        ],
        body,
      );

    it('mails a public reply to requester and CCs, threaded, with both parts and the attachment; the answer threads back; a bounce marks it bounced', async () => {
      const c = ctx();
      const hana = `hana-${uniq()}@aozora.example`;
      const ken = `ken-${uniq()}@aozora.example`;
      const firstId = `first-${uniq()}@aozora.example`;
      await send(inbound({ from: `Hana <${hana}>`, cc: `Ken <${ken}>, ${SUPPORT}`, subject: 'プリンターの故障', messageId: firstId }));
      const { ticket_id: ticketId } = await ticketOfMessage(firstId);
      const ticket = (await c.request('GET', `/api/v1/tickets/${ticketId}`, c.actors.agent)).body;
      expect(ticket.cc).toEqual([ken]);
      await c.deps.jobs.drain();
      expect(mailsTo(hana)).toHaveLength(1); // the acknowledgement

      const target = await c.request('GET', `/api/v1/tickets/${ticketId}/reply-target`, c.actors.agent);
      expect(target.body).toEqual({ channel: 'email', to: hana, cc: [ken], deliverable: true, warnings: [] });

      const up = await c.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/attachments?filename=${encodeURIComponent('手順.txt')}`, headers: { ...c.actors.agent.auth, 'content-type': 'text/plain' }, payload: Buffer.from('step 1: turn it off') });
      expect(up.statusCode).toBe(201);
      const posted = await c.request('POST', `/api/v1/tickets/${ticketId}/messages`, c.actors.agent, { body: 'お問い合わせありがとうございます。\n\n電源を入れ直してください。', visibility: 'public', attachmentIds: [JSON.parse(up.body).id] });
      expect(posted.status).toBe(201);
      expect(posted.body.delivery).toMatchObject({ state: 'sending', channel: 'email', to: hana, cc: [ken] });

      const before = sink.mails.length;
      await c.deps.jobs.drain();
      await sink.waitFor(before + 1);
      const sunk = sink.mails[before]!;
      expect(sunk.rcptTo.sort()).toEqual([hana, ken].sort());
      expect(sunk.rcptTo).not.toContain(SUPPORT);
      const mail = await sink.parse(sunk);
      expect(mail.subject).toBe(`Re: プリンターの故障 [#${ticket.number}]`);
      expect(mail.inReplyTo).toBe(`<${firstId}>`);
      expect(([] as string[]).concat(mail.references ?? [])).toContain(`<${firstId}>`);
      expect(mail.from?.value[0]?.address).toBe(SUPPORT);
      expect((mail.replyTo?.value[0]?.address)).toBe(SUPPORT);
      expect((Array.isArray(mail.cc) ? mail.cc[0] : mail.cc)?.value.map((v) => v.address)).toEqual([ken]);
      expect(mail.text).toContain('電源を入れ直してください。');
      expect(mail.text).toContain(`お問い合わせ番号: #${ticket.number}`);
      expect(mail.html).toContain('電源を入れ直してください。');
      expect(mail.attachments.map((a) => a.filename)).toEqual(['手順.txt']);
      expect(mail.attachments[0]!.content.toString()).toBe('step 1: turn it off');
      expect(mail.headers.get('auto-submitted')).toBeUndefined();

      const timeline = (await c.request('GET', `/api/v1/tickets/${ticketId}/timeline`, c.actors.agent)).body.items;
      const reply = timeline.find((e: { id: string }) => e.id === posted.body.id);
      expect(reply.delivery).toMatchObject({ state: 'sent', rawState: 'done', attempts: 1 });
      const listed = await c.request('GET', `/api/v1/deliveries?channel=email`, c.actors.admin);
      expect(listed.body.items.some((d: { id: string }) => d.id === reply.delivery.id)).toBe(true);

      // The customer answers the reply: it threads onto the same ticket.
      const answerId = `answer-${uniq()}@aozora.example`;
      await send(inbound({ from: hana, subject: mail.subject!, messageId: answerId, inReplyTo: mail.messageId!.replace(/^<|>$/g, '') }, '直りました。'));
      expect(await ticketOfMessage(answerId)).toMatchObject({ ticket_id: ticketId, reason: 'reply_added' });

      // A bounce of the reply is tied to it.
      const boundary = 'b0unce';
      await send(
        buildEml(
          [
            ['From', 'Mail Delivery System <MAILER-DAEMON@mx.aozora.example>'],
            ['To', SUPPORT],
            ['Subject', 'Undelivered Mail Returned to Sender'],
            ['Message-ID', `<dsn-${uniq()}@mx.aozora.example>`],
            ['MIME-Version', '1.0'],
            ['Content-Type', `multipart/report; report-type=delivery-status; boundary="${boundary}"`],
          ],
          [`--${boundary}`, 'Content-Type: text/plain', '', 'Could not deliver.', `--${boundary}`, 'Content-Type: message/delivery-status', '', 'Reporting-MTA: dns; mx.aozora.example', '', `Final-Recipient: rfc822; ${ken}`, 'Action: failed', 'Status: 5.1.1', 'Diagnostic-Code: smtp; 550 5.1.1 User unknown', '', `--${boundary}`, 'Content-Type: text/rfc822-headers', '', `Message-ID: ${mail.messageId}`, `Subject: ${mail.subject}`, '', `--${boundary}--`, ''].join('\n'),
        ),
      );
      const after = (await c.request('GET', `/api/v1/tickets/${ticketId}/timeline`, c.actors.agent)).body.items;
      expect(after.find((e: { id: string }) => e.id === posted.body.id).delivery).toMatchObject({ state: 'bounced' });
      const bounceEvent = after.find((e: { kind: string }) => e.kind === 'email.bounced');
      expect(bounceEvent.data).toMatchObject({ deliveryId: reply.delivery.id, recipient: ken });
    });

    it('answers no machine: no acknowledgement to mailer-daemon, no-reply or auto-replies, and at most 5 an hour to one address', async () => {
      const c = ctx();
      const before = sink.mails.length;
      await send(inbound({ from: `noreply@shop-${uniq()}.example`, subject: 'Your order', messageId: `nr-${uniq()}@shop.example` }));
      await send(inbound({ from: `MAILER-DAEMON@relay-${uniq()}.example`, subject: 'hello', messageId: `md-${uniq()}@relay.example` }));
      const vacation = `taro-${uniq()}@aozora.example`;
      await send(inbound({ from: vacation, subject: '自動応答: 不在', messageId: `ooo-${uniq()}@aozora.example`, extra: [['Auto-Submitted', 'auto-replied']] }));
      const looper = `loop-${uniq()}@aozora.example`;
      for (let i = 0; i < 7; i++) await send(inbound({ from: looper, subject: `Question ${i}`, messageId: `loop-${i}-${uniq()}@aozora.example` }));
      await c.deps.jobs.drain();
      const sent = sink.mails.slice(before);
      expect(sent.filter((m) => m.rcptTo.some((r) => /noreply|mailer-daemon/i.test(r)))).toEqual([]);
      expect(sent.filter((m) => m.rcptTo.includes(vacation))).toEqual([]);
      expect(sent.filter((m) => m.rcptTo.includes(looper))).toHaveLength(5);
      // An agent's reply to a no-reply requester is not blocked silently: the composer is warned.
      const nr = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject: 'From a shop', channel: 'email', requesterEmail: 'no-reply@shop.example' });
      const target = await c.request('GET', `/api/v1/tickets/${nr.body.id}/reply-target`, c.actors.agent);
      expect(target.body).toMatchObject({ channel: 'email', deliverable: true, warnings: [{ code: 'automated_address', address: 'no-reply@shop.example' }] });
    });

    it('says before sending when a phone ticket has no address, and mails web-form requesters with their private link', async () => {
      const c = ctx();
      const customer = await c.deps.customers.create({ name: 'Phone only' });
      const phone = await c.request('POST', '/api/v1/tickets', c.actors.agent, { subject: 'Called in', channel: 'phone', requesterId: customer.id });
      expect((await c.request('GET', `/api/v1/tickets/${phone.body.id}/reply-target`, c.actors.agent)).body).toEqual({ channel: 'none', to: null, cc: [], deliverable: false, warnings: [{ code: 'no_address' }] });
      const r = await c.request('POST', `/api/v1/tickets/${phone.body.id}/messages`, c.actors.agent, { body: 'Noted.', visibility: 'public' });
      expect(r.body.delivery).toBeUndefined();

      const email = `form-${uniq()}@aozora.example`;
      const form = await c.request('POST', '/api/v1/public/contact', null, { name: 'Form User', email, subject: 'Invoice question', message: 'Where is my invoice?', locale: 'en' });
      expect(form.status).toBe(201);
      const t = (await c.request('GET', `/api/v1/tickets?text=${form.body.ticketNumber}`, c.actors.agent)).body.items[0];
      await c.deps.jobs.drain();
      const before = sink.mails.length;
      await c.request('POST', `/api/v1/tickets/${t.id}/messages`, c.actors.agent, { body: 'It is attached to your account.', visibility: 'public' });
      await c.deps.jobs.drain();
      await sink.waitFor(before + 1);
      const mail = await sink.parse(sink.mails[before]!);
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address : null).toBe(email);
      const link = /Follow your request: (\S+)/.exec(mail.text ?? '')?.[1];
      expect(link).toMatch(/\/t\//);
      const token = decodeURIComponent(link!.split('/t/')[1]!);
      const pub = await c.request('GET', `/api/v1/public/tickets/${encodeURIComponent(token)}`, null);
      expect(pub.status).toBe(200);
      expect(pub.body.messages.map((m: { body: string }) => m.body)).toContain('It is attached to your account.');
    });

    it('POSTs chat replies to the integration outbound URL, signed; without one the composer is told', async () => {
      const c = ctx();
      const created = await c.request('POST', '/api/v1/messaging-integrations', c.actors.admin, { name: `Chat ${uniq()}`, outboundUrl: `${chat.url}/outbound` });
      expect(created.status).toBe(201);
      chatSecret = created.body.secret;
      const body = JSON.stringify({ conversationId: `conv-${uniq()}`, from: { id: 'u1', name: 'Mika' }, text: 'ログインできません' });
      const inbound = await c.app.inject({ method: 'POST', url: created.body.webhookPath, headers: { 'content-type': 'application/json', ...signWebhook(chatSecret, body, c.clock.now()) }, payload: body });
      expect(inbound.statusCode).toBeLessThan(300);
      const ticketId = JSON.parse(inbound.body).ticketId;
      expect((await c.request('GET', `/api/v1/tickets/${ticketId}/reply-target`, c.actors.agent)).body).toMatchObject({ channel: 'messaging', deliverable: true });
      const posted = await c.request('POST', `/api/v1/tickets/${ticketId}/messages`, c.actors.agent, { body: 'パスワードを再設定してください。', visibility: 'public' });
      await c.deps.jobs.drain();
      const req = chat.requests.at(-1)!;
      expect(req.path).toBe('/outbound');
      const payload = JSON.parse(req.rawBody);
      expect(payload).toMatchObject({ event: 'reply.created', data: { conversationId: JSON.parse(body).conversationId, text: 'パスワードを再設定してください。', attachments: [] } });
      expect(payload.data.ticketNumber).toBeGreaterThan(0);
      const tl = (await c.request('GET', `/api/v1/tickets/${ticketId}/timeline`, c.actors.agent)).body.items;
      expect(tl.find((e: { id: string }) => e.id === posted.body.id).delivery).toMatchObject({ state: 'sent', channel: 'messaging' });

      await c.request('PATCH', `/api/v1/messaging-integrations/${created.body.id}`, c.actors.admin, { outboundUrl: null });
      expect((await c.request('GET', `/api/v1/tickets/${ticketId}/reply-target`, c.actors.agent)).body).toMatchObject({ channel: 'none', deliverable: false, warnings: [{ code: 'no_outbound_url' }] });
    });
  },
  { env: { ESCALON_SMTP_URL: sink.url, ESCALON_INBOUND_ADDRESS: SUPPORT, ESCALON_MAIL_FROM: 'Escalon <escalon@escalon.test>' } },
);
