/**
 * The public pages in a real browser: the contact form says to check the mail and shows no
 * link (the private link goes only to the address, by mail); the private page from that mail
 * opens the ticket, and once the requester changes it says the link was replaced. Japanese and
 * English. Screenshots go to test-results/screenshots/.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('public-pages');
const sink = await startSmtpSink();
afterAll(async () => sink.close());

describe.skipIf(!hasChromium)('public contact form and private link (real browser)', () => {
  const h = useConsole('escalon-e2e-public-', { ESCALON_SMTP_URL: sink.url, ESCALON_INBOUND_ADDRESS: 'support@demo.example' });
  const { shot, newPage, dialogs, pageErrors } = h;

  it('mails the link instead of showing it, and a replaced link says so (ja, en)', async () => {
    for (const locale of ['ja', 'en'] as const) {
      const address = `form-${locale}@aozora.example`;
      const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 900, height: 800 } });
      const page = await newPage(ctx);
      await page.goto(`${h.base}/contact${locale === 'en' ? '?lang=en' : ''}`);
      await page.locator('#name').fill('青空 香織');
      await page.locator('#email').fill(address);
      await page.locator('#subject').fill(locale === 'ja' ? 'ログインできません' : 'Cannot sign in');
      await page.locator('#message').fill(locale === 'ja' ? 'パスワードを再設定してもログインできません。' : 'Resetting the password did not help.');
      await page.locator('button[type=submit]').click();
      const check = page.locator('#check-email');
      await check.waitFor();
      expect(await check.textContent()).toContain(locale === 'ja' ? 'メールをご確認ください' : 'Please check your email');
      expect(await page.locator('#out a').count()).toBe(0);
      await shot(page, `public-contact-sent-${locale}`);

      // The link arrives by mail, only to the address given.
      const mailTo = async () => {
        for (const m of sink.mails) if (m.rcptTo.includes(address)) return (await sink.parse(m)).text ?? '';
        return null;
      };
      await expect.poll(mailTo, { timeout: 15_000 }).not.toBeNull();
      const url = /(http\S+\/t\/\S+)/.exec((await mailTo())!)![1]!.replace('0.0.0.0', '127.0.0.1');
      const link = new URL(url);
      await page.goto(`${h.base}${link.pathname}?lang=${locale}`);
      await page.locator('#f').waitFor();
      expect(await page.locator('#h').textContent()).toContain(locale === 'ja' ? 'ログインできません' : 'Cannot sign in');

      // The agent makes someone else the requester: the old link stops working, and says why.
      const tanaka = await apiSession(h.base, 'tanaka@demo.example');
      const number = /#(\d+)/.exec((await page.locator('#h').textContent()) ?? '')![1];
      const ticket = (await tanaka.call('GET', `/api/v1/tickets?text=${number}`)).body.items[0] as { id: string };
      const other = await tanaka.call('POST', '/api/v1/customers', { name: 'Other', email: `other-${locale}@aozora.example` });
      expect(other.status, JSON.stringify(other.body)).toBe(201);
      expect((await tanaka.call('PATCH', `/api/v1/tickets/${ticket.id}`, { requesterId: other.body.id })).status).toBe(200);
      await page.goto(`${h.base}${link.pathname}?lang=${locale}`);
      await expect.poll(async () => page.locator('#h').textContent(), { timeout: 5_000 }).toBe(locale === 'ja' ? 'このリンクは使えなくなりました' : 'This link no longer works');
      expect(await page.locator('#s').textContent()).toContain(locale === 'ja' ? '新しいリンクに置き換えられました' : 'replaced by a newer one');
      expect(await page.locator('#f').isHidden()).toBe(true);
      await shot(page, `public-link-replaced-${locale}`);
      await ctx.close();
    }
    expect(dialogs).toEqual([]);
    expect(pageErrors.filter((e) => !e.includes('410'))).toEqual([]);
  });
});
