/**
 * The console's foundations in a real browser: a queue's filters live in the URL (reload, Back
 * and a pasted link restore the view), and the keyboard shortcuts (? / j k Enter r n e a), never
 * while typing in a field. Japanese and English.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('shortcuts');

describe.skipIf(!hasChromium)('URL state and keyboard shortcuts (real browser)', () => {
  const h = useConsole('escalon-e2e-keys-');

  for (const locale of ['ja', 'en'] as const) {
    it(`keeps queue filters in the URL and works the queue and a ticket by keyboard (${locale})`, async () => {
      const ctx = await h.browser.newContext({ locale: locale === 'ja' ? 'ja-JP' : 'en-US', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
      const page = await h.newPage(ctx);
      // The console opens in the user's own language.
      const me = await apiSession(h.base, 'tanaka@demo.example');
      expect((await me.call('PATCH', `/api/v1/users/${me.userId}`, { locale })).status).toBe(200);
      await h.signIn(page, 'tanaka@demo.example');
      await page.goto(`${h.base}/queues/all`);
      await page.locator('table.queue-table tbody tr').first().waitFor();

      // Filters → URL → reload → same view; Back → the previous filters.
      await page.locator('#q-priority').selectOption('high');
      await page.waitForURL(/priority=high/);
      await page.locator('#q-sort').selectOption('created');
      await page.waitForURL(/sort=created/);
      await page.reload();
      await page.locator('table.queue-table tbody tr, .empty-state').first().waitFor();
      expect(await page.locator('#q-priority').inputValue()).toBe('high');
      expect(await page.locator('#q-sort').inputValue()).toBe('created');
      await h.shot(page, `k01-queue-filters-after-reload-${locale}`);
      await page.goBack();
      await page.waitForURL((u) => !u.search.includes('sort='));
      expect(await page.locator('#q-sort').inputValue()).toBe('-created');
      expect(await page.locator('#q-priority').inputValue()).toBe('high');
      // A pasted link opens the same view.
      const p2 = await h.newPage(ctx);
      await p2.goto(`${h.base}/queues/all?status=any&sort=updated`);
      await p2.locator('table.queue-table tbody tr').first().waitFor();
      expect(await p2.locator('#q-status').inputValue()).toBe('any');
      expect(await p2.locator('#q-sort').inputValue()).toBe('updated');
      await p2.close();

      await page.goto(`${h.base}/queues/all`);
      await page.locator('table.queue-table tbody tr').nth(1).waitFor();
      // ? shows the shortcuts, in the reader's language.
      await page.locator('body').press('?');
      const dialog = page.locator('dialog.shortcuts-dialog');
      await dialog.waitFor();
      expect(await dialog.locator('h2').textContent()).toBe(locale === 'ja' ? 'キーボードショートカット' : 'Keyboard shortcuts');
      await h.shot(page, `k02-shortcuts-dialog-${locale}`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });

      // / focuses search; typing j there types a j.
      await page.locator('body').press('/');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('q-text');
      await page.keyboard.type('jk');
      expect(await page.locator('#q-text').inputValue()).toBe('jk');
      expect(await page.locator('tr.row-selected').count()).toBe(0);
      await page.locator('#q-text').fill('');
      await page.locator('h1').click();

      // j j k → the first row; Enter opens it.
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await page.keyboard.press('k');
      const first = page.locator('table.queue-table tbody tr').first();
      expect(await first.getAttribute('class')).toContain('row-selected');
      const subject = (await first.locator('a').first().textContent())!;
      await page.locator('h1').click();
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/tickets\//);
      await page.getByRole('heading', { name: subject }).waitFor();

      // On the ticket: n → internal note, r → reply, a → assign to me, e → escalate.
      await page.locator('h1').click();
      await page.keyboard.press('n');
      await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
      expect(await page.locator('#composer-tab-internal').getAttribute('aria-selected')).toBe('true');
      await page.keyboard.type('r');
      expect(await page.locator('#composer-tab-internal').getAttribute('aria-selected')).toBe('true');
      await page.locator('h1').click();
      await page.keyboard.press('r');
      await page.waitForFunction(() => document.getElementById('composer-tab-public')?.getAttribute('aria-selected') === 'true');
      await page.locator('h1').click();
      await page.keyboard.press('a');
      await page.getByText(locale === 'ja' ? '自分に割り当てました。' : 'Assigned to you.').waitFor();
      await page.locator('h1').click();
      await page.keyboard.press('e');
      await page.locator('dialog[open]:not(.shortcuts-dialog)').waitFor();
      await h.shot(page, `k03-ticket-escalate-by-key-${locale}`);
      expect(h.pageErrors).toEqual([]);
      expect(h.dialogs).toEqual([]);
      await ctx.close();
    });
  }
});
