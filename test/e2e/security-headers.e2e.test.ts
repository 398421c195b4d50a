/**
 * The built console under its Content-Security-Policy in a real browser: every screen an
 * administrator opens loads, runs and styles itself without one CSP violation (no inline
 * script, no eval), in Japanese and English; the playbook page keeps its style by hash.
 */
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, useConsole } from './harness.js';

const hasChromium = chromiumAvailable('security headers');

const SCREENS = ['/queues/mine', '/queues/all', '/supervisor', '/settings', '/tokens', '/admin/users', '/admin/teams', '/admin/paths', '/admin/simulator', '/admin/calendars', '/admin/sla', '/admin/rotations', '/admin/channels'];

describe.skipIf(!hasChromium)('console under its Content-Security-Policy (real browser)', () => {
  const h = useConsole('escalon-e2e-csp-');
  const { shot, newPage, signIn, dialogs, pageErrors } = h;

  it('serves the console with the strict policy and runs every admin screen without a CSP violation', async () => {
    const index = await fetch(h.base + '/', { headers: { accept: 'text/html' } });
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');

    for (const [locale, lang] of [['ja-JP', 'ja'], ['en-US', 'en']] as const) {
      const ctx = await h.browser.newContext({ locale, timezoneId: 'Asia/Tokyo', viewport: { width: 1280, height: 800 } });
      const page = await newPage(ctx);
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(m.text())) violations.push(m.text());
      });
      await signIn(page, 'admin@demo.example');
      for (const path of SCREENS) {
        await page.goto(h.base + path);
        await page.locator('header.topbar').waitFor();
        await page.waitForLoadState('networkidle');
      }
      await page.goto(h.base + '/admin/paths');
      await page.locator('header.topbar').waitFor();
      await page.waitForLoadState('networkidle');
      await shot(page, `csp-admin-paths-${lang}`);
      // The stylesheet applied: the top bar is laid out by the console's CSS, not the browser's defaults.
      const display = await page.locator('header.topbar').evaluate((el) => getComputedStyle(el).display);
      expect(display).not.toBe('block');
      // The playbook (served with its own policy) renders styled in the browser too.
      await page.goto(h.base + `/api/v1/playbook?lang=${lang}`);
      const bodyFont = await page.locator('body').evaluate((el) => getComputedStyle(el).maxWidth);
      expect(bodyFont).not.toBe('none');
      await shot(page, `csp-playbook-${lang}`);
      expect(violations, violations.join('\n')).toEqual([]);
      await ctx.close();
    }
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
