/**
 * The agent and receiver side of the console in a real browser: a ticket's SLA countdown,
 * escalating with a brief (a missing required field first), the receiver acknowledging from
 * "escalations to me", new tickets appearing in the queue live, and an SLA breach appearing on
 * an open ticket page without reload (the server's worker runs the timers on the real clock).
 * Screenshots go to test-results/screenshots/ (git-ignored).
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('escalation');

const level = (name: string, targets: unknown[], extra: Record<string, unknown> = {}) => ({
  name,
  kind: 'functional',
  targets,
  contact: { department: '請求 / Billing', person: '高橋 健', phone: '03-1234-5610', email: 'billing@demo.example' },
  ackTimeoutSeconds: 300,
  calendarId: null,
  onTimeout: { advance: true, repeatReminders: 1, reminderIntervalSeconds: 120 },
  requiredBriefFields: [],
  ...extra,
});

describe.skipIf(!hasChromium)('escalations and SLA in the console (real browser)', () => {
  const h = useConsole('escalon-e2e-esc-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const japanese = () => h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 860 } });

  it('shows the SLA countdown, escalates with a brief, and lets the receiver acknowledge', { timeout: 120_000 }, async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const takahashi = await apiSession(h.base, 'takahashi@demo.example');
    const teams = await admin.call('GET', '/api/v1/teams?limit=200');
    const billing = (teams.body.items as { id: string; name: string }[]).find((t) => t.name === '請求 / Billing')!;
    expect(billing).toBeTruthy();

    // A 24/7 SLA policy with a short first response, for tickets tagged e2e-sla.
    const policy = await admin.call('POST', '/api/v1/sla-policies', {
      name: 'E2E 短期 SLA',
      position: 0,
      conditions: { tags: ['e2e-sla'] },
      targets: { normal: { firstResponse: { seconds: 120, calendarId: null }, resolution: { seconds: 3600, calendarId: null } } },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);

    // An escalation path: L1 the Billing team (5 minutes to acknowledge), L2 the administrator.
    const path = await admin.call('POST', '/api/v1/escalation-paths', {
      name: '請求の相談 / Billing questions',
      purpose: '請求・契約に関する判断を請求チームに依頼する',
      ownerId: admin.userId,
      reviewIntervalDays: 90,
      active: true,
      conditions: { categories: [], products: [], tags: ['e2e-esc'], tagMode: 'any', priorities: [], channels: [], customerTiers: [], customerTemperatures: [], keywords: [] },
      levels: [level('L1 請求チーム', [{ type: 'team', teamId: billing.id }], { requiredBriefFields: ['ask', 'tried'] }), level('L2 管理者', [{ type: 'user', userId: admin.userId }])],
      fallbackUserIds: [admin.userId],
      fallbackTeamId: null,
    });
    expect(path.status, JSON.stringify(path.body)).toBe(201);

    const created = await admin.call('POST', '/api/v1/tickets', {
      subject: '契約更新後の請求額が二重になっている',
      description: '今月の請求書に同じ明細が 2 行あります。至急確認してください。',
      priority: 'normal',
      temperature: 'upset',
      tags: ['e2e-sla', 'e2e-esc'],
      requesterEmail: 'kobayashi@example.jp',
      requesterName: '小林 美咲',
      assigneeId: tanaka.userId,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ticketId = created.body.id as string;

    // ---- the agent, in Japanese
    const ctx = await japanese();
    const page = await newPage(ctx);
    await signIn(page, 'tanaka@demo.example');
    await page.getByRole('link', { name: '自分の担当' }).waitFor();
    await page.getByRole('link', { name: '契約更新後の請求額が二重になっている' }).waitFor();

    // A new ticket appears in the queue without reloading (server-sent events).
    const live = await admin.call('POST', '/api/v1/tickets', { subject: 'ライブ更新の確認チケット', description: '新着', priority: 'normal', requesterEmail: 'live@example.jp', assigneeId: tanaka.userId });
    expect(live.status).toBe(201);
    await page.getByRole('link', { name: 'ライブ更新の確認チケット' }).waitFor({ timeout: 10_000 });
    await shot(page, '20-queue-live-new-ticket');

    // The other tabs: SLA at risk lists the ticket whose first response is due within the hour.
    await page.getByRole('link', { name: 'SLA 期限間近' }).click();
    // One row per clock at risk: first response (2 minutes) and resolution (1 hour).
    await page.getByRole('link', { name: '契約更新後の請求額が二重になっている' }).first().waitFor();
    await shot(page, '21-queue-sla-at-risk');

    // The ticket: its SLA clocks tick every second.
    await page.getByRole('link', { name: '契約更新後の請求額が二重になっている' }).first().click();
    await page.getByRole('heading', { level: 1, name: '契約更新後の請求額が二重になっている' }).waitFor();
    const firstResponse = page.locator('[data-testid=sla-clock][data-kind=first_response]');
    await firstResponse.waitFor();
    expect(await firstResponse.getAttribute('data-state')).toBe('running');
    await expect.poll(() => firstResponse.textContent()).toContain('初回応答');
    const before = await firstResponse.locator('[data-testid=sla-countdown]').textContent();
    expect(before).toMatch(/残り/);
    await expect.poll(() => firstResponse.locator('[data-testid=sla-countdown]').textContent(), { timeout: 5000 }).not.toBe(before);
    await page.getByText('SLA ポリシー「E2E 短期 SLA」が適用されました。').waitFor();
    await shot(page, '22-ticket-sla-countdown');

    // Escalate: the dialog opens with the first field focused, suggests the path, names the receiver and the deadline.
    await page.getByRole('button', { name: /エスカレーション/ }).click();
    const dialog = page.getByRole('dialog', { name: /をエスカレーション/ });
    await dialog.waitFor();
    await dialog.getByTestId('receiver-card').getByText(/受け手: .*高橋 健/).waitFor();
    await dialog.getByText(/までに受領が必要です/).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('esc-path');
    expect(await dialog.getByLabel('エスカレーションパス').inputValue()).toBe(path.body.id);

    // Escape closes it and focus returns to the button; open it again.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('escalate-button'))).toBe(true);
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await dialog.getByTestId('receiver-card').waitFor();

    // Required fields: leaving "what do you need" empty is refused with a message next to it.
    await dialog.getByLabel(/^何をしてほしいか/).fill('');
    await dialog.getByLabel(/^試したこと/).fill('請求明細を確認し、二重計上を確認しました。');
    await dialog.getByRole('button', { name: 'エスカレーションする' }).click();
    await dialog.locator('#esc-ask-error').getByText('入力してください。').waitFor();
    expect(await dialog.getByLabel(/^何をしてほしいか/).getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('esc-ask');
    await shot(page, '23-escalate-dialog-missing-field');

    await dialog.getByLabel(/^何をしてほしいか/).fill('二重請求分の返金可否を判断してください');
    await dialog.getByLabel('懸念点').fill('お客様が解約を検討されています');
    await dialog.getByLabel('影響範囲').selectOption('this_customer');
    await dialog.getByLabel('売上リスクあり').check();
    await shot(page, '24-escalate-dialog-filled');
    await dialog.getByRole('button', { name: 'エスカレーションする' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('エスカレーションしました。受け手に通知しました。').waitFor();
    await page.getByText(/田中 一郎 がエスカレーションしました/).waitFor();
    await page.getByTestId('ticket-escalation').getByText('受領待ち').waitFor();
    await shot(page, '25-ticket-escalated');

    // Escalated by me.
    await page.getByRole('link', { name: 'キュー' }).first().click();
    await page.getByRole('link', { name: '自分がエスカレーション' }).click();
    await page.getByRole('link', { name: '二重請求分の返金可否を判断してください' }).waitFor();

    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.locator('#signin-email').waitFor();

    // ---- the receiver
    await signIn(page, 'takahashi@demo.example');
    // The bell shows the unread escalation notification.
    await expect.poll(async () => (await takahashi.call('GET', '/api/v1/notifications')).body.unread, { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByTestId('notification-bell').and(page.locator('[aria-label*="未読"]')).waitFor({ timeout: 10_000 });
    await page.getByTestId('notification-bell').click();
    await page.getByRole('region', { name: '通知' }).waitFor();
    await shot(page, '26-notification-centre');
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: '自分宛てのエスカレーション' }).first().click();
    await page.getByRole('link', { name: '二重請求分の返金可否を判断してください' }).waitFor();
    await shot(page, '27-queue-escalated-to-me');
    await page.getByRole('link', { name: '二重請求分の返金可否を判断してください' }).click();

    // The brief first, with the time left to acknowledge ticking.
    const brief = page.getByTestId('brief');
    await brief.getByText('二重請求分の返金可否を判断してください').waitFor();
    await brief.getByText('請求明細を確認し、二重計上を確認しました。').waitFor();
    const countdown = page.getByTestId('ack-countdown').first();
    await countdown.getByText(/受領期限まで残り/).waitFor();
    const t0 = await countdown.textContent();
    await expect.poll(() => countdown.textContent(), { timeout: 5000 }).not.toBe(t0);
    await shot(page, '28-escalation-to-me');

    await page.getByRole('button', { name: '受領する' }).click();
    await page.getByText('受領しました。担当者に通知しました。').waitFor();
    await page.getByText('受領済み', { exact: true }).first().waitFor();

    // Acknowledging twice is refused by the server (409) and explained in words.
    const again = await takahashi.call('POST', `/api/v1/escalations/${(await takahashi.call('GET', `/api/v1/escalations?ticketId=${ticketId}`)).body.items[0].id}/acknowledge`, {});
    expect([200, 409]).toContain(again.status);

    // The return form: a reason select and text; text is required.
    await page.getByRole('button', { name: '差し戻す…' }).click();
    await page.getByRole('button', { name: '差し戻す', exact: true }).click();
    await page.locator('#esc-return-text-error').waitFor();
    await page.getByLabel('理由').selectOption('missing_information');
    await shot(page, '29-escalation-acknowledged');
    await page.getByRole('button', { name: '差し戻す…' }).click();

    // The timeline of the ticket says who acknowledged.
    await page.getByRole('link', { name: /チケット #\d+ を開く/ }).click();
    await page.getByText('高橋 健 がエスカレーションを受領しました。').waitFor();
    await shot(page, '30-ticket-timeline-acknowledged');

    // Before answering, the receiver asks a question without returning the escalation.
    await page.goBack();
    const thread = page.getByTestId('esc-thread');
    await thread.getByLabel('依頼者に質問（依頼者に通知されます）').fill('請求書番号を教えてください。');
    await thread.getByRole('button', { name: '質問する' }).click();
    await thread.getByText('請求書番号を教えてください。').waitFor();
    await thread.getByText('質問', { exact: true }).waitFor();
    await shot(page, '29b-escalation-question');

    // The receiver resolves with the answer: required for a functional escalation.
    await page.getByRole('button', { name: '解決する', exact: true }).click();
    await page.getByRole('button', { name: '回答を送って解決する' }).click();
    await page.locator('#esc-answer-error').waitFor();
    await page.getByLabel(/エスカレーション元への回答/).fill('二重請求分 3,000 円の返金を承認します。本日中に返金処理します。');
    await page.getByRole('button', { name: '回答を送って解決する' }).click();
    await page.getByTestId('esc-answer').getByText('二重請求分 3,000 円の返金を承認します。').waitFor();
    await shot(page, '30a-escalation-resolved-with-answer');
    // The answer becomes a knowledge article from here: pre-filled, opened on the knowledge page.
    await page.getByRole('button', { name: '回答を記事にする' }).click();
    await page.getByTestId('linked-article').getByText('二重請求分 3,000 円の返金を承認します。', { exact: false }).waitFor();
    await shot(page, '30aa-article-from-answer');

    // The person who escalated sees the answer and owes the customer a reply.
    await page.getByRole('button', { name: 'サインアウト' }).click();
    await page.locator('#signin-email').waitFor();
    await signIn(page, 'tanaka@demo.example');
    await page.goto(`${h.base}/queues/awaiting-reply`);
    const awaiting = page.getByTestId('awaiting-reply');
    await awaiting.getByText('二重請求分 3,000 円の返金を承認します。').waitFor();
    await shot(page, '30b-queue-awaiting-reply');
    // …and was told it in words, the answer included (in-app; email by the same template).
    await expect
      .poll(async () => ((await tanaka.call('GET', '/api/v1/notifications?limit=50')).body.items as { event: string; body: string }[]).find((n) => n.event === 'escalation.resolved')?.body ?? '', { timeout: 10_000 })
      .toContain('二重請求分 3,000 円の返金を承認します。');
    await page.goto(`${h.base}/tickets/${ticketId}`);
    await page.getByTestId('ticket-escalation-answer').getByText('二重請求分 3,000 円の返金を承認します。').waitFor();
    await shot(page, '30c-ticket-escalation-answer');

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    await ctx.close();
  });

  it('shows an SLA breach live on an open ticket page', { timeout: 90_000 }, async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const policy = await admin.call('POST', '/api/v1/sla-policies', {
      name: 'E2E 5 秒',
      position: 0,
      conditions: { tags: ['e2e-breach'] },
      targets: { normal: { firstResponse: { seconds: 8, calendarId: null } } },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);

    const ctx = await japanese();
    const page = await newPage(ctx);
    await signIn(page, 'tanaka@demo.example');
    const created = await admin.call('POST', '/api/v1/tickets', { subject: 'SLA 違反のライブ表示', description: '至急', priority: 'normal', tags: ['e2e-breach'], requesterEmail: 'breach@example.jp', assigneeId: tanaka.userId });
    expect(created.status).toBe(201);
    await page.goto(`${h.base}/tickets/${created.body.id}`);
    const clock = page.locator('[data-testid=sla-clock][data-kind=first_response]');
    await clock.waitFor();
    await clock.getByTestId('sla-countdown').waitFor();
    await shot(page, '31-ticket-before-breach');

    // No reload: the page learns of the breach by itself.
    await page.locator('[data-testid=sla-clock][data-kind=first_response][data-state=breached]').waitFor({ timeout: 45_000 });
    await clock.getByText('違反').first().waitFor();
    await shot(page, '32-ticket-breached-live');
    await page.getByText(/SLA 違反: 初回応答の期限/).waitFor({ timeout: 15_000 });

    // English: the same sentences and states, translated.
    await page.getByRole('combobox', { name: '言語' }).selectOption('en');
    await page.getByText(/SLA breached: First response was due/).waitFor();
    await clock.getByText('Breached').first().waitFor();
    await shot(page, '33-ticket-breached-english');

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    await ctx.close();
  });
});
