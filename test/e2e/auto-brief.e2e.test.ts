/**
 * An automatic escalation's brief in a real browser: the demo's billing-dispute path escalates a
 * ticket as it is created, before the customer's message is stored; the receiver still reads
 * what the customer wrote, in their own language (ja and en), never "nothing has happened".
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('auto-brief');

describe.skipIf(!hasChromium)('automatic escalation brief (real browser)', () => {
  const h = useConsole('escalon-e2e-autobrief-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('shows the customer\'s inquiry as the background, in the reader\'s language', { timeout: 120_000 }, async () => {
    const agent = await apiSession(h.base, 'tanaka@demo.example');
    const t = await agent.call('POST', '/api/v1/tickets', { subject: 'Charged twice in December', category: 'billing-dispute', description: 'Our card was charged twice for the December invoice.', requesterEmail: 'autobrief@customer.example' });
    expect(t.status).toBe(201);
    const list = await agent.call('GET', `/api/v1/escalations?ticketId=${t.body.id}`);
    const esc = (list.body.items as { id: string; trigger: string }[]).find((e) => e.trigger === 'auto');
    expect(esc).toBeTruthy();

    for (const [locale, lang, summary, never] of [
      ['ja-JP', 'ja', '経緯の要約', 'このチケットにはまだ経緯がありません。'],
      ['en-GB', 'en', 'Timeline summary', 'Nothing has happened on this ticket yet.'],
    ] as const) {
      const ctx = await h.browser.newContext({ locale, timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
      const page = await newPage(ctx);
      await signIn(page, 'takahashi@demo.example');
      if (lang === 'en') {
        await page.getByLabel('言語').selectOption('en');
      }
      await page.goto(`${h.base}/escalations/${esc!.id}`);
      const brief = page.getByTestId('brief');
      await brief.getByText(/Our card was charged twice for the December invoice\./).waitFor();
      await brief.getByText(new RegExp(summary)).waitFor();
      expect(await brief.getByText(never).count()).toBe(0);
      await shot(page, `autobrief-${lang}`);
      await ctx.close();
    }
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
