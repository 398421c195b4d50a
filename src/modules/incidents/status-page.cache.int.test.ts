/**
 * The status page's cache on SQLite and PostgreSQL: on the node that made a change, the next
 * reader sees it at once (no invalidate() call, the fake clock standing still); another node
 * (its own services and status page, same database) sees it once its short TTL has passed; an
 * internal-only incident never shows however the cache turns; the ETag answers 304.
 */
import { expect, it } from 'vitest';
import { describeEachDb, type TestContext } from '../../../test/helpers/app.js';
import { ServicesService } from '../services/index.js';
import { StatusPageService } from './status-page.service.js';

describeEachDb('status page cache', (ctx) => {
  const uniq = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const page = async (c: TestContext, url = '/status?lang=en') => (await c.app.inject({ method: 'GET', url })).body;
  /** A second node: its own services (and change signal) and status page over the same database. */
  const otherNode = (c: TestContext) =>
    new StatusPageService({ db: c.deps.database.db, clock: c.clock, services: new ServicesService(c.deps.database.db, c.clock, c.deps.audit), mailer: { send: async () => ({ ok: true, response: 'unused' }) } as never, publicUrl: c.deps.config.publicUrl, mailFrom: 'escalon@escalon.test', secretKey: 'other-node-secret' });

  it('shows a change at once on the node that made it, and on other nodes after the TTL', async () => {
    const c = ctx();
    const other = otherNode(c);
    const before = await page(c);
    const title = `Cache outage ${uniq()}`;
    const svc = await c.request('POST', '/api/v1/services', c.actors.manager, { nameJa: 'キャッシュ', nameEn: `Cache ${uniq()}` });
    expect(await page(c)).toContain(svc.body.name.en); // a service change shows at once
    const otherBefore = (await other.page('en')).body.toString();
    expect(otherBefore).toContain(svc.body.name.en);
    const inc = await c.request('POST', '/api/v1/incidents', c.actors.manager, { title, severity: 'SEV2', services: [{ id: svc.body.id, impact: 'major_outage' }] });
    expect(inc.status).toBe(201);
    expect(before).not.toContain(title);
    expect(await page(c)).toContain(title);
    expect(await page(c, '/status?lang=ja')).toContain(title);
    expect(await page(c, '/status/feed.atom?lang=en')).not.toContain(title); // the feed has entries per update (none yet)
    // The other node keeps its rendering for up to its TTL, then reads again.
    expect((await other.page('en')).body.toString()).not.toContain(title);
    c.clock.advance(2001);
    expect((await other.page('en')).body.toString()).toContain(title);

    const body = `Update ${uniq()}`;
    const rendering = c.deps.statusPage.page('en'); // begins before the update commits
    const u = await c.request('POST', `/api/v1/incidents/${inc.body.id}/updates`, c.actors.manager, { state: 'identified', body: { ja: `更新 ${body}`, en: body }, audience: 'public' });
    expect(u.status).toBe(201);
    await rendering;
    expect(await page(c)).toContain(body);
    expect(await page(c, '/status/feed.atom?lang=en')).toContain(body);
    const internal = `Internal ${uniq()}`;
    await c.request('POST', `/api/v1/incidents/${inc.body.id}/updates`, c.actors.manager, { state: 'identified', body: { ja: internal, en: internal }, audience: 'internal' });
    expect(await page(c)).not.toContain(internal);
    const fixed = `Fixed ${uniq()}`;
    await c.request('POST', `/api/v1/incidents/${inc.body.id}/resolve`, c.actors.manager, { resolution: { ja: `復旧 ${fixed}`, en: fixed } });
    expect(await page(c)).toContain(fixed);
  });

  it('never shows an internal-only incident, cached or not', async () => {
    const c = ctx();
    const secret = `Secret ${uniq()}`;
    await page(c);
    const r = await c.request('POST', '/api/v1/incidents', c.actors.manager, { title: secret, severity: 'SEV3', internalOnly: true });
    expect(r.status).toBe(201);
    await c.request('POST', `/api/v1/incidents/${r.body.id}/updates`, c.actors.manager, { state: 'investigating', body: { ja: secret, en: secret }, audience: 'public' });
    for (const url of ['/status?lang=ja', '/status?lang=en', '/status/feed.atom']) expect(await page(c, url)).not.toContain(secret);
    c.clock.advance(2001);
    for (const url of ['/status?lang=ja', '/status?lang=en', '/status/feed.atom']) expect(await page(c, url)).not.toContain(secret);
    await c.request('POST', `/api/v1/incidents/${r.body.id}/resolve`, c.actors.manager, { resolution: { ja: '解決', en: 'Fixed' } });
  });

  it('answers 304 to a reader holding the current page, 200 once it changed', async () => {
    const c = ctx();
    const first = await c.app.inject({ method: 'GET', url: '/status?lang=en' });
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=5');
    const again = await c.app.inject({ method: 'GET', url: '/status?lang=en', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect((await c.app.inject({ method: 'GET', url: '/status?lang=ja', headers: { 'if-none-match': etag } })).statusCode).toBe(200);
    await c.request('POST', '/api/v1/services', c.actors.manager, { nameJa: '新', nameEn: `New ${uniq()}` });
    const changed = await c.app.inject({ method: 'GET', url: '/status?lang=en', headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });
});
