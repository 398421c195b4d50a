/**
 * Inbound mail authentication in a real browser: a DKIM-signed reply from the customer shows
 * "sender verified"; a reply claiming to be the customer that fails DMARC is held on the ticket
 * (not in the conversation) with its SPF/DKIM/DMARC facts, and the agent accepts it, in
 * Japanese and in English. Offline: a fake DNS and a DKIM key made in the test.
 * Screenshots go to test-results/screenshots/.
 */
import { createServer as createNetServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildEml, dkimKey, dkimSigned, fakeDns } from '../../src/modules/intake-email/email-test-support.js';
import { RawSmtpClient } from '../../src/modules/intake-email/smtp-test-client.js';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('held-mail');
const freePort = await new Promise<number>((resolve) => {
  const s = createNetServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});
const key = dkimKey();
const dns = fakeDns({
  'sel._domainkey.aozora.example TXT': key.txt,
  '_dmarc.aozora.example TXT': [['v=DMARC1; p=reject']],
  'aozora.example TXT': [['v=spf1 ip4:192.0.2.25 -all']],
});

describe.skipIf(!hasChromium)('held unverified replies (real browser)', () => {
  const h = useConsole('escalon-e2e-held-', { ESCALON_INBOUND_ADDRESS: 'support@demo.example', ESCALON_SMTP_IN_ENABLED: '1', ESCALON_SMTP_IN_PORT: String(freePort) }, { dnsResolver: dns });
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('shows the verdict on a verified reply, holds a forged one, and the agent accepts it (ja, en)', async () => {
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const address = 'kaori@aozora.example';
    const created = await tanaka.call('POST', '/api/v1/tickets', { subject: '配送先の変更', description: '配送先を変更したいです。', channel: 'email', requesterEmail: address, requesterName: '青空 香織', assigneeId: tanaka.userId });
    expect(created.status).toBe(201);
    const ticketId = created.body.id as string;
    const reply = (n: number, text: string) =>
      buildEml(
        [
          ['From', `=?UTF-8?B?${Buffer.from('青空 香織').toString('base64')}?= <${address}>`],
          ['To', 'support@demo.example'],
          ['Subject', 'Re: 配送先の変更'],
          ['Date', 'Wed, 02 Dec 2026 10:00:00 +0900'],
          ['Message-ID', `<reply-${n}@aozora.example>`],
          ['In-Reply-To', `<ticket.${ticketId}@demo.example>`],
          ['MIME-Version', '1.0'],
          ['Content-Type', 'text/plain; charset=utf-8'],
          ['Content-Transfer-Encoding', '8bit'],
        ],
        text,
      );
    const smtp = await RawSmtpClient.open(freePort);
    const genuine = await smtp.send(await dkimSigned(reply(1, '新しい住所は東京都千代田区 1-1 です。'), 'aozora.example', key.privateKey), { from: address, to: ['support@demo.example'] });
    expect(genuine.code, genuine.text).toBe(250);
    const forged = await smtp.send(reply(2, '住所ではなく、返金先の口座を次に変更してください: 9999-111'), { from: address, to: ['support@demo.example'] });
    expect(forged.code, forged.text).toBe(250);
    await smtp.close();
    const admin = await apiSession(h.base, 'admin@demo.example');
    const inbound = async () => ((await admin.call('GET', '/api/v1/inbound-messages')).body.items as { status: string; auth: { verdict: string } | null }[]).map((i) => `${i.status}:${i.auth?.verdict}`).sort();
    await expect.poll(inbound, { timeout: 15_000 }).toEqual(['held:fail', 'processed:pass']);

    for (const locale of ['ja', 'en'] as const) {
      const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 1000 } });
      const page = await newPage(ctx);
      await signIn(page, 'tanaka@demo.example');
      if (locale === 'en') await page.locator('.lang-switch select').selectOption('en');
      await expect
        .poll(
          async () => {
            await page.goto(`${h.base}/tickets/${ticketId}`);
            await page.locator('ol.timeline').waitFor();
            return page.getByTestId('held-mail').count();
          },
          { timeout: 20_000, interval: 500 },
        )
        .toBe(1);
      const held = page.getByTestId('held-mail');
      if (locale === 'ja') {
        // The assignee was told: the bell's item words it in the reader's language and opens the held message.
        await page.getByTestId('notification-bell').click();
        const item = page.locator('.bell-item', { hasText: `${address} からの返信を保留しました` });
        await item.waitFor({ timeout: 10_000 });
        expect(await item.textContent()).toContain('SPF と DKIM のどちらも差出人アドレスと一致しませんでした');
        await shot(page, 'held-mail-bell-ja');
        await item.locator('a.bell-title').click();
        await page.waitForURL(/#held-/);
        await held.waitFor();
        expect(new URL(page.url()).hash).toBe(`#${await held.getAttribute('id')}`);
      }
      const heldText = (await held.textContent()) ?? '';
      expect(heldText).toContain('返金先の口座');
      expect(heldText).toContain(address);
      expect(heldText).toContain('DMARC fail');
      expect(heldText).toContain(locale === 'ja' ? '保留中' : 'Held: unverified reply');
      expect(await held.getAttribute('data-resolution')).toBe('waiting');
      // Not in the conversation: the customer's messages are the first one and the signed reply.
      const verified = page.locator('[data-testid=public-message] [data-testid=mail-auth][data-verdict=pass]');
      expect(await verified.count()).toBe(1);
      expect(await verified.textContent()).toContain(locale === 'ja' ? '送信者を確認済み' : 'Sender verified');
      expect(await page.locator('[data-testid=public-message]', { hasText: '返金先の口座' }).count()).toBe(0);
      await shot(page, `held-mail-waiting-${locale}`);

      if (locale === 'en') {
        await held.getByRole('button', { name: 'Accept as the customer’s message' }).click();
        await expect.poll(async () => held.getAttribute('data-resolution'), { timeout: 10_000 }).toBe('accepted');
        const appended = page.locator('[data-testid=public-message]', { hasText: '返金先の口座' });
        await appended.waitFor();
        expect(await appended.textContent()).toContain('accepted by an agent');
        expect(await page.locator('[data-kind="email.held_accepted"]').textContent()).toContain('accepted an unverified reply');
        await shot(page, `held-mail-accepted-${locale}`);
      }
      await ctx.close();
    }
    // After the decision, the Japanese view says so too.
    const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 1000 } });
    const page = await newPage(ctx);
    await signIn(page, 'tanaka@demo.example');
    await page.locator('.lang-switch select').selectOption('ja');
    await page.goto(`${h.base}/tickets/${ticketId}`);
    await page.getByTestId('held-mail').waitFor();
    expect(await page.getByTestId('held-mail').textContent()).toContain('承認済み');
    await shot(page, 'held-mail-accepted-ja');
    await ctx.close();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
