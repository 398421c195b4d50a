/**
 * The composer in a real browser (issue 15 §2), in Japanese and English: the upload limits are
 * shown before a file is chosen, an over-limit file is refused with a message, an image pasted
 * into the reply and a file dropped onto it go with the reply, Markdown is previewed and then
 * rendered (safely) on the timeline, the image opens larger, the file downloads, and the mail
 * carries HTML, text and both files. Screenshots go to test-results/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../helpers/smtp-sink.js';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('compose');
const sink = await startSmtpSink();
afterAll(() => sink.close());
const MAX_BYTES = 65_536;

/** A real w×h PNG of one colour (so the thumbnail shows something). */
function png(w: number, h: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.concat(Array.from({ length: w }, () => Buffer.from(rgb)))]);
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: h }, () => row)))), chunk('IEND', Buffer.alloc(0))]);
}

describe.skipIf(!hasChromium)('composer: Markdown and attachments (real browser)', () => {
  const h = useConsole('escalon-e2e-compose-', { ESCALON_SMTP_URL: sink.url, ESCALON_INBOUND_ADDRESS: 'support@demo.example', ESCALON_ATTACHMENT_MAX_BYTES: String(MAX_BYTES), ESCALON_ATTACHMENT_MAX_COUNT: '3' });
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('pastes an image, drops a file, previews Markdown, sends, and shows, opens and downloads them (ja, then en)', async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    for (const locale of ['ja', 'en'] as const) {
      const created = await admin.call('POST', '/api/v1/tickets', {
        subject: locale === 'ja' ? 'ルーターがつながりません' : 'The router is offline',
        description: locale === 'ja' ? '朝からつながりません。' : 'It has been offline since this morning.',
        channel: 'email',
        requesterEmail: `hana-${locale}@aozora.example`,
        requesterName: '青空 花',
        assigneeId: tanaka.userId,
      });
      expect(created.status).toBe(201);
      const ctx = await h.browser.newContext({ locale: locale === 'ja' ? 'ja-JP' : 'en-US', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      const page = await newPage(ctx);
      await signIn(page, 'tanaka@demo.example');
      if (locale === 'en') await page.getByRole('combobox', { name: '言語' }).selectOption('en');
      await page.goto(`${h.base}/tickets/${created.body.id}`);

      // The limits, before any file is chosen.
      const limits = page.getByTestId('attachment-limits');
      await expect.poll(() => limits.textContent()).toBe(locale === 'ja' ? '3 個まで、1 ファイル 64 KB まで。添付できる種類: 画像、PDF、テキスト、CSV、ZIP、Office 文書、メール（.eml）。' : 'Up to 3 files of 64 KB each. Allowed: images, PDF, text, CSV, ZIP, Office documents, mail (.eml).');

      const markdown = locale === 'ja'
        ? '青空様\n\n**ルーターの再起動**をお願いします。\n\n- 電源を切る\n- 10 秒待つ\n\n詳しくは[手順書](https://help.example/router)をご覧ください。<script>alert(1)</script> [x](javascript:alert(1))'
        : 'Dear Hana,\n\nPlease **restart the router**:\n\n- switch it off\n- wait 10 seconds\n\nSee [the guide](https://help.example/router). <script>alert(1)</script> [x](javascript:alert(1))';
      await page.locator('#composer-body').fill(markdown);

      // Paste an image into the reply.
      const image = png(48, 32, [31, 95, 191]);
      await page.locator('#composer-body').evaluate((el, b64) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, image.toString('base64'));
      // Drop a text file onto the composer.
      const steps = locale === 'ja' ? '1. 電源を切る\n2. 10 秒待つ\n' : '1. Power off\n2. Wait 10 s\n';
      const dt = await page.evaluateHandle(({ text, name }) => {
        const d = new DataTransfer();
        d.items.add(new File([text], name, { type: 'text/plain' }));
        return d;
      }, { text: steps, name: locale === 'ja' ? '手順.txt' : 'steps.txt' });
      await page.getByTestId('composer-drop').dispatchEvent('drop', { dataTransfer: dt });
      // A file over the limit is refused before upload, with its name and the limit.
      await page.locator('#composer-files').setInputFiles({ name: 'huge.log', mimeType: 'text/plain', buffer: Buffer.alloc(MAX_BYTES + 10, 'x') });
      const problem = page.getByTestId('file-problem');
      await expect.poll(() => problem.textContent()).toBe(locale === 'ja' ? '「huge.log」は 64 KB です。添付できるのは 1 ファイル 64 KB までです。' : '“huge.log” is 64 KB; a file may be at most 64 KB.');
      const pending = page.getByTestId('pending-files').locator('li');
      await expect.poll(() => pending.count()).toBe(2);
      await page.getByTestId('pending-files').locator('img').waitFor();
      await shot(page, `compose-write-${locale}`);

      // Preview: the Markdown rendered, raw HTML as text, the javascript: link not a link.
      await page.getByTestId('composer-view-preview').click();
      const preview = page.getByTestId('composer-preview');
      await preview.locator('strong').waitFor();
      expect(await preview.locator('li').count()).toBe(2);
      expect(await preview.locator('a').getAttribute('rel')).toBe('noopener noreferrer nofollow');
      expect(await preview.locator('a').count()).toBe(1);
      expect(await preview.locator('script').count()).toBe(0);
      expect(await preview.textContent()).toContain('<script>alert(1)</script>');
      await shot(page, `compose-preview-${locale}`);

      const before = sink.mails.length;
      await page.locator('form.composer button[type=submit]').click();
      await page.locator('[data-testid=reply-delivery][data-state=sent]').waitFor({ timeout: 20_000 });

      // On the timeline: rendered Markdown and both files on the reply, no separate "attached" lines.
      const reply = page.locator('[data-testid=public-message]').filter({ has: page.locator('[data-format=markdown]') });
      await reply.locator('.msg-markdown strong').waitFor();
      expect(await reply.locator('.msg-markdown li').count()).toBe(2);
      expect(await reply.locator('.msg-markdown a').getAttribute('href')).toBe('https://help.example/router');
      expect(await reply.locator('script').count()).toBe(0);
      const files = reply.getByTestId('attachment');
      await expect.poll(() => files.count()).toBe(2);
      expect(await page.locator('[data-kind="attachment.added"]').count()).toBe(0);
      const thumb = reply.locator('.attachment-thumb img');
      await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(48);
      await shot(page, `compose-sent-${locale}`);

      // The image opens larger; Escape closes it.
      await reply.locator('.attachment-thumb').click();
      const box = page.getByTestId('lightbox');
      await box.locator('img').waitFor();
      await expect.poll(() => box.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalHeight)).toBe(32);
      await shot(page, `compose-lightbox-${locale}`);
      await page.keyboard.press('Escape');
      await box.waitFor({ state: 'detached' });

      // The text file downloads with its name and bytes.
      const [download] = await Promise.all([page.waitForEvent('download'), reply.getByRole('link', { name: locale === 'ja' ? '手順.txt をダウンロード' : 'Download steps.txt' }).click()]);
      expect(download.suggestedFilename()).toBe(locale === 'ja' ? '手順.txt' : 'steps.txt');
      expect(readFileSync((await download.path())!, 'utf8')).toBe(steps);

      // The mail: HTML and text from the Markdown, with both files.
      const mail = await sink.parse(sink.mails[before]!);
      expect(mail.html).toContain('<strong>');
      expect(mail.html).not.toContain('<script');
      expect(mail.text).not.toContain('**');
      expect(mail.attachments.map((a) => a.contentType).sort()).toEqual(['image/png', 'text/plain']);
      await ctx.close();
    }
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
