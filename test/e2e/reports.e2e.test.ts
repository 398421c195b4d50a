/**
 * Reports in a real browser (issue 18): the supervisor's dashboard draws its charts in Japanese
 * with a data table beside them, a number drills down to the tickets and opens one, and the CSV
 * downloads with its BOM; the raise hand and incident reports (issue 18) with real hands and
 * incidents made through the API, their chart and table in Japanese and English, an incident
 * drill-down, and the hand times' CSV. Screenshots under test-results/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('reports');

describe.skipIf(!hasChromium)('reports console (real browser)', () => {
  const h = useConsole('escalon-e2e-reports-', { ESCALON_LOGIN_RATE_LIMIT: '100' });
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

  const reportSelect = (page: Page) => page.locator('.report-controls select').filter({ has: page.locator('option[value="incidents.updates"]') });

  it('shows the raise hand and incident reports with a chart and a table, in Japanese and English', { timeout: 180_000 }, async () => {
    // Real figures: two hands claimed and answered by Sato, one incident with an update, resolved.
    const sato = await apiSession(h.base, 'sato@demo.example');
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const manager = await apiSession(h.base, 'yamamoto@demo.example');
    for (const [category, ask] of [['billing', '請求書の再発行をしてよいですか'], ['refund', '返金の例外に当たりますか']]) {
      const r = await tanaka.call('POST', '/api/v1/hands', { category, ask });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      await sleep(1100);
      expect((await sato.call('POST', `/api/v1/hands/${r.body.id}/claim`)).status).toBe(200);
      expect((await sato.call('POST', `/api/v1/hands/${r.body.id}/close`, { outcome: 'answered', answer: 'どうぞ' })).status).toBe(200);
    }
    const svc = await manager.call('POST', '/api/v1/services', { nameJa: '決済', nameEn: 'Payments' });
    expect(svc.status).toBe(201);
    // It started 95 minutes before it was declared: the time to resolve counts from the start.
    const startedAt = new Date(Date.now() - 95 * 60_000).toISOString();
    const inc = await manager.call('POST', '/api/v1/incidents', { title: '決済エラーの多発', severity: 'SEV2', startedAt, services: [{ id: svc.body.id, impact: 'partial_outage' }] });
    expect(inc.status, JSON.stringify(inc.body)).toBe(201);
    expect((await manager.call('POST', `/api/v1/incidents/${inc.body.id}/updates`, { state: 'identified', body: { ja: '原因を特定しました', en: 'Cause identified' }, audience: 'public' })).status).toBe(201);
    expect((await manager.call('POST', `/api/v1/incidents/${inc.body.id}/resolve`, { resolution: { ja: '復旧しました', en: 'Restored' } })).status).toBe(200);

    const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1500, height: 1000 }, acceptDownloads: true });
    const page = await newPage(ctx);
    await signIn(page, 'sato@demo.example');
    await page.goto(`${h.base}/reports?name=hands.times`);
    await page.getByRole('heading', { name: 'レポート' }).waitFor();
    // The supervisor's hands panel opens beside every page; put it away for the screenshots.
    await page.getByRole('button', { name: '隠す' }).click();
    await page.getByRole('button', { name: '今週' }).click();
    // The chart draws the time to claim in seconds; the table beside it has the hands per team.
    await page.locator('.report-chart svg').waitFor();
    await expect.poll(async () => page.locator('.report-chart svg').textContent()).toContain('対応開始まで 中央値(秒)');
    await page.getByRole('table').getByRole('columnheader', { name: '目標時間内の対応開始率' }).waitFor();
    await expect.poll(async () => page.getByRole('table').textContent()).toContain('一次対応');
    // Hands apply the ticket's priority (incidents below do not).
    await expect.poll(async () => page.getByLabel('優先度').isEnabled()).toBe(true);
    await page.locator('.report-definition summary').click();
    await expect.poll(async () => page.locator('.report-definition').textContent()).toContain('対応開始の目標時間');
    await shot(page, 'rep05-hands-ja');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSVをダウンロード' }).click()]);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('対応開始まで 中央値(秒)');

    // Incidents: the cadence report charts percentages; ticket filters are disabled.
    await reportSelect(page).selectOption('incidents.updates');
    await page.getByRole('table').getByRole('columnheader', { name: '初回顧客連絡 目標内率' }).waitFor();
    await expect.poll(async () => page.locator('.report-chart svg').textContent()).toContain('社内更新間隔 遵守率 (%)');
    expect(await page.getByLabel('優先度').isDisabled()).toBe(true);
    await expect.poll(async () => page.getByRole('table').textContent()).toContain('SEV2');
    await shot(page, 'rep06-incident-updates-ja');
    await reportSelect(page).selectOption('incidents.volume');
    await page.getByRole('table').getByRole('columnheader', { name: '社内限定' }).waitFor();
    await page.locator('.report-table button.link-button').first().click();
    const link = page.locator('.report-drill a', { hasText: '決済エラーの多発' });
    await link.waitFor();
    await shot(page, 'rep07-incident-drill-ja');
    await link.click();
    await page.waitForURL(/\/incidents\//);
    expect(pageErrors).toEqual([]);
    await ctx.close();

    const en = await h.browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Tokyo', viewport: { width: 1500, height: 1000 } });
    const pageEn = await newPage(en);
    await signIn(pageEn, 'emily@demo.example');
    await pageEn.goto(`${h.base}/reports?name=hands.times`);
    await pageEn.getByRole('button', { name: 'Hide', exact: true }).click();
    await pageEn.getByRole('button', { name: 'This week' }).click();
    await expect.poll(async () => pageEn.locator('.report-chart svg').textContent()).toContain('Time to claim p50 (s)');
    await pageEn.getByRole('table').getByRole('columnheader', { name: 'Claimed within target (share)' }).waitFor();
    await shot(pageEn, 'rep08-hands-en');
    await reportSelect(pageEn).selectOption('incidents.resolution');
    await pageEn.getByRole('table').getByRole('columnheader', { name: 'Time to resolve p50' }).waitFor();
    await expect.poll(async () => pageEn.locator('.report-chart svg').textContent()).toContain('Time to resolve p50 (min)');
    await expect.poll(async () => pageEn.getByRole('table').textContent()).toMatch(/9[5-7] min/);
    await shot(pageEn, 'rep09-incident-resolution-en');
    expect(pageErrors).toEqual([]);
    await en.close();
  });
});
