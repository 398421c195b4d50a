/**
 * Issue 15 §2 in a real browser: a new call (customer found by phone number) creating a phone
 * ticket with the call on its timeline, another call logged on it, and a ticket for a new customer
 * (ja and en). Screenshots go to test-results/screenshots/desk-*.png.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('desk');

describe.skipIf(!hasChromium)('help-desk basics (real browser)', () => {
  // Eleven sign-ins in this file: more than the default ten per minute per address.
  const h = useConsole('escalon-e2e-desk-', { ESCALON_LOGIN_RATE_LIMIT: '100' });
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const context = (locale: 'ja' | 'en') => h.browser.newContext({ locale: locale === 'ja' ? 'ja-JP' : 'en-US', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });

  it('creates a ticket from a new call and logs a second call on it (ja)', async () => {
    const page = await newPage(await context('ja'));
    await signIn(page, 'tanaka@demo.example');
    await page.getByRole('link', { name: '☎ 新規通話' }).click();
    await page.getByRole('heading', { level: 1, name: '新規通話' }).waitFor();
    // The caller is found by the number they call from.
    await page.getByLabel('お客様を検索').fill('090-1111');
    await page.getByRole('button', { name: '検索', exact: true }).click();
    await page.getByRole('button', { name: '選択: 小林 誠' }).click();
    await page.getByTestId('chosen-customer').getByText('お客様: 小林 誠').waitFor();
    await page.getByLabel('件名').fill('請求書の再発行');
    await page.getByLabel('分', { exact: true }).fill('4');
    await page.getByLabel('秒', { exact: true }).fill('5');
    await page.getByLabel('通話相手（名前または番号）').fill('小林 誠 (090-1111-2222)');
    await page.getByLabel('通話の要約').fill('11月分の請求書を再発行してほしいとのこと。本日中に送付と回答。');
    await shot(page, 'desk-new-call-ja');
    await page.getByRole('button', { name: 'チケットを作成して通話を記録' }).click();
    await page.getByRole('heading', { level: 1, name: '請求書の再発行' }).waitFor();
    await page.getByText('経由: 電話').or(page.getByText('電話')).first().waitFor();
    const call = page.locator('[data-kind="call.logged"]');
    await call.getByText('11月分の請求書を再発行してほしいとのこと。本日中に送付と回答。').waitFor();
    await call.getByText('通話相手: 小林 誠 (090-1111-2222)').waitFor();
    expect(await call.textContent()).toContain('4分 5秒');

    // A second call on the same ticket.
    await page.getByRole('button', { name: '☎ 通話を記録…' }).click();
    await page.locator('#log-call-direction').selectOption('outbound');
    await page.locator('#log-call-minutes').fill('1');
    await page.locator('#log-call-summary').fill('送付済みであることを電話で連絡。');
    await page.getByRole('button', { name: '通話を記録', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '通話をタイムラインに記録しました。' }).waitFor();
    await expect.poll(() => page.locator('[data-kind="call.logged"]').count()).toBe(2);
    await shot(page, 'desk-ticket-calls-ja');

    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const list = await tanaka.call('GET', '/api/v1/tickets?assignee=me&channel=phone&limit=5');
    expect(list.body.items[0]).toMatchObject({ subject: '請求書の再発行', channel: 'phone', assigneeId: tanaka.userId });
  });

  it('creates a ticket for a new customer, refusing without one (en)', async () => {
    const page = await newPage(await context('en'));
    await signIn(page, 'john@demo.example');
    await page.getByRole('link', { name: '+ New ticket' }).click();
    await page.getByRole('heading', { level: 1, name: 'New ticket' }).waitFor();
    await page.getByLabel('Subject').fill('Cannot export the monthly report');
    await page.getByRole('button', { name: 'Create ticket' }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose a customer or enter a new one.' }).waitFor();
    await page.getByRole('button', { name: '+ New customer' }).click();
    await page.getByLabel('Name').fill('Oliver Stone');
    await page.getByLabel('Email (optional)').fill('oliver@stone.example');
    await page.getByLabel('Inquiry').fill('The export button does nothing since Monday.');
    await shot(page, 'desk-new-ticket-en');
    await page.getByRole('button', { name: 'Create ticket' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cannot export the monthly report' }).waitFor();
    await page.getByText('The export button does nothing since Monday.').waitFor();
    await page.locator('.customer-card').getByText('Oliver Stone').first().waitFor();
    await shot(page, 'desk-new-ticket-created-en');
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('changes 20 tickets from the queue in one go and lists the one that could not change (ja, then en)', async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) ids.push((await admin.call('POST', '/api/v1/tickets', { subject: `一括テスト ${i + 1}`, assigneeId: tanaka.userId, requesterEmail: 'bulk@example.test' })).body.id);
    const page = await newPage(await context('ja'));
    await signIn(page, 'tanaka@demo.example');
    await page.getByLabel('検索', { exact: true }).fill('一括テスト');
    await page.getByRole('button', { name: '検索', exact: true }).click();
    await expect.poll(() => page.locator('table.queue-table tbody tr').count()).toBe(21);
    await page.getByLabel('表示中のチケットをすべて選択').check();
    await page.getByText('21 件選択中').waitFor();
    // Someone closes one of them meanwhile: it is reported, the other 20 change.
    const closed = (await admin.call('PATCH', `/api/v1/tickets/${ids[4]}`, { status: 'closed' })).body;
    await page.locator('#bulk-priority').selectOption('urgent');
    await page.locator('#bulk-status').selectOption('pending');
    await page.locator('#bulk-add-tags').fill('一括, campaign');
    await shot(page, 'desk-bulk-bar-ja');
    await page.getByRole('button', { name: '21 件に適用' }).click();
    const outcome = page.getByTestId('bulk-outcome');
    await outcome.getByText('変更: 20 件 · 変更不要: 0 件 · 変更できず: 1 件').waitFor();
    await outcome.getByText(`#${closed.number}`).waitFor();
    await outcome.getByText('クローズ済みか、同時に他の人が変更しました').waitFor();
    await page.getByText('1 件選択中').waitFor();
    await shot(page, 'desk-bulk-done-ja');
    for (const id of ids.filter((_, i) => i !== 4)) {
      const t = (await tanaka.call('GET', `/api/v1/tickets/${id}`)).body;
      expect(t).toMatchObject({ priority: 'urgent', status: 'pending', tags: ['campaign', '一括'] });
    }
    const tl = (await tanaka.call('GET', `/api/v1/tickets/${ids[0]}/timeline`)).body.items.filter((e: { kind: string }) => e.kind === 'field.changed');
    expect(tl.map((e: { data: { field: string } }) => e.data.field).sort()).toEqual(['priority', 'status', 'tags']);

    // English: the bar speaks English, and unassigning works.
    const en = await newPage(await context('en'));
    await signIn(en, 'john@demo.example');
    await en.goto(`${h.base}/queues/all`);
    await en.getByLabel('Search', { exact: true }).fill('一括テスト');
    await en.getByRole('button', { name: 'Search', exact: true }).click();
    await en.locator('#q-status').selectOption('any');
    await expect.poll(() => en.locator('table.queue-table tbody tr').count()).toBe(21);
    await en.getByLabel(`Select #${closed.number + 1}`).check();
    await en.getByLabel(`Select #${closed.number - 1}`).check();
    await en.locator('#bulk-assignee').selectOption({ label: 'Nobody (unassign)' });
    await shot(en, 'desk-bulk-bar-en');
    await en.getByRole('button', { name: 'Apply to 2 tickets' }).click();
    await en.getByTestId('bulk-outcome').getByText('Changed: 2 · already so: 0 · not changed: 0').waitFor();
    await shot(en, 'desk-bulk-done-en');
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('merges a duplicate into the original (ja), and across customers only when confirmed (en)', async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const original = (await admin.call('POST', '/api/v1/tickets', { subject: 'ログインできません', description: '朝からログインできません。', requesterEmail: 'dup@kaede.example', requesterName: '加藤 由美', assigneeId: tanaka.userId })).body;
    const dup = (await admin.call('POST', '/api/v1/tickets', { subject: 'ログインの件（再送）', description: 'まだログインできません。至急お願いします。', requesterEmail: 'dup@kaede.example', assigneeId: tanaka.userId })).body;
    const page = await newPage(await context('ja'));
    await signIn(page, 'tanaka@demo.example');
    await page.goto(`${h.base}/tickets/${dup.id}`);
    await page.getByRole('button', { name: '別のチケットに統合…' }).click();
    await page.getByLabel('チケット番号').fill(`#${original.number}`);
    await page.getByRole('button', { name: '検索', exact: true }).click();
    await page.getByTestId('merge-target').getByText('ログインできません').waitFor();
    await shot(page, 'desk-merge-find-ja');
    await page.getByRole('button', { name: `#${dup.number} を #${original.number} に統合` }).click();
    await page.getByRole('heading', { level: 1, name: 'ログインできません' }).waitFor();
    await page.getByTestId('merged-from').getByText(`#${dup.number} から統合`).first().waitFor();
    await page.getByText('まだログインできません。至急お願いします。').waitFor();
    await page.getByText(`が #${dup.number} をこのチケットに統合しました（メッセージ 1 件）。`).waitFor();
    await shot(page, 'desk-merge-target-ja');
    await page.goto(`${h.base}/tickets/${dup.id}`);
    await page.getByTestId('merged-banner').getByRole('link', { name: `#${original.number} ログインできません` }).waitFor();
    const byOld = await tanaka.call('GET', `/api/v1/tickets/by-number/${dup.number}`);
    expect(byOld.body.ticket.id).toBe(original.id);

    const a = (await admin.call('POST', '/api/v1/tickets', { subject: 'Invoice question', description: 'Anna asks about the invoice.', requesterEmail: 'anna.smith@northwind.example' })).body;
    const b = (await admin.call('POST', '/api/v1/tickets', { subject: 'Invoice for Northwind', requesterEmail: 'dbrown@northwind.example' })).body;
    const en = await newPage(await context('en'));
    await signIn(en, 'john@demo.example');
    await en.goto(`${h.base}/tickets/${a.id}`);
    await en.getByRole('button', { name: 'Merge into another ticket…' }).click();
    await en.getByLabel('Ticket number').fill(String(b.number));
    await en.getByRole('button', { name: 'Find', exact: true }).click();
    await en.getByRole('button', { name: `Merge #${a.number} into #${b.number}` }).click();
    await en.getByRole('alert').getByText(`#${a.number} (Anna Smith) and #${b.number} (David Brown) are of different customers.`, { exact: false }).waitFor();
    expect(await en.getByRole('button', { name: `Merge #${a.number} into #${b.number}` }).isDisabled()).toBe(true);
    await en.getByLabel('Yes, merge tickets of different customers').check();
    await shot(en, 'desk-merge-confirm-en');
    await en.getByRole('button', { name: `Merge #${a.number} into #${b.number}` }).click();
    await en.getByRole('heading', { level: 1, name: 'Invoice for Northwind' }).waitFor();
    await en.getByTestId('merged-from').getByText(`from #${a.number}`).first().waitFor();
    await shot(en, 'desk-merge-target-en');
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
