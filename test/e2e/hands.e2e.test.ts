/**
 * Raise a hand (issue 16) in a real browser with two people: the operator raises a hand from
 * a ticket with the H key, the supervisor sees it on their panel without reloading, claims
 * it, they exchange two lines, the supervisor escalates and the escalation's brief is
 * pre-filled from the hand. Then the same screens in English, with a hand raised from the
 * queue with no ticket, and the wallboard. Screenshots go to test-results/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('hands');

describe.skipIf(!hasChromium)('raise a hand (real browser, two people)', () => {
  const h = useConsole('escalon-e2e-hands-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const context = (locale: string) => h.browser.newContext({ locale, timezoneId: 'Asia/Tokyo', viewport: { width: 1366, height: 900 } });

  it('operator raises, supervisor sees it live, claims, two lines, escalates with the brief pre-filled', { timeout: 180_000 }, async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const tickets = (await admin.call('GET', '/api/v1/tickets?limit=200')).body.items as { id: string; subject: string }[];
    const ticket = tickets.find((t) => t.subject === 'SSO 設定の手順を知りたい')!;

    const opCtx = await context('ja-JP');
    const svCtx = await context('ja-JP');
    const op = await newPage(opCtx);
    const sv = await newPage(svCtx);
    await signIn(sv, 'sato@demo.example');
    const panel = sv.getByRole('complementary', { name: '手上げ' });
    await panel.getByText('手上げはありません', { exact: false }).waitFor();
    // The panel sits below the top bar, whatever its height: it covers none of the bar's controls (sign-out was hidden under it).
    const [bar, box] = [await sv.locator('header.topbar').boundingBox(), await panel.boundingBox()];
    expect(box!.y).toBeGreaterThanOrEqual(bar!.y + bar!.height);
    await signIn(op, 'tanaka@demo.example');
    await op.goto(`${h.base}/tickets/${ticket.id}`);
    await op.getByRole('heading', { level: 1, name: 'SSO 設定の手順を知りたい' }).waitFor();

    // One key away: H opens the two-line form with the ticket attached.
    await op.keyboard.press('h');
    const form = op.getByRole('dialog', { name: /手を上げる/ });
    await form.getByText('結論から', { exact: false }).waitFor();
    await form.getByText(/#\d+/).waitFor();
    await form.getByLabel('種類').selectOption('technical');
    await form.getByLabel('判断してほしいこと').fill('SAML 手順書をお客様に送ってよいですか');
    await form.getByText('詳細（任意）').click();
    await form.getByLabel('試したこと').fill('ナレッジを検索したが社外向けの版がない');
    // The ticket's words for the customer's temperature (one vocabulary across the console).
    expect(await form.getByLabel('お客様の温度感').locator('option').allInnerTexts()).toEqual(expect.arrayContaining(['平静', '心配', '不満', '怒り']));
    await form.getByLabel('お客様の温度感').selectOption('upset');
    await shot(op, '80-hands-ja-form');
    await form.getByRole('button', { name: '手を上げる' }).click();
    await form.waitFor({ state: 'detached' });
    const opDock = op.getByRole('complementary', { name: '自分の手上げ' });
    await opDock.getByText('通知先：佐藤 花子').waitFor();
    await opDock.getByText('待機中', { exact: false }).first().waitFor().catch(() => undefined);
    await shot(op, '81-hands-ja-waiting');

    // The supervisor's panel shows it without a reload, with a claim button.
    await panel.getByText('SAML 手順書をお客様に送ってよいですか').waitFor({ timeout: 10_000 });
    await panel.getByText('あなたに通知').waitFor();
    await shot(sv, '82-hands-ja-panel');
    await panel.getByRole('button', { name: '対応する' }).click();
    const svDock = sv.getByRole('complementary', { name: '対応中の手上げ' });
    await svDock.getByText(/佐藤 花子 が \d+ 秒で対応開始/).waitFor();
    await opDock.getByText(/佐藤 花子 が \d+ 秒で対応開始/).waitFor({ timeout: 10_000 });

    // Two lines, one each way, seen at once on the other side.
    await opDock.getByPlaceholder('一言追加').fill('お客様は Azure AD を使っています');
    await opDock.getByRole('button', { name: '送信' }).click();
    await svDock.getByText('お客様は Azure AD を使っています').waitFor({ timeout: 10_000 });
    await svDock.getByPlaceholder('一言追加').pressSequentially('社外向けの版は');
    await opDock.getByText('佐藤 花子 が入力中…').waitFor({ timeout: 10_000 });
    await svDock.getByPlaceholder('一言追加').fill('社外向けの版はありません。L2 に確認します');
    await svDock.getByRole('button', { name: '送信' }).click();
    await opDock.getByText('社外向けの版はありません。L2 に確認します').waitFor({ timeout: 10_000 });
    await svDock.getByLabel('通話に参加').selectOption('whisper');
    await opDock.getByText(/通話に参加（ウィスパー）/).waitFor({ timeout: 10_000 });
    await shot(op, '83-hands-ja-thread-operator');
    await shot(sv, '84-hands-ja-thread-supervisor');

    // Escalate: the hand becomes an escalation with the brief pre-filled.
    await svDock.getByRole('button', { name: 'エスカレーション' }).click();
    await svDock.getByText('エスカレーション内容はこの手上げとスレッドから自動入力されます。').waitFor();
    await svDock.getByLabel('エスカレーション先').waitFor();
    await shot(sv, '85-hands-ja-escalate');
    await svDock.getByRole('button', { name: '確定' }).click();
    await svDock.getByRole('link', { name: 'エスカレーションを開く' }).waitFor({ timeout: 10_000 });
    await opDock.getByText('エスカレーション', { exact: true }).waitFor({ timeout: 10_000 });

    const hands = (await admin.call('GET', '/api/v1/hands?state=closed')).body.items;
    expect(hands[0]).toMatchObject({ outcome: 'escalated', ticketId: ticket.id });
    const esc = (await admin.call('GET', `/api/v1/escalations/${hands[0].escalationId}`)).body;
    expect(esc.brief).toMatchObject({ category: 'technical', ask: 'SAML 手順書をお客様に送ってよいですか', tried: 'ナレッジを検索したが社外向けの版がない', customerTemperature: 'upset' });
    expect(esc.brief.background).toContain('お客様は Azure AD を使っています');
    expect(esc.brief.background).toContain('社外向けの版はありません');
    await svDock.getByRole('link', { name: 'エスカレーションを開く' }).click();
    await sv.getByText('SAML 手順書をお客様に送ってよいですか').first().waitFor();
    await shot(sv, '86-hands-ja-escalation');

    // ---- English: John raises from the queue with no ticket; Sato reads in English.
    const satoApi = await apiSession(h.base, 'sato@demo.example');
    expect((await satoApi.call('PATCH', `/api/v1/users/${satoApi.userId}`, { locale: 'en' })).status).toBe(200);
    const enOp = await newPage(await context('en-US'));
    await signIn(enOp, 'john@demo.example');
    await enOp.getByRole('button', { name: /Raise hand/ }).click();
    const enForm = enOp.getByRole('dialog', { name: /Raise a hand/ });
    await enForm.getByText('No ticket yet', { exact: false }).waitFor();
    await enForm.getByText('Examples from the playbook').click();
    await enForm.getByRole('button', { name: /May I refund an order bought 40 days ago/ }).click();
    await shot(enOp, '87-hands-en-form');
    await enForm.getByRole('button', { name: 'Raise hand' }).click();
    await enForm.waitFor({ state: 'detached' });
    await enOp.getByRole('complementary', { name: 'My raised hand' }).getByText('Alerted: 佐藤 花子').waitFor();
    await shot(enOp, '88-hands-en-waiting');
    const enSv = await newPage(await context('en-US'));
    await signIn(enSv, 'sato@demo.example');
    const enPanel = enSv.getByRole('complementary', { name: 'Raised hands' });
    await enPanel.getByText('May I refund an order bought 40 days ago as an exception?').waitFor();
    await shot(enSv, '89-hands-en-panel');
    await enSv.goto(`${h.base}/wallboard`);
    await enSv.getByRole('heading', { name: /Floor wallboard/ }).waitFor();
    await enSv.getByRole('heading', { name: 'Supervisors' }).waitFor();
    await shot(enSv, '90-hands-en-wallboard');
    expect((await satoApi.call('PATCH', `/api/v1/users/${satoApi.userId}`, { locale: 'ja' })).status).toBe(200);
    await sv.goto(`${h.base}/wallboard`);
    await sv.getByRole('heading', { name: /ウォールボード/ }).waitFor();
    await shot(sv, '91-hands-ja-wallboard');

    // The administrator's settings: tiers, categories, examples, the temperature rule (audited).
    const adminPage = await newPage(await context('ja-JP'));
    await signIn(adminPage, 'admin@demo.example');
    await adminPage.goto(`${h.base}/admin/hands`);
    await adminPage.getByRole('heading', { name: '手上げの設定' }).waitFor();
    await adminPage.getByLabel('お客様の温度感を伝える位置').selectOption('first');
    await adminPage.getByRole('button', { name: '保存' }).click();
    await adminPage.getByText('保存しました。').waitFor();
    await shot(adminPage, '92-hands-ja-settings');
    // The hands panel's heading (title and count) keeps a gap to its buttons at 1366 px (the
    // administrator has the most: wallboard, settings, hide); it ran into them ("0 件待機中ウォールボード").
    const panelHead = adminPage.locator('.hands-panel-head');
    const count = (await panelHead.locator('h2 .muted').boundingBox())!;
    for (const b of await panelHead.locator('a, button').all()) {
      const box = (await b.boundingBox())!;
      const apart = count.x + count.width + 4 <= box.x || box.x + box.width + 4 <= count.x || count.y + count.height <= box.y || box.y + box.height <= count.y;
      expect(apart, `the count touches "${await b.innerText()}"`).toBe(true);
    }
    expect((await admin.call('GET', '/api/v1/hands/config')).body.temperaturePosition).toBe('first');
    expect(JSON.stringify((await admin.call('GET', '/api/v1/audit?action=hands.config_changed')).body)).toContain('hands.config_changed');
    expect((await admin.call('PATCH', `/api/v1/users/${admin.userId}`, { locale: 'en' })).status).toBe(200);
    await adminPage.reload();
    await adminPage.getByRole('heading', { name: 'Raise a hand: settings' }).waitFor();
    await shot(adminPage, '93-hands-en-settings');

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
