/**
 * The web console in a real browser: sign in (Japanese), work a ticket, see hostile text rendered
 * as text, switch language, and visit the administration screens. Screenshots of each main
 * screen go to test-results/screenshots/ (git-ignored) for a human to look at.
 */
import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, PASSWORD, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('console');

const HOSTILE = 'プリンター故障 <img src=x onerror=alert(1)> 至急';

describe.skipIf(!hasChromium)('web console (real browser)', () => {
  const h = useConsole('escalon-e2e-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const newContext = (opts: Parameters<typeof h.browser.newContext>[0]): Promise<BrowserContext> => h.browser.newContext(opts);

  it('serves the console (index, assets, deep links) to visitors who are not signed in yet', async () => {
    const index = await fetch(h.base + '/', { headers: { accept: 'text/html' } });
    expect(index.status, 'GET / must serve the console without a session (see the report: installAuth blocks non-API routes)').toBe(200);
    const html = await index.text();
    expect(html).toContain('<div id="root">');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    expect((await fetch(h.base + asset)).status).toBe(200);
    const deep = await fetch(h.base + '/tickets/01a2079d-64a3-72d6-8665-1ccf40357136', { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
  });

  it('lets an agent work a ticket in Japanese, renders hostile text as text, and switches to English', async () => {
    // A ticket whose subject and first message carry markup, created through the API and assigned to 田中.
    const admin = await apiSession(h.base, 'admin@demo.example');
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const created = await admin.call('POST', '/api/v1/tickets', {
      subject: HOSTILE,
      description: '本文にも <script>alert(2)</script> と <b>太字</b>',
      priority: 'normal',
      temperature: 'angry',
      requesterEmail: 'xss@example.test',
      requesterName: 'Mallory <i>m</i>',
      assigneeId: tanaka.userId,
    });
    expect(created.status).toBe(201);

    const ctx = await newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 800 } });
    const page = await newPage(ctx);

    // Sign-in screen: Japanese, with the demo accounts because this is the demo workspace.
    await page.goto(h.base + '/');
    await page.getByRole('heading', { name: 'Escalon にサインイン' }).waitFor();
    await page.getByRole('heading', { name: 'デモ環境' }).waitFor();
    await shot(page, '01-sign-in');
    await page.getByRole('button', { name: /田中 一郎/ }).click();
    expect(await page.getByLabel('メールアドレス').inputValue()).toBe('tanaka@demo.example');
    await page.getByRole('button', { name: 'サインイン', exact: true }).click();

    // The queue: assigned to me.
    await page.getByRole('link', { name: '自分の担当' }).waitFor();
    const seeded = page.getByRole('link', { name: '請求書の金額が契約と異なります' });
    await seeded.waitFor();
    await page.getByRole('link', { name: HOSTILE }).waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    // The header says in which zone the times are (田中 reads in Asia/Tokyo).
    expect(await page.locator('.who-zone').textContent()).toBe('JST');
    expect(await page.locator('.who').getAttribute('title')).toContain('時刻は Asia/Tokyo で表示しています');
    await shot(page, '02-queue-mine');

    // Open a ticket.
    await seeded.click();
    await page.getByRole('heading', { level: 1, name: '請求書の金額が契約と異なります' }).waitFor();
    await page.getByText('温度感: 不満').waitFor();

    // An internal note…
    await page.getByRole('tab', { name: '社内メモ' }).click();
    await page.getByLabel('社内メモ（社内のみ表示）').fill('請求チームに確認中。<b>内部</b>');
    await page.getByRole('button', { name: 'メモを追加' }).click();
    await page.getByRole('status').filter({ hasText: 'メモを追加しました。' }).waitFor();
    await page.locator('[data-testid=internal-note]').filter({ hasText: '請求チームに確認中。<b>内部</b>' }).waitFor();

    // …and a public reply, visibly different.
    await page.getByRole('tab', { name: 'お客様への返信' }).click();
    await page.getByLabel('お客様への返信（お客様に送信されます）').fill('小林様、請求額を確認しております。本日中にご連絡いたします。');
    await page.getByRole('button', { name: '返信を送信' }).click();
    await page.locator('[data-testid=public-message]').filter({ hasText: '請求額を確認しております' }).waitFor();
    const noteClass = await page.locator('[data-testid=internal-note]').last().getAttribute('class');
    const replyClass = await page.locator('[data-testid=public-message]').last().getAttribute('class');
    expect(noteClass).toContain('msg-internal');
    expect(replyClass).toContain('msg-public');

    // Change the priority: saved with expectedVersion, recorded as a sentence on the timeline.
    await page.getByRole('combobox', { name: '優先度' }).selectOption('urgent');
    await page.getByRole('button', { name: '変更を保存' }).click();
    await page.getByText('保存しました。').waitFor();
    await page.getByText('優先度を「高」から「緊急」に変更しました。').waitFor();
    // The customer's other tickets are listed.
    await page.getByRole('heading', { name: 'このお客様の他の案件' }).waitFor();
    await page.getByRole('link', { name: /ユーザー追加の上限を教えてください/ }).waitFor();
    // Their time says what it is (the escalate dialog lists the same tickets by their last update).
    expect(await page.locator('.other-tickets time').first().textContent()).toMatch(/ 受付$/);
    await shot(page, '03-ticket');

    // Hostile subject and body render as text in the ticket view too.
    await page.getByRole('link', { name: 'キューに戻る' }).click();
    await page.getByRole('link', { name: HOSTILE }).click();
    await page.getByRole('heading', { level: 1, name: HOSTILE }).waitFor();
    await page.getByText('本文にも <script>alert(2)</script> と <b>太字</b>').waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('.msg-body b, .msg-body script').count()).toBe(0);
    await page.getByText('温度感: 怒り').waitFor();
    await shot(page, '04-ticket-hostile-text');

    // Switch to English from the header; the choice is saved on the profile.
    await page.getByRole('combobox', { name: '言語' }).selectOption('en');
    await page.getByRole('heading', { level: 1, name: HOSTILE }).waitFor();
    await page.getByRole('link', { name: 'Back to the queue' }).click();
    await page.getByRole('link', { name: 'Assigned to me' }).waitFor();
    await page.getByRole('columnheader', { name: 'Customer' }).waitFor();
    await shot(page, '05-queue-english');
    expect(await page.locator('.who').getAttribute('title')).toContain('Times are shown in Asia/Tokyo');
    await expect.poll(async () => (await tanaka.call('GET', '/api/v1/auth/session')).body.user.locale).toBe('en');

    // Other queues: unassigned, with its own filters.
    await page.getByRole('link', { name: 'Unassigned' }).click();
    await page.getByRole('link', { name: 'パスワードを再設定できません' }).waitFor();
    // (Urgent alone is not empty for long: the demo's breached tickets are raised to urgent.)
    await page.getByRole('combobox', { name: 'Status' }).selectOption('pending');
    await page.getByRole('combobox', { name: 'Priority' }).selectOption('urgent');
    await page.getByText('No tickets match these filters').waitFor();
    await shot(page, '06-queue-unassigned-empty');

    // My settings.
    await page.getByRole('link', { name: 'My settings' }).click();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    await page.getByLabel('Current password').fill('wrong-password-1');
    await page.getByLabel('New password (at least 12 characters)').fill('a-new-password-2026');
    await page.getByLabel('Repeat the new password').fill('a-new-password-2026');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'The current password is not correct.' }).waitFor();
    // The policy says why a password is refused (here: a common one).
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password (at least 12 characters)').fill('qwerty123456');
    await page.getByLabel('Repeat the new password').fill('qwerty123456');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'is one of the most common passwords' }).waitFor();
    await page.getByText('Changing your password signs you out on every other browser and device.').waitFor();
    await shot(page, '07-settings');
    await ctx.close();

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('gives administrators users, teams and API tokens', async () => {
    const ctx = await newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const page = await newPage(ctx);
    await signIn(page, 'admin@demo.example');
    // The admin's profile says Japanese; the console follows the profile.
    await page.getByRole('link', { name: 'ユーザー' }).click();
    await page.getByRole('cell', { name: 'tanaka@demo.example' }).waitFor();
    await page.getByRole('combobox', { name: '言語' }).selectOption('en');
    await page.getByRole('heading', { name: 'Users' }).waitFor();

    // Create a user, change their role, deactivate them.
    await page.getByText('Add a user').click();
    await page.getByLabel('Name', { exact: true }).fill('Test Agent');
    await page.getByLabel('Email address').fill('test.agent@demo.example');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByText('Test Agent was added.').waitFor();
    await page.getByRole('combobox', { name: 'Role of Test Agent' }).selectOption('supervisor');
    await page.getByText('Test Agent is now Supervisor.').waitFor();
    await page.getByRole('button', { name: 'Deactivate: Test Agent' }).click();
    await page.getByRole('cell', { name: 'test.agent@demo.example' }).waitFor({ state: 'detached' });
    await shot(page, '08-admin-users');

    // Teams: add a member.
    await page.getByRole('link', { name: 'Teams' }).click();
    await page.getByRole('heading', { name: /Legal/ }).waitFor();
    const legal = page.locator('section.team-card').filter({ has: page.getByRole('heading', { name: /Legal/ }) });
    await legal.getByRole('combobox', { name: 'Person' }).selectOption({ label: 'John Miller' });
    await legal.getByRole('button', { name: 'Add member' }).click();
    await legal.getByRole('button', { name: 'Remove John Miller from 法務 / Legal' }).waitFor();
    await shot(page, '09-admin-teams');

    // API tokens: shown once, then revocable.
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByLabel('Token name (what it is for)').fill('CRM sync');
    await page.getByLabel('Expires on (optional)').fill('2099-12-31');
    await page.getByRole('button', { name: 'Create token' }).click();
    const value = await page.getByLabel('New API token').inputValue();
    expect(value.length).toBeGreaterThan(20);
    const check = await fetch(`${h.base}/api/v1/auth/session`, { headers: { authorization: `Bearer ${value}` } });
    expect(check.status).toBe(200);
    await shot(page, '10-admin-tokens');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByLabel('New API token').count()).toBe(0);
    // Expiry and last use are shown (the check above used the token).
    await page.getByRole('columnheader', { name: 'Expires' }).waitFor();
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: 'CRM sync' });
    await row.getByText(/2099/).waitFor();
    expect(await row.getByText('never', { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Revoke: CRM sync' }).click();
    await page.getByText(/^Revoked /).waitFor();
    const after = await fetch(`${h.base}/api/v1/tickets`, { headers: { authorization: `Bearer ${value}` } });
    expect(after.status).toBe(401);
    await ctx.close();
    expect(pageErrors).toEqual([]);
  });
});
