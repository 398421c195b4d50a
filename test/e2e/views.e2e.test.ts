/**
 * Issue 15 §2 in a real browser: "save this view" on the queue page takes the current filters,
 * the view shows in the queue navigation with its count, and a reload restores it.
 * Screenshots go to test-results/screenshots/ (git-ignored).
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('views');

describe.skipIf(!hasChromium)('saved views (real browser)', () => {
  const h = useConsole('escalon-e2e-views-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const context = (locale: string) => h.browser.newContext({ locale, timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });

  it('saves the queue filters as a view, restores it after a reload, shows its count', { timeout: 120_000 }, async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const urgent = await admin.call('GET', '/api/v1/tickets?priority=urgent&status=new&status=open&status=pending&status=on_hold&limit=200');
    const expected = urgent.body.items.length as number;

    const ja = await context('ja-JP');
    const page = await newPage(ja);
    await signIn(page, 'tanaka@demo.example');
    await page.goto(`${h.base}/queues/all`);
    await page.locator('#q-priority').selectOption('urgent');
    await page.getByRole('button', { name: 'このビューを保存' }).click();
    await page.getByRole('textbox', { name: 'ビューの名前' }).fill('緊急のみ');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.waitForURL(/\/queues\/all\?(.*&)?view=/);
    const view = page.getByTestId('saved-view').filter({ hasText: '緊急のみ' });
    await view.waitFor();
    await expect.poll(() => view.locator('.badge').innerText()).toBe(String(expected));
    await page.reload();
    await view.waitFor();
    await expect.poll(() => page.locator('#q-priority').inputValue()).toBe('urgent');
    expect(await view.getAttribute('aria-current')).toBe('page');
    await shot(page, '100-saved-view-ja');
    // Another queue, then the view again: its filters come back.
    await page.goto(`${h.base}/queues/mine`);
    await page.locator('#q-priority').waitFor();
    expect(await page.locator('#q-priority').inputValue()).toBe('any');
    await view.click();
    await expect.poll(() => page.locator('#q-priority').inputValue()).toBe('urgent');
    // The plain tab again: its own filters, not the view's.
    await page.getByRole('link', { name: 'すべての案件' }).click();
    await expect.poll(() => page.locator('#q-priority').inputValue()).toBe('any');

    const en = await context('en-US');
    const p2 = await newPage(en);
    await signIn(p2, 'john@demo.example');
    await p2.goto(`${h.base}/queues/all`);
    await p2.getByRole('button', { name: 'Save this view' }).click();
    await shot(p2, '101-saved-views-en');
    // Tanaka's personal view is not John's.
    expect(await p2.getByTestId('saved-view').filter({ hasText: '緊急のみ' }).count()).toBe(0);

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
