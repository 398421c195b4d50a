/**
 * Issue 15 §2 in a real browser: a shared macro applied in Japanese from the composer (rendered
 * for the Japanese requester, its field changes made when the reply is sent), and the macros
 * screen in Japanese and English. Screenshots go to test-results/screenshots/ (git-ignored).
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('macros');

describe.skipIf(!hasChromium)('macros (real browser)', () => {
  const h = useConsole('escalon-e2e-macros-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const context = (locale: string) => h.browser.newContext({ locale, timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });

  it('applies a shared macro in Japanese from the composer; manages macros in ja and en', { timeout: 120_000 }, async () => {
    const sv = await apiSession(h.base, 'sato@demo.example');
    const macro = await sv.call('POST', '/api/v1/macros', {
      name: 'プリンタ再起動のご案内 / Printer restart',
      bodyJa: '{{customer.name}} 様\n\nお問い合わせ #{{ticket.number}} について、担当の {{agent.name}} です。\nプリンタの電源を切り、30 秒後に入れ直してください。',
      bodyEn: 'Dear {{customer.name}},\n\nabout your request #{{ticket.number}}: please switch the printer off and on again after 30 seconds.\n{{agent.name}}',
      changes: { status: 'pending', addTags: ['printer'] },
      scope: 'shared',
    });
    expect(macro.status, JSON.stringify(macro.body)).toBe(201);
    const customer = await sv.call('POST', '/api/v1/customers', { name: '鈴木 <i>次郎</i>', email: 'e2e-macro@example.jp', locale: 'ja' });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    const ticket = await sv.call('POST', '/api/v1/tickets', { subject: 'プリンタが印刷しない', description: '印刷ボタンを押しても何も出ません', requesterId: customer.body.id });
    expect(ticket.status).toBe(201);

    const ja = await context('ja-JP');
    const page = await newPage(ja);
    await signIn(page, 'tanaka@demo.example');
    await page.goto(`${h.base}/tickets/${ticket.body.id}`);
    await page.getByRole('heading', { level: 1, name: 'プリンタが印刷しない' }).waitFor();
    await page.getByTestId('macro-button').click();
    await page.getByRole('searchbox', { name: 'マクロを検索' }).fill('プリンタ');
    await page.locator('.article-picks li', { hasText: 'プリンタ再起動のご案内' }).getByRole('button', { name: '挿入' }).click();
    await expect.poll(() => page.locator('#composer-body').inputValue()).toContain(`鈴木 <i>次郎</i> 様`);
    const body = await page.locator('#composer-body').inputValue();
    expect(body).toContain(`お問い合わせ #${ticket.body.number} について、担当の 田中 一郎 です。`);
    await page.getByTestId('macro-changes').waitFor();
    expect(await page.getByTestId('macro-changes').innerText()).toContain('ステータス → お客様返答待ち');
    await shot(page, '96-macro-inserted-ja');
    await page.getByRole('button', { name: '返信を送信', exact: true }).click();
    await expect.poll(async () => (await sv.call('GET', `/api/v1/tickets/${ticket.body.id}`)).body.status).toBe('pending');
    expect((await sv.call('GET', `/api/v1/tickets/${ticket.body.id}`)).body.tags).toContain('printer');
    await shot(page, '97-macro-sent-ja');

    await page.goto(`${h.base}/macros`);
    await page.getByRole('heading', { level: 1, name: 'マクロ' }).waitFor();
    // One main landmark (the shell's): the page inside it is no second <main id="main">.
    expect(await page.locator('main').count()).toBe(1);
    await page.locator('.article-item', { hasText: 'プリンタ再起動のご案内' }).waitFor();
    await page.getByRole('button', { name: '新しいマクロ' }).click();
    await page.getByLabel('名前').fill('お礼');
    await page.getByLabel('日本語の本文').fill('{{customer.name}} 様、ありがとうございました。');
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('.article-item', { hasText: 'お礼' }).waitFor();
    await shot(page, '98-macros-ja');

    const en = await context('en-US');
    const p2 = await newPage(en);
    await signIn(p2, 'john@demo.example');
    await p2.goto(`${h.base}/macros`);
    await p2.getByRole('heading', { level: 1, name: 'Macros' }).waitFor();
    await p2.locator('.article-item', { hasText: 'Printer restart' }).waitFor();
    // Tanaka's personal macro is not John's.
    expect(await p2.locator('.article-item', { hasText: 'お礼' }).count()).toBe(0);
    await p2.getByRole('button', { name: 'New macro' }).click();
    await shot(p2, '99-macros-en');

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
