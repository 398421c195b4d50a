/**
 * Issue 15 §2 in a real browser: find a customer in the directory (the search in the URL survives
 * a reload), open their page (tickets, escalations, ratings), edit them — a supervisor in
 * Japanese (identity and contact), an agent in English (contact only) — and open an organization.
 * Screenshots go to test-results/screenshots/ (git-ignored).
 */
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('directory');

describe.skipIf(!hasChromium)('customer directory (real browser)', () => {
  const h = useConsole('escalon-e2e-directory-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const context = (locale: string) => h.browser.newContext({ locale, timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });

  it('a supervisor finds a customer, opens their page and edits them (ja)', { timeout: 120_000 }, async () => {
    const page = await newPage(await context('ja-JP'));
    await signIn(page, 'sato@demo.example');
    await page.getByRole('link', { name: '顧客', exact: true }).click();
    await page.waitForURL(/\/customers$/);
    await page.getByRole('searchbox', { name: '顧客を検索' }).fill('かえで');
    await page.getByRole('button', { name: '検索', exact: true }).click();
    await page.waitForURL(/\/customers\?q=/);
    const rows = page.getByTestId('directory-customer');
    await expect.poll(async () => (await rows.allInnerTexts()).map((r) => r.split('\t')[0]).sort()).toEqual(['加藤 由美', '小林 誠']);
    // The search is in the URL: a reload shows the same rows.
    await page.reload();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await page.getByRole('searchbox', { name: '顧客を検索' }).inputValue()).toBe('かえで');
    await shot(page, '110-directory-ja');

    await rows.filter({ hasText: '小林 誠' }).getByRole('link', { name: '小林 誠' }).click();
    await page.waitForURL(/\/customers\/[0-9a-f-]+$/);
    await expect.poll(() => page.getByTestId('customer-name').innerText()).toBe('小林 誠');
    await page.getByTestId('customer-tickets').locator('tbody tr').first().waitFor();
    await page.getByTestId('customer-escalations').waitFor();
    await page.getByTestId('customer-ratings').waitFor();
    expect(await page.getByTestId('customer-facts').innerText()).toContain('株式会社かえで商事');

    await page.getByTestId('customer-edit').click();
    await page.getByLabel('電話番号').fill('090-0000-1234');
    await page.getByLabel('顧客のランク').selectOption('gold');
    await page.getByTestId('customer-save').click();
    await page.getByText('保存しました。').waitFor();
    const facts = await page.getByTestId('customer-facts').innerText();
    expect(facts).toContain('090-0000-1234');
    expect(facts).toContain('ゴールド');
    await shot(page, '111-customer-page-ja');

    await page.getByTestId('customer-facts').getByRole('link', { name: '株式会社かえで商事' }).click();
    await page.waitForURL(/\/organizations\/[0-9a-f-]+$/);
    await expect.poll(() => page.getByTestId('organization-name').innerText()).toBe('株式会社かえで商事');
    await expect.poll(() => page.getByTestId('directory-customer').count()).toBe(2);
    // The customers heading says the word once ("顧客 全 2 件", was "顧客 顧客 2 件").
    expect((await page.locator('#org-customers').innerText()).replace(/\s+/g, ' ')).toBe('顧客 全 2 件');
    await shot(page, '112-organization-ja');
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('an agent adds contact details but cannot change identity (en)', { timeout: 120_000 }, async () => {
    const page = await newPage(await context('en-US'));
    await signIn(page, 'john@demo.example');
    await page.goto(`${h.base}/customers?q=${encodeURIComponent('Anna')}`);
    await page.getByRole('link', { name: 'Anna Smith' }).click();
    await page.waitForURL(/\/customers\/[0-9a-f-]+$/);
    await page.getByTestId('customer-edit').click();
    await page.getByText('Name, email, tier and organization are changed by supervisors').waitFor();
    expect(await page.getByLabel('Name', { exact: true }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Own tier').isDisabled()).toBe(true);
    await page.getByLabel('Phone').fill('+1 206 555 0199');
    await shot(page, '113-customer-edit-en');
    await page.getByTestId('customer-save').click();
    await page.getByText('Saved.').waitFor();
    expect(await page.getByTestId('customer-facts').innerText()).toContain('+1 206 555 0199');
    await shot(page, '114-customer-page-en');
    // Back to the directory: the search is still there.
    await page.goBack();
    await expect.poll(() => page.getByRole('searchbox', { name: 'Search customers' }).inputValue()).toBe('Anna');
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
