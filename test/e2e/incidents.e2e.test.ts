/**
 * Major incidents in a real browser (issue 17): a supervisor declares an incident from two
 * tickets in Japanese, posts an update in both languages, the linked ticket shows the banner,
 * an English supervisor reads the incident page, and the public status page shows it in
 * Japanese and English. Screenshots under test-results/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('incidents');

describe.skipIf(!hasChromium)('major incidents console (real browser)', () => {
  const h = useConsole('escalon-e2e-incidents-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('declares, posts an update, shows the banner, and the status page in both languages', async () => {
    const manager = await apiSession(h.base, 'yamamoto@demo.example');
    const svc = await manager.call('POST', '/api/v1/services', { nameJa: 'ログイン', nameEn: 'Login' });
    expect(svc.status).toBe(201);
    await manager.call('POST', '/api/v1/services', { nameJa: '請求', nameEn: 'Billing' });
    const tickets = (await manager.call('GET', '/api/v1/tickets?limit=2&status=open&status=new')).body.items as { id: string; number: number }[];
    expect(tickets.length).toBe(2);

    const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
    const page = await newPage(ctx);
    // The incident page does not ask for an RCA before there is one (that answered 404 on every load).
    const rcaAsks: string[] = [];
    page.on('request', (r) => {
      if (/\/api\/v1\/incidents\/[^/]+\/rca$/.test(new URL(r.url()).pathname) && r.method() === 'GET') rcaAsks.push(r.url());
    });
    await signIn(page, 'sato@demo.example');
    await page.getByRole('link', { name: '重大障害', exact: true }).click();
    await page.getByRole('button', { name: '重大障害を宣言' }).click();
    const form = page.getByRole('form', { name: '重大障害を宣言する' });
    await form.getByLabel('タイトル').fill('ログイン障害');
    await form.getByLabel('重大度').selectOption('SEV1');
    await form.getByLabel('チケット番号（カンマ区切り）').fill(tickets.map((t) => t.number).join(', '));
    await form.getByLabel('影響を受けるサービス').selectOption({ label: 'ログイン' });
    await form.getByLabel('概要').fill('一部のお客様がログインできません。');
    await shot(page, 'inc01-declare-ja');
    await form.getByRole('button', { name: '宣言する' }).click();
    await page.getByRole('heading', { name: /ログイン障害/ }).waitFor();
    await page.getByText('関連 2 件、未解決 2 件').first().waitFor();
    await page.getByRole('region', { name: '次回の更新' }).waitFor();
    // One linked ticket needs personal follow-up: the box stays ticked (it is saved, and shown at once).
    const followUp = page.getByLabel('個別対応（解決時に自動で解決しない）').first();
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && /\/api\/v1\/incidents\/.+\/tickets\//.test(r.url()));
    await followUp.check();
    expect((await saved).ok()).toBe(true);
    await page.reload();
    await expect.poll(() => page.getByLabel('個別対応（解決時に自動で解決しない）').first().isChecked()).toBe(true);
    await page.getByLabel('個別対応（解決時に自動で解決しない）').first().uncheck();
    await expect.poll(() => page.getByLabel('個別対応（解決時に自動で解決しない）').first().isChecked()).toBe(false);
    // Tiers, languages and units in Japanese, not as the API's codes.
    await page.getByLabel('次回の更新予定（分後）').waitFor();
    await page.getByLabel('期限（分後）').waitFor();
    expect(await page.getByLabel('このランクの顧客をすべて追加').locator('option').allInnerTexts()).toEqual(['プラチナ', 'ゴールド', 'シルバー', 'スタンダード']);
    await page.getByRole('region', { name: 'タイムライン' }).getByText('チケットを個別対応にしました', { exact: false }).first().waitFor();
    const incidentText = await page.locator('main').innerText();
    expect(incidentText).not.toMatch(/ticket\.(excluded|included)/);
    expect(incidentText).not.toMatch(/ · (platinum|gold|silver|standard|ja|en)\b|\((ja|en)\)|\(min\)/);
    await shot(page, 'inc02-incident-ja');

    const composer = page.getByRole('form', { name: '更新を投稿' });
    await composer.getByLabel('日本語').fill('ログインできない事象を調査しています。');
    await composer.getByLabel('英語').fill('We are investigating failed logins.');
    await composer.getByRole('button', { name: '更新を投稿' }).click();
    await page.getByText('更新を投稿しました。関連チケットへの返信を送信しています。').waitFor();
    await page.getByRole('region', { name: '更新履歴' }).getByText('ログインできない事象を調査しています。').waitFor();
    await shot(page, 'inc03-update-posted-ja');
    expect(rcaAsks).toEqual([]);

    await page.goto(`${h.base}/tickets/${tickets[0]!.id}`);
    await page.getByRole('note').filter({ hasText: '重大障害 SEV1 に関連: ログイン障害' }).waitFor();
    await page.getByRole('note').getByText(/ログインできない事象を調査しています。/).waitFor();
    await shot(page, 'inc04-ticket-banner-ja');
    await ctx.close();

    const enCtx = await h.browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 1280, height: 900 } });
    const en = await newPage(enCtx);
    await signIn(en, 'emily@demo.example');
    await en.getByRole('link', { name: 'Incidents', exact: true }).click();
    await en.getByRole('link', { name: 'ログイン障害' }).click();
    await en.getByRole('region', { name: 'Task force' }).waitFor();
    await en.getByText('We are investigating failed logins.').waitFor();
    await shot(en, 'inc05-incident-en');
    await enCtx.close();

    for (const [locale, lang, expected] of [
      ['ja-JP', 'ja', ['サービス稼働状況', '障害が発生しています', '停止', 'ログインできない事象を調査しています。']],
      ['en-US', 'en', ['Service status', 'An incident is in progress', 'Major outage', 'We are investigating failed logins.']],
    ] as const) {
      const pub = await h.browser.newContext({ locale, viewport: { width: 1000, height: 900 } });
      const p = await newPage(pub);
      await p.goto(`${h.base}/status`);
      // Headless Chromium fetches no favicons: the page names its icon, and the icon is there.
      const href = await p.locator('link[rel="icon"]').getAttribute('href');
      const icon = await p.request.get(new URL(href ?? '/favicon.ico', h.base).toString());
      expect(icon.status()).toBe(200);
      expect(icon.headers()['content-type']).toContain('image/svg+xml');
      for (const text of expected) await p.getByText(text).first().waitFor();
      expect(await p.locator('html').getAttribute('lang')).toBe(lang);
      // The headline follows the ongoing SEV1, not only the services.
      expect(await p.locator('.banner').getAttribute('class')).toBe('banner bad');
      expect(await p.getByText(lang === 'ja' ? 'すべてのサービスは正常に稼働しています' : 'All services are operating normally').count()).toBe(0);
      await shot(p, `inc06-status-${lang}`);
      await pub.close();
    }
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('declares an incident from tickets selected in the queue (ja), and offers it in English', async () => {
    const manager = await apiSession(h.base, 'yamamoto@demo.example');
    const tickets: { id: string; number: number }[] = [];
    for (const n of [1, 2]) {
      const r = await manager.call('POST', '/api/v1/tickets', { subject: `請求書メールが届かない invoicedelay no.${n}`, description: '今月の請求書メールが届きません。', requesterEmail: `billing${n}@customer.example` });
      expect(r.status).toBe(201);
      tickets.push(r.body);
    }

    const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
    const page = await newPage(ctx);
    await signIn(page, 'sato@demo.example');
    await page.goto(`${h.base}/queues/all?q=invoicedelay`);
    for (const x of tickets) await page.getByRole('checkbox', { name: `#${x.number} を選択` }).check();
    await page.getByRole('button', { name: '選択した 2 件で重大障害を宣言' }).click();
    const form = page.getByRole('form', { name: '重大障害を宣言する' });
    expect(await form.getByLabel('チケット番号（カンマ区切り）').inputValue()).toBe(tickets.map((x) => x.number).join(','));
    await form.getByLabel('タイトル').fill('請求書メールの遅延');
    await form.getByLabel('重大度').selectOption('SEV3');
    await shot(page, 'inc07-declare-from-queue-ja');
    await form.getByRole('button', { name: '宣言する' }).click();
    await page.getByRole('heading', { name: /請求書メールの遅延/ }).waitFor();
    await page.getByText('関連 2 件、未解決 2 件').first().waitFor();
    await shot(page, 'inc08-declared-from-queue-ja');
    await ctx.close();

    const enCtx = await h.browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London', viewport: { width: 1280, height: 900 } });
    const en = await newPage(enCtx);
    await signIn(en, 'emily@demo.example');
    await en.goto(`${h.base}/queues/all?q=invoicedelay`);
    await en.getByRole('checkbox', { name: `Select #${tickets[0]!.number}` }).check();
    await en.getByRole('button', { name: 'Declare a major incident from 1 ticket' }).waitFor();
    await shot(en, 'inc09-queue-declare-en');
    await enCtx.close();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
