/**
 * Accounts and sessions in a real browser, in Japanese (issue 14 §3): an administrator resets
 * a password (the policy says why it refuses one; the person is signed out everywhere), an API
 * token with an expiry, and the wrong current password. Screenshots under test-results/.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('accounts');

describe.skipIf(!hasChromium)('accounts console (real browser, Japanese)', () => {
  const h = useConsole('escalon-e2e-accounts-');
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
});
