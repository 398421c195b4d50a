/**
 * The raised hands report (issue 16) in a real browser: hands raised, claimed and closed
 * through the API, then the report read by a supervisor in Japanese and in English (figures,
 * names of people and teams, categories and outcomes in the reader's language, the period in
 * the URL), and an operator (role agent) who has no link to it and is told they may not see
 * it. Screenshots under test-results/screenshots/.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { apiSession, chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('hands report');

describe.skipIf(!hasChromium)('raised hands report (real browser)', () => {
  const h = useConsole('escalon-e2e-hands-report-', { ESCALON_LOGIN_RATE_LIMIT: '100' });
  const { shot, newPage, signIn, pageErrors, dialogs } = h;
  const context = (locale: string) =>
    h.browser.newContext({ locale, timezoneId: 'Asia/Tokyo', viewport: { width: 1400, height: 900 } });

  it(
    'a supervisor reads real figures in Japanese and English; an operator cannot reach it',
    { timeout: 180_000 },
    async () => {
      const sato = await apiSession(h.base, 'sato@demo.example');
      const tanaka = await apiSession(h.base, 'tanaka@demo.example');
      const john = await apiSession(h.base, 'john@demo.example');
      const suzuki = await apiSession(h.base, 'suzuki@demo.example');
      const admin = await apiSession(h.base, 'admin@demo.example');
      const tickets = (await admin.call('GET', '/api/v1/tickets?limit=200')).body.items as {
        id: string;
        subject: string;
      }[];
      const ticket = tickets.find((t) => t.subject === 'SSO 設定の手順を知りたい')!;

      // 1. Tanaka: billing, claimed after a moment, answered.
      const raise = async (who: typeof tanaka, body: Record<string, unknown>) => {
        const r = await who.call('POST', '/api/v1/hands', body);
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return r.body.id as string;
      };
      const claim = async (id: string) =>
        expect((await sato.call('POST', `/api/v1/hands/${id}/claim`)).status).toBe(200);
      const a = await raise(tanaka, { category: 'billing', ask: '請求書の再発行をしてよいですか' });
      await sleep(1200);
      await claim(a);
      await sleep(1100);
      const closed = await sato.call('POST', `/api/v1/hands/${a}/close`, {
        outcome: 'answered',
        answer: '再発行して構いません',
      });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);
      // 2. John: technical on a ticket, claimed, escalated (becomes an escalation).
      const b = await raise(john, {
        category: 'technical',
        ask: 'May I send the SAML guide?',
        ticketId: ticket.id,
      });
      await claim(b);
      const teams = (await admin.call('GET', '/api/v1/teams')).body.items as { id: string; name: string }[];
      const tech = teams.find((t) => t.name.includes('L2'))!;
      const escalated = await sato.call('POST', `/api/v1/hands/${b}/escalate`, {
        target: { type: 'team', teamId: tech.id },
      });
      expect(escalated.status, JSON.stringify(escalated.body)).toBe(200);
      // 3. Suzuki: refund, claimed, then resolved by the operator herself.
      const c = await raise(suzuki, { category: 'refund', concern: '返金の例外に当たるか不安です' });
      await claim(c);
      expect(
        (await suzuki.call('POST', `/api/v1/hands/${c}/close`, { outcome: 'resolved_self' })).status,
      ).toBe(200);
      // 4. Tanaka again: a complaint nobody has claimed yet.
      await raise(tanaka, { category: 'complaint', ask: '上席対応を求められています' });

      const report = (await sato.call('GET', '/api/v1/hands/report')).body;
      expect(report).toMatchObject({
        hands: 4,
        claimed: 3,
        escalated: 1,
        outcomes: { answered: 1, escalated: 1, resolved_self: 1 },
      });

      // ---- Japanese: Sato opens it from the reports page.
      const ja = await newPage(await context('ja-JP'));
      await signIn(ja, 'sato@demo.example');
      await ja.getByRole('navigation').getByRole('link', { name: 'レポート' }).click();
      await ja.getByRole('heading', { name: 'レポート', exact: true }).waitFor();
      await ja.getByRole('link', { name: '手上げレポート' }).click();
      await ja.getByRole('heading', { name: '手上げレポート' }).waitFor();
      const figures = ja.getByTestId('hands-figures');
      await figures.locator('[data-figure=hands] dd').getByText('4', { exact: true }).waitFor();
      await expect.poll(() => figures.locator('[data-figure=claimed] dd').textContent()).toBe('3');
      await expect.poll(() => figures.locator('[data-figure=escalated] dd').textContent()).toBe('1');
      // Past every tier is what it says, not "nobody answered" (a late claim is also claimed).
      expect(await figures.locator('[data-figure=exhausted] dt').textContent()).toBe('全段階を経過');
      await ja.getByText('その後で対応が始まった手上げも含みます', { exact: false }).waitFor();
      await expect
        .poll(() => figures.locator('[data-figure=shareWithinTarget] dd').textContent())
        .toBe('75%');
      await expect
        .poll(() => figures.locator('[data-figure=target] dd').textContent())
        .toMatch(/^\d+(分|秒)/);
      // Times in Japanese units; outcomes, categories and people by name.
      await expect
        .poll(() => ja.getByTestId('hands-times').textContent())
        .toMatch(/対応開始までの時間.*\d+秒/);
      const outcomes = ja.getByTestId('hands-outcomes');
      for (const label of ['回答済み', 'エスカレーション', '自己解決'])
        await outcomes.getByRole('rowheader', { name: label, exact: true }).waitFor();
      await ja
        .getByTestId('hands-by-category')
        .getByRole('rowheader', { name: '請求', exact: true })
        .waitFor();
      await ja
        .getByTestId('hands-by-category')
        .getByRole('rowheader', { name: 'クレーム', exact: true })
        .waitFor();
      await ja.getByTestId('hands-by-supervisor').getByRole('rowheader', { name: '佐藤 花子' }).waitFor();
      await ja
        .getByTestId('hands-by-team')
        .getByRole('rowheader', { name: /一次対応/ })
        .waitFor();
      const perOperator = ja.getByTestId('hands-per-operator');
      for (const who of ['田中 一郎', '鈴木 美咲', 'John Miller'])
        await perOperator.getByRole('rowheader', { name: who }).waitFor();
      await expect
        .poll(() =>
          perOperator.getByRole('row').filter({ hasText: '田中 一郎' }).locator('td').first().textContent(),
        )
        .toBe('2');
      // Hands per operator are per active hour, and the page says what an active hour is.
      await perOperator.getByRole('columnheader', { name: '稼働1時間あたりの手上げ数' }).waitFor();
      expect(await ja.getByTestId('hands-per-hour-definition').textContent()).toContain('1件以上手を上げた時間帯');
      await ja.getByTestId('hands-by-hour').getByRole('rowheader', { name: /時台$/ }).first().waitFor();
      await ja.locator('.report-chart svg').waitFor();
      const pageText = (await ja.locator('main, .page').first().textContent()) ?? '';
      for (const id of [sato.userId, tanaka.userId, john.userId, suzuki.userId])
        expect(pageText).not.toContain(id);
      expect(pageText).not.toMatch(/reports\.hands\./);
      await shot(ja, 'hrep01-hands-report-ja');

      // The period lives in the URL: a period before any hand says so, the default comes back.
      await ja.goto(`${h.base}/reports/hands?from=2020-01-01&to=2020-01-07`);
      await ja.getByText('この期間の手上げはありません。').waitFor();
      expect(await ja.getByLabel('開始日').inputValue()).toBe('2020-01-01');
      await shot(ja, 'hrep02-hands-report-empty-ja');
      await ja.getByRole('button', { name: '直近7日間' }).click();
      await figures.locator('[data-figure=hands] dd').getByText('4', { exact: true }).waitFor();
      expect(new URL(ja.url()).search).toBe('');

      // ---- English: Emily (a supervisor who reads English).
      const en = await newPage(await context('en-US'));
      await signIn(en, 'emily@demo.example');
      await en.getByRole('navigation').getByRole('link', { name: 'Reports' }).click();
      await en.getByRole('link', { name: 'Raised hands report' }).click();
      await en.getByRole('heading', { name: 'Raised hands report' }).waitFor();
      const enFigures = en.getByTestId('hands-figures');
      await enFigures.locator('[data-figure=hands] dd').getByText('4', { exact: true }).waitFor();
      await expect
        .poll(() => enFigures.locator('[data-figure=shareWithinTarget] dd').textContent())
        .toBe('75%');
      await expect.poll(() => en.getByTestId('hands-times').textContent()).toMatch(/Time to claim.*\d+s/);
      await expect.poll(() => en.getByTestId('hands-outcomes').textContent()).toContain('Answered');
      await en.getByTestId('hands-by-category').getByRole('rowheader', { name: 'Billing' }).waitFor();
      await en.getByTestId('hands-by-category').getByRole('rowheader', { name: 'Complaint' }).waitFor();
      await en.getByTestId('hands-by-supervisor').getByRole('rowheader', { name: '佐藤 花子' }).waitFor();
      await en
        .getByTestId('hands-by-hour')
        .getByRole('rowheader', { name: /^\d{2}:00$/ })
        .first()
        .waitFor();
      await en.locator('.report-chart svg').waitFor();
      await en.getByTestId('hands-per-operator').getByRole('columnheader', { name: 'Hands per active hour' }).waitFor();
      expect(await en.getByTestId('hands-per-hour-definition').textContent()).toContain('raised at least one hand');
      await shot(en, 'hrep03-hands-report-en');

      // ---- An operator: the server says no, there is no link, and the screen says why.
      expect((await tanaka.call('GET', '/api/v1/hands/report')).status).toBe(403);
      for (const [email, status] of [
        ['yamamoto@demo.example', 200],
        ['admin@demo.example', 200],
        ['takahashi@demo.example', 403],
      ] as const)
        expect(
          (await (await apiSession(h.base, email)).call('GET', '/api/v1/hands/report')).status,
          email,
        ).toBe(status);
      const op = await newPage(await context('ja-JP'));
      await signIn(op, 'tanaka@demo.example');
      await op.getByRole('navigation').getByRole('link', { name: 'レポート' }).click();
      await op.getByRole('heading', { name: 'レポート', exact: true }).waitFor();
      expect(await op.getByRole('link', { name: '手上げレポート' }).count()).toBe(0);
      await op.goto(`${h.base}/reports/hands`);
      await op.getByText('この操作を行う権限がありません。', { exact: false }).waitFor();
      await shot(op, 'hrep04-hands-report-agent-ja');
      const opEn = await newPage(await context('en-US'));
      await signIn(opEn, 'john@demo.example');
      await opEn.goto(`${h.base}/reports/hands`);
      await opEn.getByText('You are not allowed to do this.', { exact: false }).waitFor();
      await shot(opEn, 'hrep05-hands-report-agent-en');

      expect(dialogs).toEqual([]);
      expect(pageErrors).toEqual([]);
    },
  );
});
