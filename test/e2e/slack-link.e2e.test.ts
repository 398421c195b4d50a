/**
 * The Slack one-time link (issue 14 §3) in a real browser: the signed slash command answers with
 * a link; the signed-in person opens it, confirms, and their Slack id is verified; the spent link
 * is refused afterwards. Japanese and English. Screenshots go to test-results/screenshots/.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('slack-link');
const SECRET = 'e2e-slack-signing-secret';

describe.skipIf(!hasChromium)('Slack one-time link (real browser)', () => {
  const h = useConsole('escalon-e2e-slack-link-', { ESCALON_SLACK_SIGNING_SECRET: SECRET });
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const command = async (slackUserId: string): Promise<string> => {
    const form = new URLSearchParams({ command: '/escalon', text: 'link', user_id: slackUserId }).toString();
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${h.base}/api/v1/integrations/slack/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${form}`).digest('hex')}` },
      body: form,
    });
    expect(res.status).toBe(200);
    const { text } = (await res.json()) as { text: string };
    return /#t=([A-Za-z0-9_-]+)\|/.exec(text)![1]!;
  };

  it('links the Slack member after the person confirms, once (ja, en)', async () => {
    for (const [lang, email, member] of [['ja', 'tanaka@demo.example', 'U0TANAKA'], ['en', 'john@demo.example', 'U0JOHN']] as const) {
      const token = await command(member);
      const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1100, height: 700 } });
      const page = await newPage(ctx);
      await signIn(page, email);
      await page.locator('.lang-switch select').selectOption(lang);
      await page.goto(`${h.base}/settings/slack-link#t=${token}`);
      const button = page.getByRole('button', { name: lang === 'ja' ? 'はい、自分の Slack アカウントを連携します' : 'Yes, link my Slack account' });
      await button.waitFor();
      await shot(page, `slack-link-confirm-${lang}`);
      await button.click();
      await page.locator('.notice').waitFor();
      expect(await page.locator('.notice').textContent()).toContain(member);
      expect(new URL(page.url()).hash).toBe('');
      await shot(page, `slack-link-done-${lang}`);
      const me = await apiSession(h.base, email);
      expect((await me.call('GET', '/api/v1/me/notification-preferences')).body).toMatchObject({ slackUserId: member, slackVerified: true });
      // Spent: opening it again says so.
      await page.goto(`${h.base}/settings`);
      await page.goto(`${h.base}/settings/slack-link#t=${token}`);
      await button.click();
      await page.locator('.error-box').waitFor();
      expect(await page.locator('.error-box').textContent()).toContain(lang === 'ja' ? 'このリンクは使用済みか有効期限切れです' : 'This link was already used or has expired');
      expect(await button.count()).toBe(0);
      await shot(page, `slack-link-spent-${lang}`);
      await ctx.close();
    }
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
