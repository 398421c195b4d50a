/**
 * Escalating a ticket that no path matches, in a real browser: the dialog offers "my
 * supervisor", a team or a person instead of a dead end; the agent escalates directly to a
 * team (Japanese) and to their supervisor (English), and the timeline says so in the reader's
 * language. Screenshots go to test-results/screenshots/ (git-ignored).
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('direct-escalation');

describe.skipIf(!hasChromium)('direct escalation when no path applies (real browser)', () => {
  const h = useConsole('escalon-e2e-direct-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;
  const context = (locale: string, timezoneId: string) => h.browser.newContext({ locale, timezoneId, viewport: { width: 1280, height: 900 } });

  it('offers my supervisor, a team or a person, and escalates directly to a team and to the supervisor', { timeout: 120_000 }, async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const tickets = (await admin.call('GET', '/api/v1/tickets?limit=200')).body.items as { id: string; subject: string }[];
    const sso = tickets.find((t) => t.subject === 'SSO 設定の手順を知りたい')!;
    const exportQ = tickets.find((t) => t.subject === 'How do I export my data?')!;
    for (const t of [sso, exportQ]) expect((await admin.call('GET', `/api/v1/tickets/${t.id}/escalations/draft`)).body.matches).toEqual([]);

    // ---- Japanese: 田中 escalates to the technical support team.
    const ja = await context('ja-JP', 'Asia/Tokyo');
    const page = await newPage(ja);
    await signIn(page, 'tanaka@demo.example');
    await page.goto(`${h.base}/tickets/${sso.id}`);
    await page.getByRole('heading', { level: 1, name: 'SSO 設定の手順を知りたい' }).waitFor();
    await page.getByRole('button', { name: /エスカレーション/ }).click();
    const dialog = page.getByRole('dialog', { name: /をエスカレーション/ });
    const choice = dialog.getByTestId('direct-choice');
    await choice.waitFor();
    await choice.getByText('上長・チーム・担当者へ直接エスカレーションできます', { exact: false }).waitFor();
    await choice.getByText('（佐藤 花子）').waitFor();
    expect(await choice.locator('input[value=my_supervisor]').isChecked()).toBe(true);
    await shot(page, '60-direct-escalation-ja-choice');
    await choice.locator('input[value=team]').check();
    await choice.getByLabel('宛先のチーム').selectOption({ label: '技術サポート L2 / Technical support L2' });
    await dialog.getByLabel(/^何をしてほしいか/).fill('Azure AD との SAML 連携手順書の有無を確認してください');
    await shot(page, '61-direct-escalation-ja-team');
    await dialog.getByRole('button', { name: 'エスカレーションする' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('エスカレーションしました。受け手に通知しました。').waitFor();
    await page.getByText(/チームへの直接エスカレーション/).waitFor();
    await shot(page, '62-direct-escalation-ja-timeline');
    const escs = (await admin.call('GET', `/api/v1/escalations?ticketId=${sso.id}`)).body.items;
    expect(escs).toHaveLength(1);
    expect(escs[0]).toMatchObject({ path: null, origin: { code: 'direct', to: 'team' }, level: { name: '技術サポート L2 / Technical support L2' } });
    expect(escs[0].receivers[0].people.map((p: { name: string }) => p.name)).toContain('伊藤 直子');

    // ---- English: John escalates to his supervisor.
    const en = await context('en-US', 'Asia/Tokyo');
    const p2 = await newPage(en);
    await signIn(p2, 'john@demo.example');
    await p2.goto(`${h.base}/tickets/${exportQ.id}`);
    await p2.getByRole('heading', { level: 1, name: 'How do I export my data?' }).waitFor();
    await p2.getByRole('button', { name: /Escalate/ }).first().click();
    const d2 = p2.getByRole('dialog', { name: /Escalate #/ });
    await d2.getByTestId('direct-choice').getByText('(佐藤 花子)').waitFor();
    await d2.getByLabel(/^What do you need/).fill('May we send a full JSON export manually?');
    await shot(p2, '63-direct-escalation-en-supervisor');
    await d2.getByRole('button', { name: 'Escalate', exact: true }).click();
    await d2.waitFor({ state: 'detached' });
    await p2.getByText(/Direct escalation to the supervisor/).waitFor();
    await shot(p2, '64-direct-escalation-en-timeline');
    const e2 = (await admin.call('GET', `/api/v1/escalations?ticketId=${exportQ.id}`)).body.items;
    expect(e2[0]).toMatchObject({ kind: 'hierarchical', origin: { code: 'direct', to: 'my_supervisor' } });
    expect(e2[0].receivers[0].people.map((p: { name: string }) => p.name)).toEqual(['佐藤 花子']);

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
