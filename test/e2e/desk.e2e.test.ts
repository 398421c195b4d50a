/**
 * Issue 15 §2 in a real browser: a new call (customer found by phone number) creating a phone
 * ticket with the call on its timeline, another call logged on it, and a ticket for a new customer
 * (ja and en). Screenshots go to test-results/screenshots/desk-*.png.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('desk');

describe.skipIf(!hasChromium)('help-desk basics (real browser)', () => {
  const h = useConsole('escalon-e2e-desk-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const context = (locale: 'ja' | 'en') => h.browser.newContext({ locale: locale === 'ja' ? 'ja-JP' : 'en-US', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });

  it('creates a ticket from a new call and logs a second call on it (ja)', async () => {
    const page = await newPage(await context('ja'));
    await signIn(page, 'tanaka@demo.example');
    await page.getByRole('link', { name: '☎ 新規通話' }).click();
    await page.getByRole('heading', { level: 1, name: '新規通話' }).waitFor();
    // The caller is found by the number they call from.
    await page.getByLabel('お客様を検索').fill('090-1111');
    await page.getByRole('button', { name: '検索', exact: true }).click();
    await page.getByRole('button', { name: '選択: 小林 誠' }).click();
    await page.getByTestId('chosen-customer').getByText('お客様: 小林 誠').waitFor();
    await page.getByLabel('件名').fill('請求書の再発行');
    await page.getByLabel('分', { exact: true }).fill('4');
    await page.getByLabel('秒', { exact: true }).fill('5');
    await page.getByLabel('通話相手（名前または番号）').fill('小林 誠 (090-1111-2222)');
    await page.getByLabel('通話の要約').fill('11月分の請求書を再発行してほしいとのこと。本日中に送付と回答。');
    await shot(page, 'desk-new-call-ja');
    await page.getByRole('button', { name: 'チケットを作成して通話を記録' }).click();
    await page.getByRole('heading', { level: 1, name: '請求書の再発行' }).waitFor();
    await page.getByText('経由: 電話').or(page.getByText('電話')).first().waitFor();
    const call = page.locator('[data-kind="call.logged"]');
    await call.getByText('11月分の請求書を再発行してほしいとのこと。本日中に送付と回答。').waitFor();
    await call.getByText('通話相手: 小林 誠 (090-1111-2222)').waitFor();
    expect(await call.textContent()).toContain('4分 5秒');

    // A second call on the same ticket.
    await page.getByRole('button', { name: '☎ 通話を記録…' }).click();
    await page.locator('#log-call-direction').selectOption('outbound');
    await page.locator('#log-call-minutes').fill('1');
    await page.locator('#log-call-summary').fill('送付済みであることを電話で連絡。');
    await page.getByRole('button', { name: '通話を記録', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '通話をタイムラインに記録しました。' }).waitFor();
    await expect.poll(() => page.locator('[data-kind="call.logged"]').count()).toBe(2);
    await shot(page, 'desk-ticket-calls-ja');

    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const list = await tanaka.call('GET', '/api/v1/tickets?assignee=me&channel=phone&limit=5');
    expect(list.body.items[0]).toMatchObject({ subject: '請求書の再発行', channel: 'phone', assigneeId: tanaka.userId });
  });

  it('creates a ticket for a new customer, refusing without one (en)', async () => {
    const page = await newPage(await context('en'));
    await signIn(page, 'john@demo.example');
    await page.getByRole('link', { name: '+ New ticket' }).click();
    await page.getByRole('heading', { level: 1, name: 'New ticket' }).waitFor();
    await page.getByLabel('Subject').fill('Cannot export the monthly report');
    await page.getByRole('button', { name: 'Create ticket' }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose a customer or enter a new one.' }).waitFor();
    await page.getByRole('button', { name: '+ New customer' }).click();
    await page.getByLabel('Name').fill('Oliver Stone');
    await page.getByLabel('Email (optional)').fill('oliver@stone.example');
    await page.getByLabel('Inquiry').fill('The export button does nothing since Monday.');
    await shot(page, 'desk-new-ticket-en');
    await page.getByRole('button', { name: 'Create ticket' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cannot export the monthly report' }).waitFor();
    await page.getByText('The export button does nothing since Monday.').waitFor();
    await page.locator('.customer-card').getByText('Oliver Stone').first().waitFor();
    await shot(page, 'desk-new-ticket-created-en');
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
