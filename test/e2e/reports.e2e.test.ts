/**
 * Reports in a real browser (issue 18): the supervisor's dashboard draws its charts in Japanese
 * with a data table beside them, a number drills down to the tickets and opens one, and the CSV
 * downloads with its BOM. Screenshots under test-results/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('reports');

describe.skipIf(!hasChromium)('reports console (real browser)', () => {
  const h = useConsole('escalon-e2e-reports-');
  const { shot, newPage, signIn, pageErrors } = h;

  it('renders the dashboard chart in Japanese, drills down to the tickets, downloads the CSV', async () => {
    // A ticket created now, so this week has a count to drill into whatever the day (the demo's tickets are dated in the past days: on a Monday the week had none).
    const admin = await apiSession(h.base, 'admin@demo.example');
    expect((await admin.call('POST', '/api/v1/tickets', { subject: '今週の問い合わせ / This week', description: 'e2e', requesterEmail: 'week@example.jp' })).status).toBe(201);
    const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    const page = await newPage(ctx);
    await signIn(page, 'sato@demo.example');
    await page.getByRole('link', { name: 'レポート' }).click();
    await page.getByRole('heading', { name: 'レポート' }).waitFor();
    await page.getByRole('button', { name: '今週' }).click();
    // The chart (SVG) with Japanese series names, and the data table beside it.
    await page.locator('.report-chart svg').waitFor();
    await expect.poll(async () => page.locator('.report-chart svg').textContent()).toContain('作成');
    await page.getByRole('table').getByRole('columnheader', { name: '未解決残' }).waitFor();
    await shot(page, 'rep01-dashboard-ja');

    // Drill-down: the first count of the table lists the tickets behind it; one opens.
    // (a count that is not zero: which cells are depends on the day of the week the test runs)
    const count = page.locator('.report-table button.link-button').filter({ hasNotText: /^0$/ }).last();
    await count.waitFor();
    await count.click();
    const first = page.locator('.report-drill a').first();
    await first.waitFor();
    await shot(page, 'rep02-drill-ja');
    await first.click();
    await page.waitForURL(/\/tickets\//);
    await shot(page, 'rep03-ticket-from-drill-ja');
    await page.goBack();

    // CSV download: UTF-8 with BOM, Japanese header.
    await page.getByRole('heading', { name: 'レポート' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSVをダウンロード' }).click()]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('作成');
    expect(download.suggestedFilename()).toMatch(/^tickets\.volume_.*\.csv$/);
    expect(pageErrors).toEqual([]);
    await ctx.close();
  });

  it('shows the same page in English', async () => {
    const ctx = await h.browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Tokyo', viewport: { width: 1400, height: 900 } });
    const page = await newPage(ctx);
    await signIn(page, 'emily@demo.example');
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.locator('.report-chart svg').waitFor();
    await page.getByRole('columnheader', { name: 'Backlog' }).waitFor();
    await shot(page, 'rep04-dashboard-en');
    await ctx.close();
  });
});
