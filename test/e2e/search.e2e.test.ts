/**
 * Issue 19 in a real browser: search from the top bar (highlighted snippets), similar resolved
 * escalations in the escalate dialog, and a knowledge article inserted into a reply from the
 * composer (its use counted). Screenshots go to test-results/screenshots/ (git-ignored).
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('search');

describe.skipIf(!hasChromium)('search and knowledge (real browser)', () => {
  const h = useConsole('escalon-e2e-search-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const context = (locale: string) => h.browser.newContext({ locale, timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });

  it('searches from the top bar, shows similar escalations in the escalate dialog, inserts an article into a reply', { timeout: 120_000 }, async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    // A past escalation, resolved with its answer.
    const past = await admin.call('POST', '/api/v1/tickets', { subject: '複合機のランプが赤く点滅する', description: '電源を入れ直してもランプが点滅したまま', requesterEmail: 'e2e-past@example.jp' });
    expect(past.status).toBe(201);
    const esc = await admin.call('POST', `/api/v1/tickets/${past.body.id}/escalations`, { target: { type: 'user', userId: admin.userId }, brief: { ask: 'ランプ点滅の原因を教えてください' } });
    expect(esc.status, JSON.stringify(esc.body)).toBe(201);
    expect((await admin.call('POST', `/api/v1/escalations/${esc.body.id}/acknowledge`, {})).status).toBe(200);
    expect((await admin.call('POST', `/api/v1/escalations/${esc.body.id}/resolve`, { answer: 'トナー基板の交換が必要です。保守窓口へ手配してください。' })).status).toBe(200);
    const article = await admin.call('POST', '/api/v1/articles', { titleJa: 'VPNトークンの再設定', bodyJa: 'セルフサービスポータルを開き「リセット」を押してください。', titleEn: 'Resetting a VPN token', bodyEn: 'Open the self-service portal and press Reset.' });
    expect(article.status).toBe(201);
    const fresh = await admin.call('POST', '/api/v1/tickets', { subject: 'ランプが点滅して印刷できません', description: '赤いランプが点滅しています', requesterEmail: 'e2e-new@example.jp' });

    const ja = await context('ja-JP');
    const page = await newPage(ja);
    await signIn(page, 'tanaka@demo.example');
    // ---- Search from the top bar.
    await page.locator('#global-search').fill('ランプ');
    await page.locator('#global-search').press('Enter');
    await page.getByRole('heading', { level: 1, name: '「ランプ」の検索結果' }).waitFor();
    await page.locator('.search-hit mark').first().waitFor();
    expect(await page.locator('.search-hit').count()).toBeGreaterThanOrEqual(2);
    await shot(page, '90-search-ja-results');
    // One main landmark (the shell's): the page inside it is no second <main id="main">.
    expect(await page.locator('main').count()).toBe(1);
    await page.getByRole('tab', { name: 'エスカレーション' }).click();
    await page.locator('.search-hit .badge', { hasText: 'エスカレーション' }).first().waitFor();
    await shot(page, '91-search-ja-escalations');

    // ---- Similar escalations in the escalate dialog.
    await page.goto(`${h.base}/tickets/${fresh.body.id}`);
    await page.getByRole('heading', { level: 1, name: 'ランプが点滅して印刷できません' }).waitFor();
    await page.getByRole('button', { name: /エスカレーション/ }).first().click();
    const dialog = page.getByRole('dialog', { name: /をエスカレーション/ });
    await dialog.getByRole('heading', { name: '似ている解決済みエスカレーション' }).waitFor();
    await dialog.locator('.similar-answer', { hasText: 'トナー基板の交換が必要です' }).waitFor();
    await shot(page, '92-similar-in-escalate-dialog-ja');
    await dialog.getByRole('button', { name: '✕' }).click().catch(() => page.keyboard.press('Escape'));

    // ---- Insert an article into the reply.
    await page.getByRole('button', { name: '記事を挿入' }).click();
    await page.getByRole('searchbox', { name: '記事を検索' }).fill('VPN');
    await page.getByRole('searchbox', { name: '記事を検索' }).press('Enter');
    await page.locator('.article-picks li', { hasText: 'VPNトークンの再設定' }).getByRole('button', { name: '挿入' }).click();
    await expect.poll(() => page.locator('#composer-body').inputValue()).toContain('セルフサービスポータル');
    await shot(page, '93-article-inserted-ja');
    expect((await admin.call('GET', `/api/v1/articles/${article.body.id}`)).body.useCount).toBe(1);

    // ---- English.
    const en = await context('en-US');
    const p2 = await newPage(en);
    await signIn(p2, 'john@demo.example');
    await p2.locator('#global-search').fill('VPN token');
    await p2.locator('#global-search').press('Enter');
    await p2.getByRole('heading', { level: 1, name: 'Results for “VPN token”' }).waitFor();
    await p2.locator('.search-hit mark').first().waitFor();
    await shot(p2, '94-search-en-results');
    await p2.goto(`${h.base}/knowledge`);
    await p2.getByRole('heading', { level: 1, name: 'Knowledge articles' }).waitFor();
    expect(await p2.locator('main').count()).toBe(1);
    await shot(p2, '95-knowledge-en');

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
