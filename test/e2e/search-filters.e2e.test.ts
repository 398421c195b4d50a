/**
 * Issue 19 in a real browser, in Japanese and English: the search page's team, date and customer
 * filters narrow the results, live in the URL (a reload keeps them) and can be cleared.
 * Screenshots go to test-results/screenshots/ (git-ignored).
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('search filters');

describe.skipIf(!hasChromium)('search filters (real browser)', () => {
  const h = useConsole('escalon-e2e-search-filters-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const context = (locale: string) => h.browser.newContext({ locale, timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });

  it('filters by team, customer and date, keeps the filters in the URL, in ja and en', { timeout: 180_000 }, async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const teams = (await admin.call('GET', '/api/v1/teams')).body.items as { id: string; name: string }[];
    const front = teams.find((t) => t.name.startsWith('一次対応'))!;
    const billing = teams.find((t) => t.name.startsWith('請求'))!;
    const a = await admin.call('POST', '/api/v1/tickets', { subject: 'コピー機の紙詰まり（本社）', requesterEmail: 'honsha@filters.example', requesterName: '本社 総務', teamId: front.id });
    const b = await admin.call('POST', '/api/v1/tickets', { subject: 'コピー機の紙詰まり（支店）', requesterEmail: 'shiten@filters.example', requesterName: '支店 経理', teamId: billing.id });
    expect([a.status, b.status]).toEqual([201, 201]);
    const c = await admin.call('POST', '/api/v1/tickets', { subject: 'Paper jam in the copier (branch)', requesterEmail: 'branch@filters.example', requesterName: 'Branch Office', teamId: billing.id });
    expect(c.status).toBe(201);

    // ---- Japanese: team, then customer, then dates.
    const ja = await context('ja-JP');
    const page = await newPage(ja);
    await signIn(page, 'yamamoto@demo.example');
    await page.goto(`${h.base}/search?q=${encodeURIComponent('紙詰まり')}`);
    await page.getByRole('heading', { level: 1, name: '「紙詰まり」の検索結果' }).waitFor();
    await expect.poll(() => page.locator('.search-hit').count()).toBe(2);
    await page.getByLabel('チーム').selectOption(billing.id);
    await expect.poll(() => page.locator('.search-hit').count()).toBe(1);
    await page.locator('.search-hit', { hasText: '支店' }).waitFor();
    expect(new URL(page.url()).searchParams.get('team')).toBe(billing.id);
    await page.reload();
    await page.locator('.search-hit', { hasText: '支店' }).waitFor();
    expect(await page.locator('.search-hit').count()).toBe(1);
    expect(await page.getByLabel('チーム').inputValue()).toBe(billing.id);
    await shot(page, '96-search-filter-team-ja');

    await page.getByRole('button', { name: '絞り込みを解除' }).click();
    await expect.poll(() => page.locator('.search-hit').count()).toBe(2);
    await page.getByRole('searchbox', { name: 'お客様を検索（名前・メール）' }).fill('honsha');
    await page.locator('.search-customer-picks button', { hasText: '本社 総務' }).click();
    await page.locator('.search-customer strong', { hasText: '本社 総務' }).waitFor();
    await expect.poll(() => page.locator('.search-hit').count()).toBe(1);
    await page.locator('.search-hit', { hasText: '本社' }).waitFor();
    expect(new URL(page.url()).searchParams.get('customer')).toBe(a.body.requesterId);
    await shot(page, '97-search-filter-customer-ja');

    // Written from tomorrow: nothing; until today: the one ticket again.
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' });
    const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Asia/Tokyo' });
    await page.getByLabel('開始日').fill(tomorrow);
    await page.locator('.empty', { hasText: '見つかりません' }).waitFor();
    expect(new URL(page.url()).searchParams.get('from')).toBe(tomorrow);
    await page.getByLabel('開始日').fill('');
    await page.getByLabel('終了日').fill(today);
    await expect.poll(() => page.locator('.search-hit').count()).toBe(1);
    await shot(page, '98-search-filter-dates-ja');

    // ---- English.
    const en = await context('en-US');
    const p2 = await newPage(en);
    await signIn(p2, 'emily@demo.example');
    await p2.goto(`${h.base}/search?q=${encodeURIComponent('paper jam')}&team=${billing.id}`);
    await p2.getByRole('heading', { level: 1, name: 'Results for “paper jam”' }).waitFor();
    await p2.locator('.search-hit', { hasText: 'Paper jam in the copier' }).waitFor();
    expect(await p2.getByLabel('Team').inputValue()).toBe(billing.id);
    await p2.getByLabel('Team').selectOption(front.id);
    await p2.locator('.empty', { hasText: 'Nothing found' }).waitFor();
    await p2.getByRole('button', { name: 'Clear filters' }).click();
    await p2.locator('.search-hit', { hasText: 'Paper jam in the copier' }).waitFor();
    await p2.getByRole('searchbox', { name: 'Find a customer (name, email)' }).fill('branch');
    await p2.locator('.search-customer-picks button', { hasText: 'Branch Office' }).click();
    await p2.locator('.search-customer strong', { hasText: 'Branch Office' }).waitFor();
    await expect.poll(() => p2.locator('.search-hit').count()).toBe(1);
    expect(new URL(p2.url()).searchParams.get('customer')).toBe(c.body.requesterId);
    await shot(p2, '99-search-filters-en');

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
