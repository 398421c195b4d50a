/**
 * What every end-to-end test shares: a server started in-process on a fresh SQLite database
 * with the demo workspace, Debian's Chromium driven by playwright-core, sign-in, screenshots
 * under test-results/screenshots/ (git-ignored), and an API caller for set-up.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startServer, type RunningServer } from '../../src/main.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'test-results', 'screenshots');
export const PASSWORD = 'escalon-demo-2026';

/** Whether the browser is there; outside CI a missing browser skips with a message, in CI it fails. */
export function chromiumAvailable(suite: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  const msg = `Skipping the ${suite} end-to-end test: ${CHROMIUM} is missing (install Debian's chromium package to run it).`;
  if (process.env.CI) throw new Error(`${msg} In CI the browser must be installed.`);
  console.warn(msg);
  return false;
}

/** Signs in through the API (for test set-up) and returns a minimal authenticated caller. */
export async function apiSession(base: string, email: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { user: { id: string }; csrfToken: string };
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const call = async (method: string, path: string, payload?: unknown) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { cookie, 'x-csrf-token': body.csrfToken, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    return { status: r.status, body: r.status === 204 ? null : ((await r.json()) as any) };
  };
  return { userId: body.user.id, call };
}

/**
 * Records what a page asks the server and how it ends (answered with its status, or failed),
 * with milliseconds since the call, and its console errors: cheap to keep, and printed when a
 * screen stays loading, so a failure says which request did not answer.
 */
export function recordRequests(page: Page): { lines: string[]; dump(): string } {
  const t0 = Date.now();
  const lines: string[] = [];
  const api = (url: string) => url.includes('/api/');
  const at = () => String(Date.now() - t0).padStart(6);
  const started = new Map<object, number>();
  page.on('request', (r) => {
    if (!api(r.url())) return;
    started.set(r, Date.now());
    lines.push(`${at()} → ${r.method()} ${r.url()}`);
  });
  page.on('requestfinished', (r) => {
    if (!api(r.url())) return;
    void r.response().then((res) => lines.push(`${at()} ← ${res?.status() ?? '?'} ${r.method()} ${r.url()} (${Date.now() - (started.get(r) ?? t0)} ms)`));
  });
  page.on('requestfailed', (r) => {
    if (api(r.url())) lines.push(`${at()} ✗ ${r.method()} ${r.url()}: ${r.failure()?.errorText ?? '?'}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') lines.push(`${at()} console.error ${m.text()}`);
  });
  return { lines, dump: () => lines.join('\n') };
}

export interface ConsoleHarness {
  readonly base: string;
  readonly browser: Browser;
  /** alert() texts and uncaught page errors: both must stay empty. */
  readonly dialogs: string[];
  readonly pageErrors: string[];
  shot(page: Page, name: string): Promise<Buffer>;
  newPage(ctx: BrowserContext): Promise<Page>;
  signIn(page: Page, email: string): Promise<void>;
}

/** Registers beforeAll/afterAll for a suite: server + browser up, then both down. */
export function useConsole(tmpPrefix: string, env: Record<string, string> = {}, opts: { dnsResolver?: (name: string, rrtype: string) => Promise<unknown> } = {}): ConsoleHarness {
  let dir = '';
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let base = '';
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'web', 'index.html'))) execSync('npm run build:web', { cwd: ROOT, stdio: 'inherit' });
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), tmpPrefix));
    server = await startServer(
      loadConfig({ ESCALON_DATABASE_URL: `sqlite:${join(dir, 'e.db')}`, ESCALON_DATA_DIR: dir, ESCALON_PORT: '0', ESCALON_LOG_LEVEL: 'warn', ESCALON_OUTBOUND_ALLOW: '127.0.0.0/8,::1', ...env }),
      { quiet: true, dnsResolver: opts.dnsResolver },
    );
    base = server.url.replace('0.0.0.0', '127.0.0.1');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  return {
    get base() {
      return base;
    },
    get browser() {
      if (!browser) throw new Error('browser not started');
      return browser;
    },
    dialogs,
    pageErrors,
    shot,
    async newPage(ctx) {
      const page = await ctx.newPage();
      // Confirmations (deactivate, revoke) are accepted; any other dialog (an alert()) is a failure.
      page.on('dialog', (d) => {
        if (d.type() === 'confirm') return void d.accept();
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      return page;
    },
    async signIn(page, email) {
      await page.goto(base + '/');
      await page.locator('#signin-email').waitFor({ timeout: 10_000 }).catch(async (e: unknown) => {
        await shot(page, 'signin-failure');
        throw e;
      });
      await page.locator('#signin-email').fill(email);
      await page.locator('#signin-password').fill(PASSWORD);
      await page.locator('form button[type=submit]').click();
      await page.locator('header.topbar').waitFor();
    },
  };
}
