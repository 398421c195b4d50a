/**
 * Customer data requests in a real browser: a supervisor exports a customer's data and erases
 * the customer after typing the confirmation word, in Japanese and in English; an agent sees
 * neither action. Screenshots go to test-results/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('privacy');

describe.skipIf(!hasChromium)('customer data requests (real browser)', () => {
  const h = useConsole('escalon-e2e-privacy-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('exports and erases a customer from the customer panel, with a typed confirmation (ja, en); agents see no such action', async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const people = {
      ja: { supervisor: 'sato@demo.example', name: '消去 希望子', email: 'kibou.shoukyo@aozora.example', word: '消去', subject: '退会と個人データ削除のお願い' },
      en: { supervisor: 'emily@demo.example', name: 'Erin Request', email: 'erin.request@example.com', word: 'ERASE', subject: 'Please delete my personal data' },
    } as const;

    for (const locale of ['ja', 'en'] as const) {
      const p = people[locale];
      const created = await admin.call('POST', '/api/v1/tickets', { subject: p.subject, description: `${p.name}: please erase everything about me.`, channel: 'email', requesterEmail: p.email, requesterName: p.name });
      expect(created.status).toBe(201);
      const ticketId = created.body.id as string;
      expect((await admin.call('PATCH', `/api/v1/customers/${created.body.requesterId}`, { locale })).status).toBe(200);

      const ctx = await h.browser.newContext({ locale: locale === 'ja' ? 'ja-JP' : 'en-US', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
      const page = await newPage(ctx);

      if (locale === 'ja') {
        await signIn(page, 'tanaka@demo.example');
        await page.goto(`${h.base}/tickets/${ticketId}`);
        await page.locator('.customer-card .customer-name').waitFor();
        expect(await page.getByTestId('privacy-actions').count()).toBe(0);
        await page.context().clearCookies();
      }

      await signIn(page, p.supervisor);
      await page.goto(`${h.base}/tickets/${ticketId}`);
      const actions = page.getByTestId('privacy-actions');
      await actions.waitFor();
      expect(await page.locator('.customer-card .customer-name').textContent()).toContain(p.name);
      expect(await actions.textContent()).toContain(locale === 'ja' ? 'データの開示・消去' : 'Data requests');
      await shot(page, `privacy-panel-${locale}`);

      // The export the links download, with the supervisor's session.
      const href = await page.getByTestId('export-json').getAttribute('href');
      const exported = await page.request.get(h.base + href!);
      expect(exported.status()).toBe(200);
      const x = (await exported.json()) as { customer: { email: string }; tickets: { subject: string }[] };
      expect(x.customer.email).toBe(p.email);
      expect(x.tickets.map((t) => t.subject)).toContain(p.subject);
      const summary = await page.request.get(h.base + (await page.getByTestId('export-summary').getAttribute('href'))!);
      expect(summary.headers()['content-type']).toMatch(/^text\/html/);
      // The readable summary as the customer gets it (in their language: the console's here).
      const html = await summary.text();
      expect(html).toContain(locale === 'ja' ? '保有個人データの開示' : 'Personal data held about you');
      const view = await ctx.newPage();
      await view.setContent(html);
      await shot(view, `privacy-summary-${locale}`);
      await view.close();

      await page.getByTestId('erase-customer').click();
      const dialog = page.getByTestId('erase-dialog');
      await dialog.waitFor();
      const confirm = page.getByTestId('erase-confirm');
      expect(await confirm.isDisabled()).toBe(true);
      await page.getByTestId('erase-confirm-input').fill(locale === 'ja' ? 'ERASE' : 'erase it');
      expect(await confirm.isDisabled()).toBe(true);
      await page.getByTestId('erase-confirm-input').fill(p.word);
      expect(await confirm.isDisabled()).toBe(false);
      expect(await dialog.textContent()).toContain(locale === 'ja' ? '元に戻せません' : 'cannot be undone');
      await shot(page, `privacy-erase-dialog-${locale}`);
      await confirm.click();
      const outcome = page.getByTestId('erase-outcome');
      await outcome.waitFor();
      expect(await outcome.textContent()).toMatch(locale === 'ja' ? /消去しました：お問い合わせ 1 件/ : /Erased — tickets: 1, messages: 1/);
      await shot(page, `privacy-erased-${locale}`);

      // Closing reloads the page: the ticket and the customer as they are now.
      await Promise.all([page.waitForEvent('load'), dialog.getByRole('button', { name: locale === 'ja' ? '閉じる' : 'Close' }).last().click()]);
      await page.getByTestId('customer-erased').waitFor();
      expect(await page.locator('.customer-card .customer-name').textContent()).toContain(locale === 'ja' ? '消去されたお客様' : 'Erased customer');
      expect(await page.locator('body').textContent()).not.toContain(p.email);
      expect(await page.locator('body').textContent()).not.toContain(p.subject);
      expect(await page.getByTestId('erase-customer').count()).toBe(0);
      await shot(page, `privacy-after-${locale}`);
      await ctx.close();
    }
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
