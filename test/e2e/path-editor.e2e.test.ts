/**
 * The path editor's validation and the simulator's receiver trace in the reader's language:
 * a level saved without a target shows the problem next to that level's targets, in Japanese
 * and in English; the simulator explains who would be reached in the same language.
 */
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('path editor');

describe.skipIf(!hasChromium)('path editor problems and simulator traces (real browser)', () => {
  const h = useConsole('escalon-e2e-path-editor-');

  for (const lang of ['ja', 'en'] as const) {
    it(`shows a save's problems next to their field and the simulator's trace in ${lang}`, async () => {
      const ctx = await h.browser.newContext({ locale: lang === 'ja' ? 'ja-JP' : 'en-US', timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 900 } });
      const page = await h.newPage(ctx);
      await h.signIn(page, 'admin@demo.example');
      // The administrator reads Japanese; the English run switches the console's language.
      if (lang === 'en') {
        await page.locator('.lang-switch select').first().selectOption('en');
        await page.getByText('Administration').first().waitFor();
      }
      await page.goto(`${h.base}/admin/paths/new`);
      const L = lang === 'ja' ? { name: 'パス名', create: 'パスを作成', l1: 'L1 の名前' } : { name: 'Path name', create: 'Create path', l1: 'Name of L1' };
      await page.getByLabel(L.name).fill(lang === 'ja' ? '宛先のないパス' : 'Path without a target');
      await page.getByRole('button', { name: L.create }).last().click();
      const problem = page.locator('.level-card .field-problems');
      await problem.waitFor();
      expect(await problem.innerText()).toContain(lang === 'ja' ? 'このレベルに宛先を 1 つ以上追加してください。' : 'Add at least one target to this level.');
      // The summary no longer lists the English server text.
      expect(await page.locator('.sticky-actions .error-box').innerText()).not.toContain('a level needs at least one target');
      await h.shot(page, `p01-path-problem-${lang}`);

      await page.goto(`${h.base}/admin/simulator`);
      await page.locator('#sim-category').fill('billing');
      await page.getByRole('button', { name: lang === 'ja' ? 'シミュレーション実行' : 'Simulate', exact: true }).click();
      const trace = page.locator('td .muted.small').first();
      await trace.waitFor();
      const text = await trace.innerText();
      if (lang === 'ja') expect(text).toMatch(/連絡できます|当番|除外|いません/);
      else expect(text).toMatch(/reachable|on call|nobody/);
      await h.shot(page, `p02-simulator-trace-${lang}`);
      expect(h.pageErrors).toEqual([]);
      await ctx.close();
    });
  }
});
