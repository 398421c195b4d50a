/**
 * How the server sends the built console: precompressed (br, gzip) with Content-Encoding, hashed
 * assets cached for a year as immutable, index.html (also for deep links) revalidated each time,
 * and the favicon. Builds the console first when dist/web has no precompressed build.
 */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webDistDir } from '../src/lib/paths.js';
import { closeTestApp, createTestApp, type TestContext } from './helpers/app.js';

const ROOT = join(import.meta.dirname, '..');

describe('console static files', () => {
  let ctx: TestContext | undefined;
  beforeAll(async () => {
    if (!existsSync(join(webDistDir(), 'index.html.br'))) execSync('npm run build:web', { cwd: ROOT, stdio: 'inherit' });
    ctx = await createTestApp('sqlite');
  }, 180_000);
  afterAll(async () => closeTestApp(ctx));

  const get = (url: string, headers: Record<string, string> = {}) => ctx!.app.inject({ method: 'GET', url, headers: { accept: 'text/html,*/*', ...headers } });

  it('sends index.html precompressed and never cached unrevalidated, also for deep links', async () => {
    for (const url of ['/', '/queues/mine?status=open', '/tickets/01a2079d-64a3-72d6-8665-1ccf40357136']) {
      const res = await get(url, { 'accept-encoding': 'br, gzip' });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.headers['content-type'], url).toContain('text/html');
    }
    const br = await get('/', { 'accept-encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    const plain = await get('/', { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toContain('<div id="root">');
    expect(plain.body).toContain('href="/favicon.svg"');
  });

  it('sends hashed assets as immutable for a year, gzip or brotli as the client accepts', async () => {
    const html = (await get('/', { 'accept-encoding': 'identity' })).body;
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const gz = await get(script, { 'accept-encoding': 'gzip' });
    expect(gz.statusCode).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gz.headers['content-type']).toContain('javascript');
    const br = await get(script, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(Number(br.headers['content-length'])).toBeLessThan(Number(gz.headers['content-length']));
    const css = readdirSync(join(webDistDir(), 'assets')).find((f) => f.endsWith('.css'))!;
    expect((await get(`/assets/${css}`, { 'accept-encoding': 'br' })).headers['content-encoding']).toBe('br');
  });

  it('serves an SVG favicon', async () => {
    const res = await get('/favicon.svg');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('image/svg+xml');
    expect(res.headers['cache-control']).toBe('no-cache');
  });
});
