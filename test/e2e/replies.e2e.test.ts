/**
 * A reply reaches the customer, in a real browser: the composer says where it will go before
 * sending, the reply shows "sent" once the local SMTP sink accepted the mail. Screenshots in
 * Japanese and English go to test-results/screenshots/.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('replies');
const sink = await startSmtpSink();
afterAll(() => sink.close());

describe.skipIf(!hasChromium)('replies to customers (real browser)', () => {
  const h = useConsole('escalon-e2e-replies-', { ESCALON_SMTP_URL: sink.url, ESCALON_INBOUND_ADDRESS: 'support@demo.example' });
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('shows where the reply goes, sends it by mail and marks it sent (ja, then en)', async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    for (const [locale, number] of [['ja', 1], ['en', 2]] as const) {
      const created = await admin.call('POST', '/api/v1/tickets', {
        subject: locale === 'ja' ? 'プリンターが印刷できません' : 'The printer does not print',
        description: locale === 'ja' ? '昨日から印刷できません。' : 'It stopped printing yesterday.',
        channel: 'email',
        requesterEmail: `hana${number}@aozora.example`,
        requesterName: '青空 花',
        cc: ['ken@aozora.example', 'mika@aozora.example'],
        assigneeId: tanaka.userId,
      });
      expect(created.status).toBe(201);
      const ctx = await h.browser.newContext({ locale: locale === 'ja' ? 'ja-JP' : 'en-US', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
      const page = await newPage(ctx);
      await signIn(page, 'tanaka@demo.example');
      // Tanaka works in Japanese; the second round switches the console to English from the header.
      if (locale === 'en') await page.getByRole('combobox', { name: '言語' }).selectOption('en');
      await page.goto(`${h.base}/tickets/${created.body.id}`);
      const target = page.getByTestId('reply-target');
      await target.waitFor();
      const to = `hana${number}@aozora.example`;
      await expect.poll(() => target.textContent()).toBe(locale === 'ja' ? `${to} へメール（CC 2件）` : `Email to ${to}, cc 2`);
      const before = sink.mails.length;
      await page.locator('#composer-body').fill(locale === 'ja' ? 'お問い合わせありがとうございます。プリンターの電源を入れ直してください。' : 'Thank you for writing. Please restart the printer.');
      // The reply carries a file chosen in the composer.
      await page.locator('#composer-files').setInputFiles({ name: 'restart-steps.txt', mimeType: 'text/plain', buffer: Buffer.from('1. Power off\n2. Wait 10 s\n3. Power on\n') });
      await page.locator('form.composer button[type=submit]').click();
      await page.locator('[data-testid=reply-delivery][data-state=sent]').waitFor({ timeout: 15_000 });
      expect(sink.mails.length).toBe(before + 1);
      expect(sink.mails[before]!.rcptTo.sort()).toEqual([to, 'ken@aozora.example', 'mika@aozora.example'].sort());
      const mail = await sink.parse(sink.mails[before]!);
      expect(mail.subject).toMatch(/^Re: .+ \[#\d+\]$/);
      expect(mail.attachments.map((a) => a.filename)).toEqual(['restart-steps.txt']);
      expect(mail.attachments[0]!.content.toString()).toContain('Power on');
      await shot(page, `replies-sent-${locale}`);
      await ctx.close();
    }
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
