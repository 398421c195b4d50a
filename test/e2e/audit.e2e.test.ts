/**
 * The audit log screen in a real browser, in Japanese and in English: an administrator changes
 * a team and a webhook through the API, then reads who did it, the translated action and the
 * before → after values, and filters by kind of change. Screenshots go to
 * test-results/screenshots/ (git-ignored).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHOTS, apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('audit log');

describe.skipIf(!hasChromium)('audit log console (real browser)', () => {
  const h = useConsole('escalon-e2e-audit-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('lists configuration changes with names, translated actions and readable diffs, and filters them', async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const team = await admin.call('POST', '/api/v1/teams', { name: '監査テスト / Audit test' });
    expect(team.status).toBe(201);
    expect((await admin.call('PATCH', `/api/v1/teams/${team.body.id}`, { name: '監査テスト2 / Audit test 2' })).status).toBe(200);
    const hook = await admin.call('POST', '/api/v1/webhooks', { url: 'https://hooks.example.com/audit', events: ['escalation.*'] });
    expect(hook.status).toBe(201);
    expect((await admin.call('PATCH', `/api/v1/webhooks/${hook.body.id}`, { active: false })).status).toBe(200);
    // A forbidden address is refused when saved, with a code the console translates.
    const refused = await admin.call('POST', '/api/v1/webhooks', { url: 'http://169.254.169.254/latest', events: ['*'] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.problems[0].code).toBe('outbound_address_refused');

    const incident = await admin.call('POST', '/api/v1/incidents', { title: '監査の障害 / Audited incident', severity: 'SEV2' });
    expect(incident.status).toBe(201);

    const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
    const page = await newPage(ctx);
    await signIn(page, 'admin@demo.example');
    await page.getByRole('link', { name: '管理', exact: true }).click();
    await page.getByRole('link', { name: '監査ログ' }).click();
    await page.getByRole('heading', { name: '監査ログ' }).waitFor();
    const teamRow = page.locator('tr', { hasText: 'チーム変更' }).first();
    await teamRow.waitFor();
    // The actor by name, the action in Japanese, the change as before → after.
    expect(await teamRow.innerText()).toContain('管理 太郎');
    expect(await teamRow.locator('del').first().innerText()).toBe('監査テスト / Audit test');
    expect(await teamRow.locator('ins').first().innerText()).toBe('監査テスト2 / Audit test 2');
    const hookRow = page.locator('tr', { hasText: 'Webhook 変更' }).first();
    // Recorded field names and values in the reader's language (active: true → false).
    expect(await hookRow.innerText()).toContain('有効');
    expect(await hookRow.locator('del').first().innerText()).toBe('はい');
    expect(await hookRow.locator('ins').first().innerText()).toBe('いいえ');
    // An incident by its title, the recorded field in Japanese; no ids or codes in the text.
    const incidentRow = page.locator('tr', { hasText: '障害の宣言' }).first();
    const incidentText = await incidentRow.innerText();
    expect(incidentText).toContain('監査の障害 / Audited incident');
    expect(incidentText).toContain('重大度');
    expect(incidentText).not.toContain(incident.body.id);
    expect(incidentText).not.toContain('incident.declared');
    expect(incidentText).not.toContain('severity');
    await shot(page, 'audit-01-ja');
    await page.screenshot({ path: join(SHOTS, 'audit-01-ja-viewport.png') });

    // Filter: only webhook changes.
    await page.getByLabel('変更の種類').selectOption('webhook');
    await page.getByRole('button', { name: '表示', exact: true }).click();
    await page.locator('tr', { hasText: 'チーム変更' }).waitFor({ state: 'detached' });
    // The recorded codes are in the tooltips only; the cells read as words.
    const actions = await page.locator('.audit-table tbody tr td:nth-child(3) [title]').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a.startsWith('webhook.'))).toBe(true);
    expect((await page.locator('.audit-table tbody td:nth-child(3)').allInnerTexts()).join(' ')).not.toContain('webhook.');
    await shot(page, 'audit-02-ja-filtered');

    // English.
    await page.locator('.lang-switch select').selectOption('en');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByLabel('Kind of change').selectOption('');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.locator('tr', { hasText: 'Team changed' }).first().waitFor();
    expect(await page.locator('tr', { hasText: 'Webhook changed' }).first().innerText()).toContain('管理 太郎');
    await shot(page, 'audit-03-en');
    await page.screenshot({ path: join(SHOTS, 'audit-03-en-viewport.png') });

    // The refused URL, in the console's words.
    await page.getByRole('link', { name: 'Notifications & deliveries' }).click();
    await page.locator('#wh-url').fill('http://10.0.0.1/hook');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByText('This address is inside the network').waitFor();
    // The field by its label, not the API's name for it.
    const refusal = page.locator('.error-box', { hasText: 'This address is inside the network' });
    expect(await refusal.locator('.problems strong').innerText()).toBe('URL');
    expect(await refusal.locator('.problems code').count()).toBe(0);
    await shot(page, 'audit-04-en-refused-url');

    // A webhook's history, from its row: the filters are in the URL.
    await page.getByRole('link', { name: 'History: https://hooks.example.com/audit' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(new URL(page.url()).searchParams.get('targetId')).toBe(hook.body.id);
    await page.locator('tr', { hasText: 'Webhook added' }).waitFor();
    const history = await page.locator('.audit-table tbody tr td:nth-child(3) [title]').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
    expect(history).toEqual(['webhook.updated', 'webhook.created']);
    expect(await page.getByLabel('Target id').inputValue()).toBe(hook.body.id);
    await shot(page, 'audit-05-en-webhook-history');
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    await ctx.close();
  });
});
