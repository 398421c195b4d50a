/**
 * Moving a ticket into a restricted team one is not a member of (issue 14 §2): the console warns
 * first (the ticket will disappear from one's view), and after the move lands on one's queue
 * with a message saying where the ticket went, instead of "not found" beside "saved". In Japanese.
 * Screenshots go to test-results/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('restricted-move');

describe.skipIf(!hasChromium)('moving a ticket into a restricted team (real browser, ja)', () => {
  const h = useConsole('escalon-e2e-restricted-move-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('asks before the move, then shows the queue with where the ticket went', async () => {
    const admin = await apiSession(h.base, 'admin@demo.example');
    const teams = (await admin.call('GET', '/api/v1/teams?limit=100')).body.items as { id: string; name: string }[];
    const legal = teams.find((x) => x.name.startsWith('法務'))!;
    expect((await admin.call('PATCH', `/api/v1/teams/${legal.id}`, { restricted: true })).status).toBe(200);
    const tanaka = await apiSession(h.base, 'tanaka@demo.example');
    const created = await tanaka.call('POST', '/api/v1/tickets', { subject: '契約解除の申し入れ', description: '契約を解除したいとの連絡。', assigneeId: tanaka.userId });
    expect(created.status).toBe(201);
    const { id, number } = created.body as { id: string; number: number };

    const ctx = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 1000 } });
    const page = await newPage(ctx);
    const asked: string[] = [];
    page.on('dialog', (d) => asked.push(d.message()));
    await signIn(page, 'tanaka@demo.example');
    await page.locator('.lang-switch select').selectOption('ja');
    await page.goto(`${h.base}/tickets/${id}`);
    await page.locator('#f-team').waitFor();
    await page.locator('#f-team').selectOption(legal.id);
    await shot(page, 'restricted-move-before-ja');
    await page.locator('form.fields-form button[type=submit]').click();

    await page.waitForURL(/\/queues\/mine\?/, { timeout: 10_000 });
    expect(asked).toEqual([`${legal.name} は閲覧が制限されたチームで、あなたはメンバーではありません。移動するとチケット #${number} は表示されなくなります。移動しますか？`]);
    const notice = page.locator('.notice', { hasText: `#${number}` });
    await notice.waitFor();
    expect(await notice.textContent()).toBe(`チケット #${number} を ${legal.name} に移動しました。閲覧が制限されたチームのため、あなたの一覧には表示されなくなります。`);
    expect(await page.locator('.error-box').count()).toBe(0);
    await shot(page, 'restricted-move-after-ja');
    // The move happened, and the ticket is now out of the agent's sight.
    expect((await admin.call('GET', `/api/v1/tickets/${id}`)).body.teamId).toBe(legal.id);
    expect((await tanaka.call('GET', `/api/v1/tickets/${id}`)).status).toBe(404);

    // A member of the team moves without being asked.
    const watanabe = await apiSession(h.base, 'watanabe@demo.example');
    const other = await watanabe.call('POST', '/api/v1/tickets', { subject: '請求書の再発行', description: '再発行の依頼。' });
    await ctx.close();
    const ctx2 = await h.browser.newContext({ locale: 'ja-JP', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 1000 } });
    const page2 = await newPage(ctx2);
    page2.on('dialog', (d) => asked.push(d.message()));
    await signIn(page2, 'watanabe@demo.example');
    await page2.goto(`${h.base}/tickets/${other.body.id}`);
    await page2.locator('#f-team').selectOption(legal.id);
    await page2.locator('form.fields-form button[type=submit]').click();
    await page2.locator('.fields-form .notice').waitFor();
    expect(asked).toHaveLength(1);
    expect(new URL(page2.url()).pathname).toBe(`/tickets/${other.body.id}`);
    await ctx2.close();
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
