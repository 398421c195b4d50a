/**
 * A customer's address bounces, in a real browser: an agent's reply goes to the customer over
 * SMTP, a DSN quoting that reply's Message-ID comes back through the built-in SMTP receiver, and
 * the agent sees the bouncing badge on the customer panel, the composer's warning and the bounce
 * note (recipient, status, diagnostic) on the timeline, in Japanese and in English. An admin sees
 * a webhook delivery that is being retried, with its next attempt, in both languages.
 * Screenshots go to test-results/screenshots/.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { RawSmtpClient } from '../../src/modules/intake-email/smtp-test-client.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('bounces');
const sink = await startSmtpSink();
const freePort = await new Promise<number>((resolve) => {
  const s = createNetServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});
// A webhook consumer that is down for maintenance: every call gets a 503.
const refusing: Server = await new Promise((resolve) => {
  const s = createHttpServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
  }).listen(0, '127.0.0.1', () => resolve(s));
});
afterAll(async () => {
  await sink.close();
  await new Promise((r) => refusing.close(r));
});

describe.skipIf(!hasChromium)('bounces and retrying deliveries (real browser)', () => {
  const h = useConsole('escalon-e2e-bounces-', {
    ESCALON_SMTP_URL: sink.url,
    ESCALON_INBOUND_ADDRESS: 'support@demo.example',
    ESCALON_SMTP_IN_ENABLED: '1',
    ESCALON_SMTP_IN_PORT: String(freePort),
  });
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('shows a hard-bounced customer address to the agent: badge, composer warning, bounce note (ja, en)', async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const address = 'kaori.gone@aozora.example';
    const created = await admin.call('POST', '/api/v1/tickets', {
      subject: '請求書の再発行をお願いします',
      description: '先月分の請求書を再発行してください。',
      channel: 'email',
      requesterEmail: address,
      requesterName: '青空 香織',
      assigneeId: tanaka.userId,
    });
    expect(created.status).toBe(201);
    const ticketId = created.body.id as string;

    // The agent's reply goes out over SMTP; its Message-ID is what the bounce will quote.
    const before = sink.mails.length;
    const posted = await tanaka.call('POST', `/api/v1/tickets/${ticketId}/messages`, {
      body: '再発行した請求書を添付します。',
      visibility: 'public',
    });
    expect(posted.status).toBe(201);
    // The reply (not an acknowledgement or a notification) to the customer, once the sink has it.
    const replyMail = async () => {
      for (const m of sink.mails.slice(before)) {
        if (!m.rcptTo.includes(address)) continue;
        const parsed = await sink.parse(m);
        if ((parsed.text ?? '').includes('再発行した請求書を添付します。')) return parsed;
      }
      return null;
    };
    await expect.poll(replyMail, { timeout: 15_000 }).not.toBeNull();
    const messageId = (await replyMail())!.messageId!.replace(/^<|>$/g, '');

    // The customer's server refuses it: an RFC 3464 report, null sender, through the receiver.
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.aozora.example>',
      'To: support@demo.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Date: Wed, 02 Dec 2026 10:00:00 +0900',
      'Message-ID: <dsn-e2e-1@mx.aozora.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="rpt"',
      '',
      '--rpt',
      'Content-Type: text/plain',
      '',
      'I am sorry to have to inform you that your message could not be delivered.',
      '--rpt',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.aozora.example',
      '',
      `Final-Recipient: rfc822; ${address}`,
      'Action: failed',
      'Status: 5.1.1',
      `Diagnostic-Code: smtp; 550 5.1.1 <${address}>: Recipient address rejected: user unknown`,
      '',
      '--rpt',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: <${messageId}>`,
      'Subject: Re: 請求書の再発行をお願いします',
      '',
      '--rpt--',
      '',
    ].join('\r\n');
    const smtp = await RawSmtpClient.open(freePort);
    const sent = await smtp.send(Buffer.from(dsn, 'utf8'), { from: '', to: ['support@demo.example'] });
    await smtp.close();
    expect(sent.code, sent.text).toBe(250);

    for (const locale of ['ja', 'en'] as const) {
      const ctx = await h.browser.newContext({
        locale: 'ja-JP',
        timezoneId: 'Asia/Tokyo',
        viewport: { width: 1280, height: 900 },
      });
      const page = await newPage(ctx);
      await signIn(page, 'tanaka@demo.example');
      if (locale === 'en') await page.locator('.lang-switch select').selectOption('en');
      // The bounce is processed asynchronously after the receiver's 250: reload until it shows.
      await expect
        .poll(
          async () => {
            await page.goto(`${h.base}/tickets/${ticketId}`);
            await page.getByTestId('reply-target').waitFor();
            return page.getByTestId('email-bouncing').count();
          },
          { timeout: 20_000, interval: 500 },
        )
        .toBe(1);
      const badge = page.getByTestId('email-bouncing');
      expect(await badge.textContent()).toMatch(locale === 'ja' ? /から不達（5\.1\.1）$/ : /5\.1\.1/);
      const warning = page.getByTestId('reply-warning');
      await warning.waitFor();
      expect(await warning.textContent()).toContain(address);
      expect(await warning.textContent()).toContain('5.1.1');
      if (locale === 'en') expect(await warning.textContent()).toMatch(/bounced/);
      else expect(await warning.textContent()).toMatch(/[ぁ-んァ-ン一-龯]/);
      const note = page.locator('[data-kind="email.bounced"]');
      await note.waitFor();
      const noteText = (await note.textContent()) ?? '';
      expect(noteText).toContain(address);
      expect(noteText).toContain('5.1.1');
      expect(noteText).toContain('user unknown');
      expect(noteText).toContain(
        locale === 'ja' ? '宛てのメールが届きませんでした' : 'could not be delivered',
      );
      // The reply itself says it bounced, in the reader's language, with the report's facts.
      const delivery = page.locator('[data-testid=reply-delivery][data-state=bounced]');
      const deliveryText = (await delivery.textContent()) ?? '';
      expect(deliveryText).toContain(locale === 'ja' ? '不達' : 'Bounced');
      if (locale === 'ja') expect(deliveryText).not.toMatch(/bounced/i);
      expect(deliveryText).toContain('550 5.1.1');
      expect(deliveryText + noteText).not.toContain('smtp;');
      await shot(page, `bounces-customer-${locale}`);
      await ctx.close();
    }
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('shows the admin a webhook delivery being retried with its next attempt (ja, en)', async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const address = refusing.address() as { port: number };
    const sub = await admin.call('POST', '/api/v1/webhooks', {
      url: `http://127.0.0.1:${address.port}/hook`,
      events: ['escalation.*'],
    });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const t = await tanaka.call('POST', '/api/v1/tickets', {
      subject: '返金の承認をお願いします',
      priority: 'high',
    });
    expect(t.status).toBe(201);
    const e = await tanaka.call('POST', `/api/v1/tickets/${t.body.id}/escalations`, {
      target: { type: 'user', userId: admin.userId },
      ackTimeoutSeconds: 1800,
      brief: { ask: '返金を承認してください', tried: '請求書を確認しました' },
    });
    expect(e.status, JSON.stringify(e.body)).toBe(201);
    await expect
      .poll(
        async () =>
          (
            (await admin.call('GET', '/api/v1/deliveries?state=failed&channel=webhook')).body.items as Array<{
              nextAttemptAt: string | null;
            }>
          ).filter((d) => d.nextAttemptAt).length,
        { timeout: 20_000, interval: 500 },
      )
      .toBeGreaterThan(0);

    for (const locale of ['ja', 'en'] as const) {
      const ctx = await h.browser.newContext({
        locale: 'ja-JP',
        timezoneId: 'Asia/Tokyo',
        viewport: { width: 1280, height: 900 },
      });
      const page = await newPage(ctx);
      await signIn(page, 'admin@demo.example');
      if (locale === 'en') await page.locator('.lang-switch select').selectOption('en');
      await page.goto(`${h.base}/admin/channels`);
      // The list opens on deliveries given up on; the admin switches it to those being retried.
      await page.locator('#dl-state').selectOption('failed');
      const item = page.locator('details.card', { has: page.getByTestId('delivery-next-attempt') }).first();
      await item.waitFor({ timeout: 10_000 }).catch(async (err: unknown) => {
        await shot(page, `bounces-deliveries-missing-${locale}`);
        throw err;
      });
      const next = item.getByTestId('delivery-next-attempt');
      expect(await next.textContent()).toMatch(
        locale === 'ja' ? /^再送中。次の試行は / : /^Retrying, next attempt at /,
      );
      // The subscription is named by its URL, never by an internal id.
      const summary = (await item.locator('summary').textContent()) ?? '';
      expect(summary).toContain(`http://127.0.0.1:${address.port}/hook`);
      expect(summary).not.toMatch(/webhook:[0-9a-f-]{8,}/);
      await item.locator('summary').click();
      await shot(page, `bounces-deliveries-${locale}`);
      await ctx.close();
    }
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
