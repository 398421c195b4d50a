/**
 * Accounts and sessions in a real browser, in Japanese (issue 14 §3): an administrator resets
 * a password (the policy says why it refuses one; the person is signed out everywhere), an API
 * token with an expiry, and the wrong current password. Screenshots under test-results/.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('accounts');

describe.skipIf(!hasChromium)('accounts console (real browser, Japanese)', () => {
  // Room for this file's sign-ins per address; the throttle test meets the per-account limit (5 failures).
  const h = useConsole('escalon-e2e-accounts-', { ESCALON_LOGIN_RATE_LIMIT: '40', ESCALON_LOGIN_ACCOUNT_RATE_LIMIT: '5' });
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('resets a password with the policy in Japanese, shows token expiry, and refuses a wrong current password', async () => {
    const suzuki = await apiSession(h.base, 'suzuki@demo.example');
    const ctx = await h.browser.newContext({
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 1280, height: 800 },
    });
    const page = await newPage(ctx);
    await signIn(page, 'admin@demo.example');

    await page.getByRole('link', { name: 'ユーザー' }).click();
    await page.getByRole('cell', { name: 'suzuki@demo.example' }).waitFor();
    await page.getByRole('button', { name: 'パスワードを再設定: 鈴木 美咲' }).click();
    await page.getByLabel('鈴木 美咲 さんの新しいパスワード').fill('suzuki-2026-spring');
    await page
      .getByLabel('この人の API トークンも無効にする（トークンを使うスクリプトは動かなくなります）')
      .check();
    await page.getByRole('button', { name: 'パスワードを再設定', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'メールアドレス（または @ より前の部分）を含めないでください' })
      .waitFor();
    await shot(page, 'acc01-reset-refused-ja');
    await page.getByLabel('鈴木 美咲 さんの新しいパスワード').fill('a-sound-passphrase-2026');
    await page.getByRole('button', { name: 'パスワードを再設定', exact: true }).click();
    await page
      .getByText('パスワードを再設定しました。鈴木 美咲 さんはすべての端末でサインアウトされました。')
      .waitFor();
    expect((await suzuki.call('GET', '/api/v1/auth/session')).status).toBe(401);

    await page.getByRole('link', { name: 'API トークン' }).click();
    await page.getByLabel('トークン名（用途）').fill('夜間バッチ');
    await page.getByLabel('有効期限（任意）').fill('2099-03-31');
    await page.getByRole('button', { name: 'トークンを作成' }).click();
    await page.getByLabel('新しい API トークン').waitFor();
    await page.getByRole('columnheader', { name: '有効期限' }).waitFor();
    await page.getByRole('row').filter({ hasText: '夜間バッチ' }).getByText(/2099/).waitFor();
    await shot(page, 'acc02-tokens-expiry-ja');

    await page.getByRole('link', { name: '個人設定' }).click();
    await page.getByLabel('現在のパスワード').fill('not-the-password');
    await page.getByLabel('新しいパスワード（12文字以上）').fill('a-sound-passphrase-2027');
    await page.getByLabel('新しいパスワード（確認）').fill('a-sound-passphrase-2027');
    await page.getByRole('button', { name: 'パスワードを変更' }).click();
    await page.getByRole('alert').filter({ hasText: '現在のパスワードが正しくありません。' }).waitFor();
    await page.getByText('パスワードを変更すると、ほかのブラウザや端末ではサインアウトされます。').waitFor();
    await shot(page, 'acc03-settings-password-ja');
    await ctx.close();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('keeps what was typed when the language changes, signed out and signed in', async () => {
    const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 800 } });
    const page = await newPage(ctx);
    await page.goto(h.base + '/');
    await page.locator('#signin-email').fill('tanaka@demo.example');
    await page.locator('.signin-lang select').selectOption('en');
    await page.locator('#signin-title').filter({ hasText: 'Sign in' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#signin-email').inputValue()).toBe('tanaka@demo.example');
    await page.locator('.signin-lang select').selectOption('ja');
    await signIn(page, 'tanaka@demo.example');
    // Signed in: the page is not rebuilt (a half-typed search, like a draft, survives the switch).
    await page.locator('#global-search').fill('請求書');
    await page.locator('header.topbar select').first().selectOption('en');
    await page.getByRole('navigation').getByRole('link', { name: 'Queues' }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#global-search').inputValue()).toBe('請求書');
    await page.locator('header.topbar select').first().selectOption('ja');
    await page.getByRole('navigation').getByRole('link', { name: 'キュー' }).waitFor();
    await ctx.close();
    expect(pageErrors).toEqual([]);
  });
  it('says how long a throttled sign-in must wait, in Japanese and in English, without the server\'s English', async () => {
    const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 800 } });
    const page = await newPage(ctx);
    await page.goto(h.base + '/');
    const submit = page.locator('form button[type=submit]');
    const attempt = async () => {
      await page.locator('#signin-email').fill('watanabe@demo.example');
      await page.locator('#signin-password').fill('not-the-password-1');
      await submit.click();
      // The answer has come when the button is enabled again.
      await expect.poll(() => submit.isEnabled(), { timeout: 20_000 }).toBe(true);
    };
    // Wrong passwords for one account until the account is throttled (the per-account limit: 5 failures in 15 minutes here).
    let text = '';
    for (let i = 0; i < 8 && !text.includes('試行回数'); i++) {
      await attempt();
      text = (await page.locator('[role=alert]').first().textContent()) ?? '';
    }
    expect(text).toMatch(/試行回数が多すぎます。\d+(秒|分)後にもう一度お試しください。/);
    expect(text).not.toMatch(/Too many|try again/);
    await shot(page, 'acc10-signin-throttled-ja');
    await page.locator('.signin-lang select').selectOption('en');
    await page.locator('#signin-title').filter({ hasText: 'Sign in' }).waitFor();
    await page.waitForLoadState('networkidle');
    await attempt();
    await expect.poll(async () => page.locator('[role=alert]').first().textContent()).toMatch(/Too many attempts\. Try again in \d+ (seconds?|minutes?)\./);
    expect(await page.locator('[role=alert]').first().textContent()).not.toContain('Server');
    await shot(page, 'acc11-signin-throttled-en');
    await ctx.close();
    expect(pageErrors).toEqual([]);
  });
});
