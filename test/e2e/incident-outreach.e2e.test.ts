/**
 * Outreach tickets in a real browser (issue 17): an organisation added to an incident of a
 * service owned by technical support gets a ticket for the update, and that ticket shows the
 * team in Japanese (a member of the team) and in English (its supervisor); the incident settings
 * page offers the fallback outreach team in both languages. Screenshots under test-results/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('incident outreach');

describe.skipIf(!hasChromium)('incident outreach tickets (real browser)', () => {
  const h = useConsole('escalon-e2e-outreach-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('shows the owner team on the ticket opened for an affected organisation, in ja and en', async () => {
    const manager = await apiSession(h.base, 'yamamoto@demo.example');
    const teams = (await manager.call('GET', '/api/v1/teams')).body.items as { id: string; name: string }[];
    const tech = teams.find((t) => t.name.startsWith('技術サポート'))!;
    expect(tech).toBeTruthy();
    const svc = await manager.call('POST', '/api/v1/services', { nameJa: 'アプリ', nameEn: 'App', ownerTeamId: tech.id });
    expect(svc.status).toBe(201);
    const org = await manager.call('POST', '/api/v1/organizations', { name: '株式会社もみじ' });
    expect(org.status).toBe(201);
    const cust = await manager.call('POST', '/api/v1/customers', { name: '木村 様', email: 'kimura@momiji.example', locale: 'ja', organizationId: org.body.id });
    expect(cust.status).toBe(201);
    const inc = await manager.call('POST', '/api/v1/incidents', { title: 'アプリ障害', severity: 'SEV2', services: [{ id: svc.body.id, impact: 'partial_outage' }] });
    expect(inc.status).toBe(201);
    expect((await manager.call('POST', `/api/v1/incidents/${inc.body.id}/audiences`, { kind: 'organization', ref: org.body.id })).status).toBe(200);
    expect((await manager.call('POST', `/api/v1/incidents/${inc.body.id}/updates`, { state: 'investigating', body: { ja: '調査しています。', en: 'We are investigating.' }, audience: 'public' })).status).toBe(201);

    // The fan-out runs in the server's job runner: wait for the outreach ticket.
    let ticket: { id: string; number: number; teamId: string | null } | undefined;
    for (let i = 0; i < 100 && !ticket; i++) {
      ticket = ((await manager.call('GET', `/api/v1/tickets?requester=${cust.body.id}&limit=5`)).body.items ?? [])[0];
      if (!ticket) ticket = ((await manager.call('GET', `/api/v1/incidents/${inc.body.id}/tickets`)).body.items ?? [])[0];
      if (!ticket) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ticket).toBeTruthy();

    for (const [locale, email, label, name] of [
      ['ja-JP', 'ito@demo.example', 'チーム', 'ja'],
      ['en-GB', 'emily@demo.example', 'Team', 'en'],
    ] as const) {
      const ctx = await h.browser.newContext({ locale, timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
      const page = await newPage(ctx);
      await signIn(page, email);
      await page.goto(`${h.base}/tickets/${ticket!.id}`);
      await page.getByText('【障害のお知らせ】アプリ障害').first().waitFor();
      const select = page.getByLabel(label, { exact: true });
      await expect.poll(async () => (await select.locator('option:checked').textContent())?.trim()).toBe(tech.name);
      await shot(page, `outreach01-ticket-team-${name}`);
      await ctx.close();
    }

    // One administrator sign-in (the login rate limit counts each); the language is switched in the top bar.
    const ctx = await h.browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 1400 } });
    const page = await newPage(ctx);
    await signIn(page, 'admin@demo.example');
    await page.goto(`${h.base}/admin/incident-settings`);
    for (const [lang, label] of [
      ['ja', '影響顧客向けに作成するチケットのチーム'],
      ['en', 'Team of tickets opened for affected customers'],
    ] as const) {
      if (lang === 'en') await page.locator('header.topbar select').first().selectOption('en');
      await page.getByLabel(label).waitFor();
      await page.getByLabel(label).scrollIntoViewIfNeeded();
      await shot(page, `outreach02-settings-${lang}`);
    }
    await ctx.close();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
