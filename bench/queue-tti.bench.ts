/**
 * Time to interactive of the queue page with 10,000 open tickets in the database (issue 15's
 * figure): the server in-process on SQLite with the demo workspace plus BENCH_TICKETS (default
 * 10,000) open tickets assigned to the demo agent (田中), the built console (npm run build:web),
 * Debian's Chromium headless (playwright-core, as the e2e tests). Each round opens
 * /queues/mine in a fresh browser context (cold cache, already signed in) and reads from the
 * page, relative to navigation start:
 * - rows: the first ticket rows are in the table;
 * - interactive: after that, the main thread is free to handle input (a task queued when the
 *   rows appeared has run, and no long task (≥ 50 ms) is still running) — what TTI means here.
 * Run: npm run build:web && npx tsx bench/queue-tti.bench.ts   (BENCH_ROUNDS, default 5)
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { loadConfig } from '../src/config/config.js';
import { startServer } from '../src/main.js';
import { report } from './config.js';
import { percentile } from './load.js';

const ROOT = join(import.meta.dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const TICKETS = Number(process.env.BENCH_TICKETS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Installed before the console loads: records when the first rows appear and when the main thread is next free. */
const PAGE_PROBE = `
  window.__tti = {};
  window.__longEnd = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longEnd = Math.max(window.__longEnd, e.startTime + e.duration);
  }).observe({ type: 'longtask', buffered: true });
  const seen = () => {
    if (window.__tti.rows !== undefined || !document.querySelector('.queue-table tbody tr')) return;
    window.__tti.rows = performance.now();
    // A task queued now runs once the main thread is free: an input event would be handled then.
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { window.__tti.interactive = performance.now(); };
    ch.port2.postMessage(null);
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
`;
const PRIORITIES = ['low', 'normal', 'normal', 'high', 'urgent'] as const;

if (!existsSync(CHROMIUM)) {
  console.log(`${CHROMIUM} is missing (Debian's chromium package): skipped`);
  process.exit(0);
}
if (!existsSync(join(ROOT, 'dist', 'web', 'index.html'))) execSync('npm run build:web', { cwd: ROOT, stdio: 'inherit' });

const dir = mkdtempSync(join(tmpdir(), 'escalon-bench-tti-'));
const server = await startServer(
  loadConfig({ ESCALON_DATABASE_URL: `sqlite:${join(dir, 'tti.db')}`, ESCALON_DATA_DIR: dir, ESCALON_PORT: '0', ESCALON_LOG_LEVEL: 'warn' }),
  { quiet: true },
);
const base = server.url.replace('0.0.0.0', '127.0.0.1');
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const agent = await server.deps.users.findByEmail('tanaka@demo.example');
  if (!agent) throw new Error('the demo workspace has no tanaka@demo.example');
  const t0 = performance.now();
  for (let i = 0; i < TICKETS; i++) {
    await server.deps.tickets.create(null, {
      subject: i % 2 ? `プリンターが印刷できない (${i})` : `Cannot sign in to the portal (${i})`,
      description: 'bench',
      priority: PRIORITIES[i % PRIORITIES.length],
      assigneeId: agent.id,
      tags: [`bench-${i % 20}`],
    });
    if ((i + 1) % 2000 === 0) console.log(`  ${i + 1} tickets…`);
  }
  console.log(`${TICKETS} open tickets created in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'tanaka@demo.example', password: 'escalon-demo-2026' }) });
  if (login.status !== 200) throw new Error(`sign-in: ${login.status}`);
  const cookies = login.headers.getSetCookie().map((c) => {
    const [pair] = c.split(';');
    const at = pair!.indexOf('=');
    return { name: pair!.slice(0, at), value: pair!.slice(at + 1), url: base };
  });

  const rows: number[] = [];
  const tti: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const ctx = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
    await ctx.addCookies(cookies);
    // As a string: tsx's helpers (__name) do not exist in the page.
    await ctx.addInitScript(PAGE_PROBE);
    const page = await ctx.newPage();
    await page.goto(`${base}/queues/mine`);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page
      .waitForFunction(() => (window as unknown as { __tti: { interactive?: number } }).__tti.interactive !== undefined, null, { timeout: 60_000 })
      .catch(async (e: unknown) => {
        await page.screenshot({ path: join(tmpdir(), 'escalon-queue-tti-failure.png') });
        throw new Error(`the queue rows never appeared (screenshot in ${tmpdir()}/escalon-queue-tti-failure.png; page errors: ${errors.join('; ') || 'none'})`, { cause: e });
      });
    // Long tasks still running when the rows appeared delay input too.
    await page.waitForTimeout(500);
    const m = await page.evaluate(() => {
      const w = window as unknown as { __tti: { rows: number; interactive: number }; __longEnd: number };
      return { rows: w.__tti.rows, interactive: Math.max(w.__tti.interactive, w.__longEnd), count: document.querySelectorAll('.queue-table tbody tr').length };
    });
    rows.push(m.rows);
    tti.push(m.interactive);
    console.log(`  round ${r + 1}: rows ${m.rows.toFixed(0)} ms, interactive ${m.interactive.toFixed(0)} ms (${m.count} rows shown)`);
    await ctx.close();
  }
  rows.sort((a, b) => a - b);
  tti.sort((a, b) => a - b);
  console.log(`queue page, ${TICKETS} open tickets, ${ROUNDS} cold loads: rows p50 ${percentile(rows, 50).toFixed(0)} ms, TTI p50 ${percentile(tti, 50).toFixed(0)} ms (min ${tti[0]!.toFixed(0)}, max ${tti.at(-1)!.toFixed(0)})`);
  report({ harness: 'queue-tti', figure: `queue rows visible (${TICKETS} open)`, db: 'sqlite', case: '-', value: Math.round(percentile(rows, 50)), unit: 'ms' });
  report({ harness: 'queue-tti', figure: `queue TTI (${TICKETS} open)`, db: 'sqlite', case: '-', value: Math.round(percentile(tti, 50)), unit: 'ms' });
} finally {
  await browser.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
