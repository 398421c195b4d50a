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

  it('a view keeps its chosen columns after a reload and is edited: renamed, columns, filters, deleted (ja and en)', { timeout: 150_000 }, async () => {
    const headers = (page: import('playwright-core').Page) => page.locator('table.queue-table thead th[data-col]').evaluateAll((ths) => ths.map((th) => th.getAttribute('data-col')));

    // Japanese, a supervisor: save, choose columns, reload.
    const ja = await context('ja-JP');
    const page = await newPage(ja);
    await signIn(page, 'sato@demo.example');
    await page.goto(`${h.base}/queues/all`);
    await page.locator('#q-priority').selectOption('high');
    await page.getByRole('button', { name: 'このビューを保存' }).click();
    await page.getByRole('textbox', { name: 'ビューの名前' }).fill('高優先度');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.waitForURL(/view=/);
    await page.getByTestId('edit-view').click();
    await page.getByTestId('view-col-requester').uncheck();
    await page.getByTestId('view-col-temperature').uncheck();
    await page.getByTestId('view-col-team').check();
    await page.getByTestId('view-col-tags').check();
    await page.getByRole('button', { name: 'タグ を上へ' }).click();
    await page.getByRole('textbox', { name: 'ビューの名前' }).fill('高優先度（チーム別）');
    await shot(page, '120-view-editor-ja');
    await page.getByTestId('view-save-changes').click();
    await page.getByText('ビューを保存しました。').waitFor();
    const chosen = ['number', 'subject', 'priority', 'status', 'assignee', 'updated', 'tags', 'team'];
    await expect.poll(() => headers(page)).toEqual(chosen);
    await page.reload();
    await expect.poll(() => headers(page)).toEqual(chosen);
    await expect.poll(() => page.locator('#q-priority').inputValue()).toBe('high');
    const view = page.getByTestId('saved-view').filter({ hasText: '高優先度（チーム別）' });
    expect(await view.getAttribute('aria-current')).toBe('page');
    await shot(page, '121-view-columns-ja');
    // A changed filter keeps the view open and marked; saving takes the new filter.
    await page.locator('#q-priority').selectOption('urgent');
    await page.getByTestId('view-modified').waitFor();
    await page.getByTestId('edit-view').click();
    expect(await page.getByTestId('view-take-filters').isChecked()).toBe(true);
    await page.getByTestId('view-save-changes').click();
    await page.getByText('ビューを保存しました。').waitFor();
    // From the plain tab (its own filters), the view's link brings the saved filter back.
    await page.getByRole('link', { name: 'すべての案件' }).click();
    await expect.poll(() => page.locator('#q-priority').inputValue()).toBe('any');
    await page.getByTestId('saved-view').filter({ hasText: '高優先度（チーム別）' }).click();
    await expect.poll(() => page.locator('#q-priority').inputValue()).toBe('urgent');
    await expect.poll(() => headers(page)).toEqual(chosen);
    await expect.poll(() => page.getByTestId('view-modified').count()).toBe(0);

    // English, an agent: a personal view with its own columns, then deleted.
    const en = await context('en-US');
    const p2 = await newPage(en);
    await signIn(p2, 'john@demo.example');
    await p2.goto(`${h.base}/queues/all?status=open`);
    await p2.getByRole('button', { name: 'Save this view' }).click();
    await p2.getByRole('textbox', { name: 'Name of the view' }).fill('Open ones');
    await p2.getByRole('button', { name: 'Save', exact: true }).click();
    await p2.waitForURL(/view=/);
    await p2.getByTestId('edit-view').click();
    await p2.getByTestId('view-col-assignee').uncheck();
    await p2.getByTestId('view-col-created').check();
    await p2.getByTestId('view-save-changes').click();
    await p2.getByText('View saved.').waitFor();
    await p2.reload();
    await expect.poll(() => headers(p2)).toEqual(['number', 'subject', 'requester', 'temperature', 'priority', 'status', 'updated', 'created']);
    await shot(p2, '122-view-columns-en');
    await p2.getByTestId('edit-view').click();
    await p2.getByTestId('view-delete').click();
    await p2.getByTestId('view-delete-confirm').click();
    await p2.getByText('View deleted.').waitFor();
    expect(await p2.getByTestId('saved-view').filter({ hasText: 'Open ones' }).count()).toBe(0);
    await expect.poll(() => headers(p2)).toEqual(['number', 'subject', 'requester', 'temperature', 'priority', 'status', 'assignee', 'updated']);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
