/**
 * Administration and the supervisor board in a real browser (Japanese): a calendar with the
 * Japanese holiday preset and its live preview, an escalation path with two levels edited in the
 * level cards, a second version and its diff, the simulator, the playbook, my settings, and the
 * supervisor board. Screenshots go to test-results/screenshots/ (git-ignored).
 */
import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('administration');

describe.skipIf(!hasChromium)('administration console (real browser)', () => {
  // This file signs in more than the default 10 times a minute from one address.
  const h = useConsole('escalon-e2e-admin-', { ESCALON_LOGIN_RATE_LIMIT: '100' });
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const newContext = (opts: Parameters<typeof h.browser.newContext>[0]): Promise<BrowserContext> => h.browser.newContext(opts);

  it('lets an administrator set up a calendar, a two-level path with versions, simulate it and print the playbook', async () => {
    const ctx = await newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 800 } });
    const page = await newPage(ctx);
    await signIn(page, 'admin@demo.example');

    // Calendar with the Japanese holiday preset and the live preview.
    await page.getByRole('link', { name: '管理', exact: true }).click();
    await page.getByRole('link', { name: '営業カレンダー' }).click();
    // The demo workspace ships the Tokyo office calendar.
    await page.getByText('東京本社 営業時間 / Tokyo office hours').first().waitFor();
    await shot(page, 'a01-calendars');
    await page.getByRole('button', { name: 'カレンダーを作成' }).click();
    await page.getByLabel('カレンダー名').fill('東京本社 平日');
    expect(await page.getByLabel('日本の祝日（振替休日を含む）').isChecked()).toBe(true);
    await page.getByLabel('案件の受付日時（Asia/Tokyo）').fill('2026-01-09T17:00');
    await page.getByLabel('営業時間での所要時間').fill('2');
    // Friday 17:00 + 2 business hours: 1 h on Friday, Sat/Sun closed, Mon 12 Jan is 成人の日 → Tue 13 Jan 10:00.
    await page.getByTestId('calendar-preview').filter({ hasText: '1月13日' }).waitFor();
    expect(await page.getByTestId('calendar-preview').innerText()).toContain('10:00');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('カレンダー「東京本社 平日」を保存しました。').waitFor();
    await page.getByRole('button', { name: /東京本社 平日/ }).waitFor();
    await shot(page, 'a02-calendar-preview');

    // An escalation path with two levels, edited in the level cards.
    await page.getByRole('link', { name: 'エスカレーションパス' }).click();
    await page.getByText('請求トラブル / Billing disputes').first().waitFor(); // the demo's paths
    await page.getByRole('link', { name: 'パスを作成' }).first().click();
    await page.getByLabel('パス名').fill('請求の相違');
    await page.getByLabel('目的').fill('請求額の誤り・返金の判断');
    await page.getByLabel('カテゴリー').first().fill('billing');
    await page.getByLabel('L1 の名前').fill('L1 請求チーム');
    await page.getByRole('button', { name: 'L1 に通知先を追加' }).click();
    await page.getByLabel('L1 通知先1：対象').selectOption({ label: '請求 / Billing' });
    await page.getByRole('button', { name: 'レベルを追加' }).click();
    await page.getByLabel('L2 の名前').fill('L2 請求マネージャー');
    await page.getByRole('button', { name: 'L2 に通知先を追加' }).click();
    await page.getByLabel('L2 通知先1：種類').selectOption('user');
    await page.getByLabel('L2 通知先1：対象').selectOption({ label: '山本 部長' });
    await page.getByLabel('L2 の受領期限 (時間)').fill('1');
    await page.getByLabel('変更理由（履歴に表示）').fill('初版');
    await shot(page, 'a03-path-editor');
    await page.getByRole('button', { name: 'パスを作成' }).click();
    await page.getByText('バージョン 1 として保存しました。').waitFor();
    await page.getByRole('heading', { name: 'パス：請求の相違' }).waitFor();

    // Second version, then the diff.
    await page.getByLabel('L1 の受領期限 (分)').fill('15');
    await page.getByRole('button', { name: 'L2 を上へ' }).click();
    await page.getByRole('button', { name: 'L1 を下へ' }).waitFor();
    await page.getByRole('button', { name: 'L1 を下へ' }).click();
    await page.getByLabel('変更理由（履歴に表示）').fill('L1 の受領期限を15分に短縮');
    await page.getByRole('button', { name: '新しいバージョンとして保存' }).click();
    await page.getByText('バージョン 2 として保存しました。').waitFor();
    const diff = page.getByRole('table', { name: 'バージョン 1 から 2 への変更' });
    await diff.waitFor();
    await diff.getByText('L1 · 受領期限').first().waitFor();
    await page.getByRole('cell', { name: 'L1 の受領期限を15分に短縮' }).waitFor();
    await page.getByRole('button', { name: '見直し済みにする' }).click();
    await page.getByText('見直し済みにしました。').waitFor();
    await shot(page, 'a04-path-versions-diff');

    // The simulator, preselected with this path.
    await page.getByRole('link', { name: 'シミュレーション' }).click();
    await page.getByRole('heading', { name: 'シミュレーター' }).waitFor();
    await page.getByLabel('件名').fill('請求額が契約と違う');
    await page.getByLabel('カテゴリー').fill('billing');
    await page.getByRole('button', { name: 'シミュレーション実行' }).click();
    await page.getByRole('heading', { name: '予測タイムライン' }).waitFor();
    await page.getByRole('rowheader', { name: /^L2 請求マネージャー/ }).waitFor();
    // A level named with its own number is not numbered twice ("L2 L2 請求マネージャー").
    expect(await page.locator('main').textContent()).not.toMatch(/L\d L\d/);
    await page.getByRole('cell', { name: /山本 部長/ }).waitFor();
    // Why the path matches, in the reader's language (from facts, not the API's English reasons).
    await page.locator('ul.reasons li', { hasText: 'カテゴリ = billing' }).first().waitFor();
    expect(await page.locator('ul.reasons').first().textContent()).not.toContain('category =');
    await shot(page, 'a05-simulator');

    // The printable playbook opens in a new tab.
    await page.getByRole('link', { name: 'エスカレーションパス' }).click();
    await page.getByRole('link', { name: '請求の相違' }).waitFor();
    await shot(page, 'a06-paths-list');
    // An article of the path's category is linked from the playbook and opens in the console.
    const api = await apiSession(h.base, 'admin@demo.example');
    const article = await api.call('POST', '/api/v1/articles', { titleJa: '二重請求の確認手順 <b>', bodyJa: '請求明細を確認します。', category: 'Billing' });
    expect(article.status).toBe(201);
    const [playbook] = await Promise.all([ctx.waitForEvent('page'), page.getByRole('link', { name: /印刷用プレイブック/ }).click()]);
    await playbook.waitForLoadState();
    expect(await playbook.content()).toContain('請求の相違');
    const section = playbook.locator('section', { hasText: '請求の相違' });
    await section.getByRole('heading', { name: '関連するナレッジ記事' }).waitFor();
    const articleLink = section.getByRole('link', { name: '二重請求の確認手順 <b>' });
    expect(await articleLink.getAttribute('href')).toMatch(new RegExp(`/knowledge\\?id=${article.body.id}$`));
    await shot(playbook, 'a07-playbook');
    // In English the Japanese-only article keeps its Japanese title.
    await playbook.goto(`${h.base}/api/v1/playbook?lang=en`);
    const sectionEn = playbook.locator('section', { hasText: '請求の相違' });
    await sectionEn.getByRole('heading', { name: 'Knowledge articles for this path' }).waitFor();
    await sectionEn.getByRole('link', { name: '二重請求の確認手順 <b>' }).waitFor();
    await playbook.goto(`${h.base}/knowledge?id=${article.body.id}`);
    await playbook.getByTestId('linked-article').filter({ hasText: '請求明細を確認します。' }).waitFor();
    await shot(playbook, 'a07b-linked-article');
    await playbook.close();

    // Other administration screens render without errors.
    await page.getByRole('link', { name: 'SLA ポリシー' }).click();
    await page.getByRole('button', { name: 'SLA ポリシーを作成' }).click();
    await page.getByLabel('ポリシー名').fill('標準');
    await page.getByLabel('営業カレンダー').selectOption({ label: '東京本社 平日' });
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('SLA ポリシー「標準」を保存しました。').waitFor();
    await shot(page, 'a08-sla');
    await page.getByRole('link', { name: '当番ローテーション' }).click();
    await page.getByText('開発オンコール / Engineering on-call').first().waitFor(); // the demo's rotation
    await shot(page, 'a09-rotations');
    await page.getByRole('link', { name: '通知と配信' }).click();
    await page.getByText('Webhook の購読はありません。').waitFor();
    await shot(page, 'a10-channels');
    await page.getByRole('link', { name: '個人設定' }).click();
    await page.getByRole('heading', { name: '在席状況と不在' }).waitFor();
    await page.getByRole('checkbox', { name: 'おやすみ時間' }).check();
    await page.getByRole('button', { name: '通知設定を保存' }).click();
    await page.getByText('通知設定を保存しました。').waitFor();
    await shot(page, 'a11-my-settings');
    await ctx.close();

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('shows a supervisor the board; only a manager of the team arranges cover for others', async () => {
    const ctx = await newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 800 } });
    const page = await newPage(ctx);
    await signIn(page, 'sato@demo.example');
    await page.getByRole('link', { name: 'SV ボード' }).click();
    await page.getByRole('heading', { name: 'スーパーバイザーボード' }).waitFor();
    await page.getByRole('heading', { name: 'チームの在席状況' }).waitFor();
    await page.getByRole('heading', { name: 'チーム横断の SLA 違反の恐れ' }).waitFor();
    await page.locator('.loading').first().waitFor({ state: 'detached' });
    // A supervisor sets only her own availability and delegate (issue 14).
    await page.getByRole('button', { name: '佐藤 花子 の代わりを手配' }).first().waitFor();
    expect(await page.getByRole('button', { name: '鈴木 美咲 の代わりを手配' }).count()).toBe(0);
    await ctx.close();

    const mctx = await newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 800 } });
    const mpage = await newPage(mctx);
    await signIn(mpage, 'yamamoto@demo.example');
    await mpage.getByRole('link', { name: 'SV ボード' }).click();
    await mpage.getByRole('heading', { name: 'チームの在席状況' }).waitFor();
    await mpage.locator('.loading').first().waitFor({ state: 'detached' });
    await mpage.getByRole('button', { name: '鈴木 美咲 の代わりを手配' }).first().click();
    await mpage.getByRole('heading', { name: '鈴木 美咲 の代わりを手配' }).waitFor();
    await shot(mpage, 'a12-supervisor-board');
    await mctx.close();
    expect(pageErrors).toEqual([]);
  });

  it('offers the open escalation when the same level is asked twice (ja and en)', async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const level = { name: 'L1 二重確認 / Double check', kind: 'functional', targets: [{ type: 'user', userId: admin.userId }], contact: { department: 'QA', person: null, phone: null, email: null }, ackTimeoutSeconds: 1800, calendarId: null, onTimeout: { advance: false, repeatReminders: 0, reminderIntervalSeconds: 0 }, requiredBriefFields: [] };
    const path = await admin.call('POST', '/api/v1/escalation-paths', {
      name: '重複確認 / Duplicate check', purpose: 'e2e', ownerId: admin.userId, reviewIntervalDays: 90, active: true,
      conditions: { categories: [], products: [], tags: ['e2e-dup'], tagMode: 'any', priorities: [], channels: [], customerTiers: [], customerTemperatures: [], keywords: [] },
      levels: [level], fallbackUserIds: [], fallbackTeamId: null,
    });
    expect(path.status, JSON.stringify(path.body)).toBe(201);
    const ticket = await admin.call('POST', '/api/v1/tickets', { subject: '二重エスカレーションの確認', description: 'e2e', tags: ['e2e-dup'], requesterEmail: 'dup@example.jp', assigneeId: tanaka.userId });
    expect(ticket.status).toBe(201);
    const first = await tanaka.call('POST', `/api/v1/tickets/${ticket.body.id}/escalations`, { pathId: path.body.id, brief: { ask: '確認してください' } });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    for (const [locale, lang] of [['ja-JP', 'ja'], ['en-US', 'en']] as const) {
      const ctx = await newContext({ locale, timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
      const page = await newPage(ctx);
      expect((await tanaka.call('PATCH', `/api/v1/users/${tanaka.userId}`, { locale: lang })).status).toBe(200);
      await signIn(page, 'tanaka@demo.example');
      await page.goto(`${h.base}/tickets/${ticket.body.id}`);
      await page.locator('.escalate-button').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('receiver-card').waitFor();
      await dialog.locator('#esc-path').selectOption(path.body.id);
      await dialog.getByTestId('receiver-card').waitFor();
      await dialog.locator('#esc-ask').fill(lang === 'ja' ? 'もう一度お願いします' : 'Once more please');
      await dialog.locator('button[type=submit], .modal-foot .btn-primary').last().click();
      const box = dialog.getByTestId('duplicate-escalation');
      await box.waitFor();
      expect(await box.textContent()).toContain(lang === 'ja' ? '既に進行中' : 'already has an open escalation');
      expect(await box.textContent()).toContain('L1 二重確認 / Double check');
      await box.scrollIntoViewIfNeeded();
      await shot(page, `a13-escalate-duplicate-${lang}`);
      await box.getByRole('link').click();
      await page.waitForURL(`**/escalations/${first.body.id}`);
      await ctx.close();
    }
    await tanaka.call('PATCH', `/api/v1/users/${tanaka.userId}`, { locale: 'ja' });
    expect(pageErrors).toEqual([]);
  });

  it('restricts a team from its admin card; an agent outside it finds its ticket nowhere (ja and en)', async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const legal = (await admin.call('GET', '/api/v1/teams?limit=100')).body.items.find((t: { name: string }) => t.name.includes('Legal') || t.name.includes('法務'));
    expect(legal, 'the demo has a legal team').toBeTruthy();
    const ticket = await admin.call('POST', '/api/v1/tickets', { subject: '契約書の差し止め / Contract hold', description: 'e2e', requesterEmail: 'hold@example.jp', teamId: legal.id });
    expect(ticket.status).toBe(201);
    // One sign-in (the login rate limit counts every sign-in of this file); the language is switched in the top bar.
    const adminCtx = await newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
    const adminPage = await newPage(adminCtx);
    await signIn(adminPage, 'admin@demo.example');
    for (const [lang, label, help] of [
      ['ja', '閲覧制限チーム', 'メンバー、そのチケットのエスカレーションの受信者、管理者だけ'],
      ['en', 'Restricted team', "Only the team's members"],
    ] as const) {
      const page = adminPage;
      if (lang === 'en') await page.locator('header.topbar select').first().selectOption('en');
      await page.goto(`${h.base}/admin/teams`);
      const card = page.locator('section.team-card', { has: page.getByRole('heading', { name: legal.name }) });
      const box = card.getByLabel(label);
      await box.waitFor();
      expect(await card.textContent()).toContain(help);
      if (!(await box.isChecked())) await box.check();
      await card.locator('.badge').waitFor();
      await card.scrollIntoViewIfNeeded();
      await shot(page, `a14-team-restricted-${lang}`);
    }
    await adminCtx.close();
    expect((await admin.call('GET', `/api/v1/teams/${legal.id}`)).body.restricted).toBe(true);
    expect((await tanaka.call('GET', `/api/v1/tickets/${ticket.body.id}`)).status).toBe(404);
    const ctx = await newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 800 } });
    const page = await newPage(ctx);
    await signIn(page, 'tanaka@demo.example');
    await page.goto(`${h.base}/tickets/${ticket.body.id}`);
    await page.locator('.empty-state').first().waitFor();
    expect(await page.textContent('body')).not.toContain('契約書の差し止め');
    await shot(page, 'a15-restricted-ticket-not-found-ja');
    await ctx.close();
    expect((await admin.call('PATCH', `/api/v1/teams/${legal.id}`, { restricted: false })).status).toBe(200);
    await admin.call('PATCH', `/api/v1/users/${admin.userId}`, { locale: 'ja' });
    expect(pageErrors).toEqual([]);
  });
});
