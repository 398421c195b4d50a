/**
 * The services catalogue and incident settings screens in a real browser (issue 17): an
 * administrator adds a service, edits it, is refused (in the reader's language) when removing a
 * service an incident names, removes an unused one, changes an incident setting and finds it
 * saved after a reload, sees a validation problem next to its field — in Japanese, then in
 * English. A manager reaches the services screen, not the settings; an agent neither. Screenshots under
 * test-results/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('incident-settings');

const TEXT = {
  ja: {
    admin: '管理',
    servicesTab: 'サービス',
    settingsTab: '重大障害の設定',
    add: 'サービスを追加',
    addForm: 'サービスを追加',
    editForm: 'サービスを編集',
    nameJa: '名前（日本語）',
    nameEn: '名前（英語）',
    descriptionJa: '説明（日本語）',
    descriptionEn: '説明（英語）',
    owner: '担当チーム',
    status: '状態',
    position: '表示順',
    addButton: '追加',
    save: '保存',
    degraded: 'パフォーマンス低下',
    maintenance: 'メンテナンス中',
    inUse: 'このサービスは重大障害の記録に含まれているため削除できません。代わりに名前を変更してください。',
    interval: '次の更新までの間隔',
    firstInternal: '社内への初回連絡まで',
    saved: '重大障害の設定を保存しました。',
    problem: '社内への初回連絡は、お客様への初回連絡より遅くできません（社内が先に知る必要があります）。',
    continue: '停止せずに計測を続ける',
  },
  en: {
    admin: 'Administration',
    servicesTab: 'Services',
    settingsTab: 'Incident settings',
    add: 'Add a service',
    addForm: 'Add a service',
    editForm: 'Edit the service',
    nameJa: 'Name (Japanese)',
    nameEn: 'Name (English)',
    descriptionJa: 'Description (Japanese)',
    descriptionEn: 'Description (English)',
    owner: 'Owner team',
    status: 'Status',
    position: 'Order',
    addButton: 'Add',
    save: 'Save',
    degraded: 'Degraded',
    maintenance: 'Maintenance',
    inUse: 'Incidents name this service, so it stays in their history and cannot be removed. Rename it instead.',
    interval: 'Next update every',
    firstInternal: 'First internal update within',
    saved: 'Incident settings saved.',
    problem: 'The first internal update must not be later than the first customer update (staff hear first).',
    continue: 'Keep running',
  },
} as const;

describe.skipIf(!hasChromium)('services and incident settings console (real browser)', () => {
  const h = useConsole('escalon-e2e-incset-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('adds, edits and removes services and saves incident settings, in Japanese and English', async () => {
    const manager = await apiSession(h.base, 'yamamoto@demo.example');
    const login = await manager.call('POST', '/api/v1/services', { nameJa: 'ログイン', nameEn: 'Login' });
    expect(login.status).toBe(201);
    const tickets = (await manager.call('GET', '/api/v1/tickets?limit=1&status=open&status=new')).body.items as { id: string }[];
    const declared = await manager.call('POST', '/api/v1/incidents', { title: 'ログイン障害', severity: 'SEV2', ticketIds: [tickets[0]!.id], services: [{ id: login.body.id, impact: 'degraded' }] });
    expect(declared.status).toBe(201);

    // One sign-in (the login rate limit counts every sign-in of this file); the language is switched in the top bar.
    const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
    const page = await newPage(ctx);
    await signIn(page, 'admin@demo.example');
    for (const lang of ['ja', 'en'] as const) {
      const x = TEXT[lang];
      if (lang === 'en') await page.locator('header.topbar select').first().selectOption('en');
      const svcJa = lang === 'ja' ? '決済' : '配送';
      const svcEn = lang === 'ja' ? 'Payments' : 'Shipping';
      const shown = lang === 'ja' ? svcJa : svcEn;

      // Reached from the administration tabs.
      await page.locator('nav.topnav').getByRole('link', { name: x.admin, exact: true }).click();
      await page.locator('nav.admin-tabs').getByRole('link', { name: x.servicesTab, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: x.servicesTab }).waitFor();
      await page.getByRole('cell', { name: lang === 'ja' ? /ログイン/ : /Login/ }).first().waitFor();

      // Add.
      await page.getByRole('button', { name: x.add }).click();
      const add = page.getByRole('form', { name: x.addForm });
      await add.getByLabel(x.nameJa).fill(svcJa);
      await add.getByLabel(x.nameEn).fill(svcEn);
      await add.getByLabel(x.descriptionJa).fill(`${svcJa}の画面と API`);
      await add.getByLabel(x.descriptionEn).fill(`${svcEn} screens and API`);
      await add.getByLabel(x.owner).selectOption({ index: 1 });
      await add.getByLabel(x.position).fill('5');
      await shot(page, `is01-service-add-${lang}`);
      await add.getByRole('button', { name: x.addButton, exact: true }).click();
      await add.waitFor({ state: 'detached' });
      const row = page.getByRole('row').filter({ hasText: shown });
      await row.waitFor();

      // Edit: a new English name and a status.
      await row.getByRole('button', { name: lang === 'ja' ? `${shown} を編集` : `Edit ${shown}` }).click();
      const edit = page.getByRole('form', { name: x.editForm });
      expect(await edit.getByLabel(x.nameJa).inputValue()).toBe(svcJa);
      await edit.getByLabel(x.nameEn).fill(`${svcEn} 2`);
      await edit.getByLabel(x.status).selectOption({ label: x.degraded });
      await edit.getByRole('button', { name: x.save, exact: true }).click();
      await edit.waitFor({ state: 'detached' });
      const edited = page.getByRole('row').filter({ hasText: `${svcEn} 2` });
      await edited.getByText(x.degraded).waitFor();
      await shot(page, `is02-service-edited-${lang}`);
      const stored = (await manager.call('GET', '/api/v1/services')).body.items as { name: { ja: string; en: string }; status: string; position: number; ownerTeamId: string | null }[];
      expect(stored.find((s) => s.name.ja === svcJa)).toMatchObject({ name: { en: `${svcEn} 2` }, status: 'degraded', position: 5, ownerTeamId: expect.any(String) });

      // The service an incident names cannot be removed: said in the reader's language.
      const loginRow = page.getByRole('row').filter({ hasText: lang === 'ja' ? 'ログイン' : 'Login' });
      await loginRow.getByRole('button', { name: lang === 'ja' ? 'ログイン を削除' : 'Delete Login' }).click();
      await page.getByRole('alert').filter({ hasText: x.inUse }).waitFor();
      expect(await page.getByRole('alert').filter({ hasText: x.inUse }).textContent()).not.toContain('named by incidents;');
      await shot(page, `is03-service-in-use-${lang}`);

      // An unused service can be removed (after the confirmation).
      await edited.getByRole('button', { name: lang === 'ja' ? `${shown} を削除` : `Delete ${shown}` }).click();
      await page.getByRole('status').filter({ hasText: shown }).waitFor();
      await edited.waitFor({ state: 'detached' });

      // Incident settings: change the update cadence of SEV1 and the SLA rule, save, reload.
      await page.locator('nav.admin-tabs').getByRole('link', { name: x.settingsTab, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: x.settingsTab }).waitFor();
      const interval = page.locator('#sev-SEV1-updateIntervalMinutes');
      await interval.waitFor();
      expect(await page.getByLabel(x.interval).first().getAttribute('id')).toBe('sev-SEV1-updateIntervalMinutes');
      const minutes = lang === 'ja' ? '45' : '50';
      await interval.fill(minutes);
      await page.getByLabel(x.continue).check();
      await page.getByRole('button', { name: x.save, exact: true }).click();
      await page.getByRole('status').filter({ hasText: x.saved }).waitFor();
      await page.reload();
      await page.locator('#sev-SEV1-updateIntervalMinutes').waitFor();
      expect(await page.locator('#sev-SEV1-updateIntervalMinutes').inputValue()).toBe(minutes);
      expect(await page.getByLabel(x.continue).isChecked()).toBe(true);
      await shot(page, `is04-settings-saved-${lang}`);
      const settings = (await manager.call('GET', '/api/v1/incidents/settings')).body;
      expect(settings).toMatchObject({ slaRule: 'continue', severities: { SEV1: { updateIntervalMinutes: Number(minutes) } } });

      // A problem is shown next to its field, in the reader's language; nothing is saved.
      const customer = await page.locator('#sev-SEV2-firstCustomerMinutes').inputValue();
      await page.locator('#sev-SEV2-firstInternalMinutes').fill(String(Number(customer) + 10));
      await page.getByRole('button', { name: x.save, exact: true }).click();
      const field = page.locator('.field', { has: page.locator('#sev-SEV2-firstInternalMinutes') });
      await field.getByRole('alert').filter({ hasText: x.problem }).waitFor();
      await shot(page, `is05-settings-problem-${lang}`);
      expect((await manager.call('GET', '/api/v1/incidents/settings')).body.severities.SEV2.firstInternalMinutes).toBeLessThanOrEqual(Number(customer));
      // Put the SLA rule back for the next language's check.
      await page.reload();
      await page.getByLabel(lang === 'ja' ? '関連付けている間は停止する' : 'Pause while the ticket is linked').check();
      await page.getByRole('button', { name: x.save, exact: true }).click();
      await page.getByRole('status').filter({ hasText: x.saved }).waitFor();
    }
    await ctx.close();

    // A manager changes the services catalogue (services.manage) but not the incident settings.
    const mctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
    const mpage: Page = await newPage(mctx);
    await signIn(mpage, 'yamamoto@demo.example');
    await mpage.locator('nav.topnav').getByRole('link', { name: '重大障害', exact: true }).click();
    expect(await mpage.getByRole('link', { name: '重大障害の設定' }).count()).toBe(0);
    await mpage.getByRole('link', { name: 'サービス', exact: true }).click();
    await mpage.getByRole('button', { name: 'サービスを追加' }).waitFor();
    const tabs = (await mpage.locator('nav.admin-tabs a').allTextContents()).map((s) => s.trim());
    expect(tabs).toEqual(['サービス']);
    await shot(mpage, 'is06-services-manager-ja');
    await mpage.goto(`${h.base}/admin/incident-settings`);
    await mpage.waitForURL(/\/queues\/mine/);
    await mctx.close();

    // An agent has neither screen nor link (the server refuses their changes too: services.manage).
    const actx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
    const apage: Page = await newPage(actx);
    await signIn(apage, 'tanaka@demo.example');
    await apage.locator('nav.topnav').getByRole('link', { name: '重大障害', exact: true }).click();
    await apage.getByRole('heading', { level: 1, name: '重大障害' }).waitFor();
    expect(await apage.locator('.page-head').getByRole('link', { name: 'サービス', exact: true }).count()).toBe(0);
    await apage.goto(`${h.base}/admin/services`);
    await apage.waitForURL(/\/queues\/mine/);
    await actx.close();

    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
